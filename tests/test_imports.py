"""Heavy imports stay lazy: checked in a fresh interpreter, by refusing the imports."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import ROOT

GUARD = """
import sys
class Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {refused!r}:
            raise ImportError("refused import of " + name)
        return None
sys.meta_path.insert(0, Refuse())
from toolkit.cli import main
try:
    main({argv!r})
except SystemExit as exit:
    print("exit", exit.code)
"""


def run_guarded(argv: list[str], refused: set[str]) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(GUARD).format(argv=argv, refused=sorted(refused))
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_validate_never_imports_great_expectations() -> None:
    done = run_guarded(["validate", "fixtures/real/extraction_errors.csv"], {"great_expectations"})
    assert done.stdout.rstrip().endswith("exit 1"), done.stderr
    assert "place.hierarchy" in done.stdout


def test_help_imports_no_data_frame_library() -> None:
    refused = {"polars", "pandas", "pandera", "pyarrow", "numpy", "rapidfuzz"}
    done = run_guarded(["validate", "--help"], refused)
    assert done.stdout.rstrip().endswith("exit 0"), done.stderr
    assert "--date-max" in done.stdout


PREPARED_WHILE_IMPORTING = """
import sys, threading
import toolkit.checker as checker
seen = []
real = checker.prepare
def prepare(table, ctx):
    seen.append(sorted(t.name for t in threading.enumerate() if t is not threading.main_thread()))
    return real(table, ctx)
checker.prepare = prepare
assert "pandera" not in sys.modules
report = checker.validate("fixtures/real/extraction_errors.csv")
print(len(seen[0]), "toolkit.engines.pandera_engine" in sys.modules, report.rows == 40)
"""


def test_the_engine_is_imported_on_another_thread_while_the_frame_is_prepared() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PREPARED_WHILE_IMPORTING],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.split() == ["1", "True", "True"], done.stderr
