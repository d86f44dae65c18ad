"""The built wheel ships the contract, the gazetteer and the plugin entry point (slow)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def test_wheel_contents(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--quiet",
         "--wheel-dir", str(tmp_path)],
        check=True, timeout=600,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("event_toolkit-*.whl")
    done = subprocess.run(
        [sys.executable, str(ROOT / ".github" / "check_wheel.py"), str(wheel)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stdout
