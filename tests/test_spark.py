"""The Spark engine (``--engine spark``) in local mode: the same report as the default
engine, whatever the parts Spark splits a file into.

Needs the spark extra and Java: ``pytest -m spark`` (a CI job of its own, with pandas < 3
as the extra pins it); the default run deselects these tests. The answer keys come from
neither engine: the hand-written key of the real extractions (tests/golden.py) and the
committed synthetic files' manifests; on top, parity with the default engine on whole
reports (counts, groups, every listed finding, the rendered JSON).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.conftest import REAL, ROOT, csv_text, rows
from tests.golden import ANSWER_KEY
from toolkit.checker import validate
from toolkit.formats import render
from toolkit.report import Report
from toolkit.spark.engine import SparkRun

pytestmark = pytest.mark.spark

SYNTHETIC = ROOT / "fixtures" / "synthetic"
BROKEN = sorted(p for p in SYNTHETIC.glob("*.csv") if p.stem != "valid")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local session for the module, with file blocks of 2 KiB: a fixture of a few
    KiB is read in several parts, as a large file is. Without the spark extra every test
    here errors (never a skip): ``pytest -m spark`` runs where it is installed."""
    from pyspark.sql import SparkSession

    monkey = pytest.MonkeyPatch()
    monkey.setenv("PYSPARK_PYTHON", sys.executable)  # the workers run this interpreter
    session = (
        SparkSession.builder.master("local[2]")
        .appName("event-toolkit tests")
        .config("spark.ui.enabled", "false")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.sql.files.maxPartitionBytes", "2048")
        .config("spark.sql.files.openCostInBytes", "0")
        .config("spark.sql.shuffle.partitions", "3")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    monkey.undo()


def by_spark(spark: Any, path: Path | str, limit: int = 1000, **kw: Any) -> Report:
    return validate(path, engine="spark", spark=SparkRun(session=spark, max_findings=limit), **kw)


def assert_same(spark: Any, path: Path, limit: int = 1000, **kw: Any) -> Report:
    mine = by_spark(spark, path, limit, **kw)
    theirs = validate(path, **kw).capped_to(limit)
    assert tuple(mine.findings) == tuple(theirs.findings)
    assert mine.tally == theirs.tally
    assert (mine.rows, mine.located_by, mine.mapping) == (
        theirs.rows, theirs.located_by, theirs.mapping
    )  # fmt: skip
    assert render([mine], "json") == render([theirs], "json")
    return mine


def test_real_extraction_errors_same_report(spark: Any) -> None:
    path = REAL / "extraction_errors.csv"
    assert spark.read.text(str(path)).rdd.getNumPartitions() > 2  # read in parts
    report = assert_same(spark, path)
    assert len(report.by_rule) == 13  # every rule fires


def test_real_extractions_give_the_answer_key(spark: Any) -> None:
    for name, key in ANSWER_KEY.items():
        report = by_spark(spark, REAL / f"{name}.csv")
        assert set(report.flatten(("record_id", "event_id", "rule", "column"))) == key


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_generated_files_broken_for_each_rule(spark: Any, path: Path) -> None:
    manifest = json.loads((path.parent / f"{path.stem}.manifest.json").read_text())
    report = assert_same(spark, path)
    found = {(f.rule, f.line, f.record_id, f.column) for f in report.findings}
    planted = {(f["rule"], f["line"], f["record_id"], f["column"]) for f in manifest["labels"]}
    assert found == planted


def test_listing_is_capped_per_rule_and_counts_stay_exact(spark: Any) -> None:
    report = assert_same(spark, SYNTHETIC / "value.type.csv", limit=3)
    assert len(report.findings) == 3 and report.total == 8


def test_json_lines_and_parquet(spark: Any, tmp_path: Path) -> None:
    frame = pl.read_csv(REAL / "extraction_errors.csv", infer_schema=False)
    frame.write_ndjson(tmp_path / "errors.jsonl")
    frame.write_parquet(tmp_path / "errors.parquet")
    assert assert_same(spark, tmp_path / "errors.jsonl").located_by == "line"
    assert assert_same(spark, tmp_path / "errors.parquet").located_by == "record"


def test_cells_spanning_lines_and_blank_lines(spark: Any, tmp_path: Path) -> None:
    """Quoted cells over three lines, one over 60 lines and 5 KiB (more than a part of
    the file: it carries over two parts' starts), and blank lines: every record keeps its
    line, and the file is still read in parts."""
    long = "\n".join(f'line {i} of a long quote, with ""quotes"" and, commas' for i in range(60))
    cells = [{"quote": "one\ntwo\nthree"}, {"count": "x"}, {}, {"count": "1,037"}] * 20
    cells[41] = {"quote": long.replace('""', '"'), "count": "y"}
    text = csv_text(rows(*cells)).replace("\nr3,", "\n\n\nr3,")
    path = tmp_path / "spanning.csv"
    path.write_text(text, encoding="utf-8")
    assert spark.read.text(str(path)).rdd.getNumPartitions() > 4
    report = assert_same(spark, path)
    assert report.total == 40


def test_a_preset_maps_the_columns(spark: Any) -> None:
    from toolkit.config import load_settings

    path = REAL / "raw" / "ucdp_ged191_sample.csv"
    settings = load_settings(data_path=path, overrides={"preset": "ucdp"})
    report = assert_same(spark, path, settings=settings)
    assert report.mapping is not None and report.total > 0


def test_findings_out_writes_every_finding(spark: Any, tmp_path: Path) -> None:
    target = tmp_path / "findings"
    run = SparkRun(session=spark, max_findings=1, findings_out=str(target))
    report = validate(SYNTHETIC / "value.type.csv", engine="spark", spark=run)
    written = pl.read_parquet(target / "*.parquet")
    assert written.height == report.total == 8 and len(report.findings) == 1
    assert sorted(written.get_column("line").to_list()) == sorted(
        f.line for f in validate(SYNTHETIC / "value.type.csv").findings
    )
    assert not list(tmp_path.glob("findings.tmp-*"))  # written beside, then moved


def test_a_folder_is_one_report_per_file(spark: Any, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from toolkit.cli import main

    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_bytes((SYNTHETIC / "value.type.csv").read_bytes())
    result = CliRunner().invoke(
        main, ["validate", str(tmp_path), "--engine", "spark", "--format", "json", "-q"]
    )
    assert result.exit_code == 1, result.output
    reports = json.loads(result.stdout)
    assert [Path(r["file"]).name for r in reports] == ["a.csv", "b.csv"]
    assert [r["summary"]["errors"] for r in reports] == [8, 8]


def test_unusable_input_is_one_clear_error(spark: Any, tmp_path: Path) -> None:
    path = tmp_path / "missing.csv"
    path.write_text("record_id,event_id\nr1,e1\n", encoding="utf-8")
    with pytest.raises(Exception, match="missing required column"):
        by_spark(spark, path)
