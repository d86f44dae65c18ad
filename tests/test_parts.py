"""Checking a file in parts gives the findings of the whole (toolkit.spark.parts), without
Spark: the parts are chosen as the Spark engine chooses them, by hashing each rule's
``together`` column. The answer keys are the committed synthetic files' manifests (written
by the fixture generator, not by the checker) and the whole file's report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.conftest import REAL, ROOT, csv_text, rows
from toolkit.checker import validate
from toolkit.config import load_settings
from toolkit.readers import ReadOptions, parse_table
from toolkit.report import FINDING_FIELDS
from toolkit.rules.base import Context
from toolkit.rules.events import Consistent
from toolkit.rules.subtotals import OneTotal, PartsAddUp
from toolkit.rules.values import UniqueRecordId
from toolkit.spark.parts import Layout, inside_quotes, parse_file, parse_lines, split_checked

SYNTHETIC = ROOT / "fixtures" / "synthetic"
BROKEN = sorted(p for p in SYNTHETIC.glob("*.csv") if p.stem != "valid")


def layout_of(path: Path) -> tuple[Layout, Context, bytes]:
    data = path.read_bytes()
    ctx = Context.of(load_settings(data_path=path))
    width = parse_table(path, data).width
    header = data.split(b"\n", 1)[0].rstrip(b"\r")
    layout = Layout(str(path), "csv", ReadOptions(), header, width, ctx.contract.names)
    return layout, ctx, data


def in_parts(path: Path, parts: int) -> list[tuple[Any, ...]]:
    layout, ctx, data = layout_of(path)
    found = split_checked(ctx, layout, "line", parse_file(layout, data), parts)
    return sorted(found.select(FINDING_FIELDS).rows(), key=_order)


def whole(path: Path) -> list[tuple[Any, ...]]:
    return sorted((tuple(f.to_dict().values()) for f in validate(path).findings), key=_order)


def _order(row: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in row)


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_a_file_checked_in_parts_gives_the_findings_of_the_whole(path: Path) -> None:
    manifest = json.loads((path.parent / f"{path.stem}.manifest.json").read_text())
    found = in_parts(path, parts=3)
    assert found == whole(path)
    planted = {(f["rule"], f["line"], f["record_id"], f["column"]) for f in manifest["labels"]}
    labels = {(rule, line, record, column) for rule, _, line, record, _, column, *_ in found}
    assert labels == planted


def test_the_real_extraction_errors_in_parts() -> None:
    path = REAL / "extraction_errors.csv"
    assert in_parts(path, parts=5) == whole(path)


def test_a_rule_that_forgets_its_rows_together_misses_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tests above fail when a rule's ``together`` is wrong: split at random, an
    event's or a record id's rows fall apart and findings are lost."""
    ids = [{"record_id": "r3" if i == 37 else f"r{i}"} for i in range(1, 41)]  # r3 twice
    path = tmp_path / "dup.csv"
    path.write_text(csv_text(rows(*ids)), encoding="utf-8")
    assert in_parts(path, parts=7) == whole(path) != []
    monkeypatch.setattr(UniqueRecordId, "together", None)
    assert in_parts(path, parts=7) != whole(path)
    monkeypatch.undo()
    events = SYNTHETIC / "event.consistent.csv"
    for rule in (Consistent, OneTotal, PartsAddUp, UniqueRecordId):  # no rule groups rows
        monkeypatch.setattr(rule, "together", None)
    assert in_parts(events, parts=7) != whole(events)


def test_lines_of_a_part_keep_their_place_in_the_file() -> None:
    """A part past the header is lent the header; its records keep their file lines (a
    blank line counted), and a ragged record its cell count."""
    layout, _, _ = layout_of(REAL / "events.csv")
    header = layout.header.decode()
    width = len(header.split(","))
    ragged = ",".join(["r9", "e9", "total"] + [""] * (width - 2))  # one cell too many
    lines = ["", ragged]
    frame = parse_lines(layout, lines, first_line=41)
    assert frame.select("record_id", "__line", "__cells").rows() == [("r9", 42, width + 1)]
    first = parse_lines(layout, [header, ragged], first_line=1)
    assert first.get_column("__line").to_list() == [2]
    assert parse_lines(layout, [header], first_line=1).is_empty()
    assert isinstance(first, pl.DataFrame)


def test_which_lines_start_inside_a_quoted_cell() -> None:
    """What the Spark engine splits a file with cells over several lines by: answer key by
    hand (RFC 4180: an escaped quote is two quotes)."""
    lines = pl.Series(['r1,"one', "two", 'three",x', 'r2,"say ""hi""",y', "", 'r3,"a', ""])
    assert inside_quotes(lines, False).to_list() == [
        False, True, True, False, False, False, True,
    ]  # fmt: skip
    assert inside_quotes(pl.Series(['end",x', "r4,y"]), True).to_list() == [True, False]


# ------------------------------------------------------------ the CLI's spark options


def test_without_pyspark_engine_spark_says_how_to_install() -> None:
    from tests.test_imports import run_guarded

    done = run_guarded(["validate", "fixtures/real/events.csv", "--engine", "spark"], {"pyspark"})
    assert done.stdout.rstrip().endswith("exit 2"), (done.stdout, done.stderr)
    assert "pip install 'event-toolkit[spark]'" in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--spark-master", "local[2]"], "--spark-master goes with --engine spark"),
        (["--findings-out", "f.parquet"], "--findings-out goes with --engine spark"),
        (["--engine", "spark", "--fix", "x.csv"], "--fix reads the file with the default"),
        (["--engine", "spark", "--findings-out", "f", "README.md"], "give exactly one"),
        (["--engine", "spark", "-"], "--engine spark reads paths, not stdin"),
        (["--engine", "spark", "--findings-out", "f", "fixtures/real"], "real stands for 8"),
    ],
)
def test_spark_options_are_refused_where_they_cannot_work(args: list[str], said: str) -> None:
    from click.testing import CliRunner

    from toolkit.cli import main

    files = [] if "fixtures/real" in args else ["fixtures/real/events.csv"]
    result = CliRunner().invoke(main, ["validate", *files, *args], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert said in result.stderr and result.stderr.count("\n") == 1
