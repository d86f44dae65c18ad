"""--fix: a CSV copy with the certain date and count fixes applied (README: CLI reference)."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner, Result

from tests.conftest import REAL, one_line_error
from toolkit.cli import validate_command


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(validate_command, [str(a) for a in args])


def cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_fix_writes_the_certain_fixes_and_lists_them(tmp_path: Path) -> None:
    source = REAL / "extraction_errors.csv"
    before = source.read_bytes(), source.stat().st_mtime_ns
    out = tmp_path / "fixed.csv"
    result = invoke(source, "--fix", out)
    assert result.exit_code == 1  # the report is of the input, as it is
    assert result.stderr.splitlines() == [
        f"wrote {out}: 4 changes",
        "  line 2: published_date '07.07.2021' -> '2021-07-07'",
        "  line 22: count '1,037' -> '1037'",
        "  line 23: count 'about 1,500' -> '1500'",
        "  line 23: count_qualifier (empty) -> 'about'",
    ]
    assert (source.read_bytes(), source.stat().st_mtime_ns) == before
    original, fixed = cells(source), cells(out)
    assert fixed[0] == original[0] and len(fixed) == len(original)
    changed = [(i, j) for i, (a, b) in enumerate(zip(original, fixed, strict=True))
               for j, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]  # fmt: skip
    assert changed == [(1, 5), (21, 14), (22, 14), (22, 15)]  # records 1, 21, 22 (0: header)
    again = invoke(out, "--config", REAL / "pyproject.toml", "--format", "json")
    assert '"value.type"' not in again.stdout


def test_fix_of_a_mapped_file_changes_its_own_columns(tmp_path: Path) -> None:
    source = tmp_path / "hdx.csv"
    source.write_text(
        "ID,When,Nation,Killed\n#event+code,#date+occurred,#country+name,#affected+killed\n"
        "a1,2021-07-05T10:00:00,Tajikistan,1 037\n"
    )
    out = tmp_path / "fixed.csv"
    result = invoke(source, "--fix", out)
    assert result.stderr.splitlines()[1:] == [
        "  line 3: When '2021-07-05T10:00:00' -> '2021-07-05'",
        "  line 3: Killed '1 037' -> '1037'",
    ]
    assert cells(out) == [
        ["ID", "When", "Nation", "Killed"],
        ["#event+code", "#date+occurred", "#country+name", "#affected+killed"],
        ["a1", "2021-07-05", "Tajikistan", "1037"],
    ]


def test_fix_needs_one_input_and_never_overwrites_it(tmp_path: Path) -> None:
    source = REAL / "events.csv"
    other = REAL / "extraction_errors.csv"
    error = one_line_error(invoke(source, other, "--fix", tmp_path / "x.csv"))
    assert error == "--fix writes the copy of one input file: give exactly one file"
    assert one_line_error(invoke(source, "--fix", source)) == (
        f"{source}: --fix would overwrite the input file {source}"
    )
