"""The progress display: phases on stderr when it is a terminal; silent otherwise and with
--quiet. The terminal is a real pseudo-terminal, validate a real process."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REAL, ROOT

ERRORS = REAL / "extraction_errors.csv"
PHASES = ("reading", "checking rules", "explaining findings", "writing the report")


def run_with_terminal_stderr(*args: str) -> tuple[int, str, str]:
    """Run validate with stderr on a pseudo-terminal (stdout a pipe): exit code, stdout,
    and everything written to the terminal."""
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "toolkit", "validate", *args]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=follower, env={**os.environ}
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out = process.stdout.read() if process.stdout else b""
    code = process.wait()
    os.close(leader)
    return code, out.decode(), seen.decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_a_terminal_shows_each_phase_and_the_report_stays_clean() -> None:
    code, out, terminal = run_with_terminal_stderr(str(ERRORS), str(REAL / "events.csv"))
    assert code == 1
    for phase in PHASES:
        assert phase in terminal
    assert "[1/2] " in terminal and "[2/2] " in terminal
    assert "\x1b[" not in out  # the report on stdout has no trace of the display
    assert out.startswith(f"{ERRORS}: 40 rows, 17 errors, 1 warning: INVALID")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_quiet_shows_nothing_on_a_terminal() -> None:
    code, out, terminal = run_with_terminal_stderr(str(ERRORS), "--quiet")
    assert code == 1
    assert terminal == ""
    assert out.startswith(f"{ERRORS}: 40 rows")


def test_no_terminal_no_display(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "validate", str(ERRORS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == ""


def test_the_library_reports_phases_in_order() -> None:
    from toolkit import validate

    said: list[str] = []
    validate(ERRORS, progress=said.append)
    assert said == ["reading", "checking rules", "explaining findings"]
