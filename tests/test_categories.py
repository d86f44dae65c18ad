"""The repeated columns held as polars categories (toolkit.categories): read, tidied and
parsed as text is, and judged by every rule as text is."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from tests.conftest import REAL, csv_text, rows
from toolkit.categories import as_text, per_value
from toolkit.checker import _check, mapped, validate
from toolkit.cli import main
from toolkit.config import Settings, default_settings
from toolkit.contract import load_contract
from toolkit.engines import RunOptions
from toolkit.fixtures import generate
from toolkit.prepare import prepare
from toolkit.readers import ReadOptions, read_table, table_from_frame
from toolkit.rules import all_rules
from toolkit.rules.base import Context
from toolkit.rules.parsing import parse_date

# written out here, not read from the contract: the columns whose values recur
REPEATED = (
    "role", "source", "published_date", "event_date", "event_date_end", "event_type",
    "actor", "country", "admin1", "admin2", "location", "count_qualifier",
)  # fmt: skip


def test_the_contract_marks_the_columns_whose_values_recur() -> None:
    assert load_contract().repeated == REPEATED


def test_the_reader_holds_the_named_columns_as_categories_with_every_cell() -> None:
    path = REAL / "extraction_errors.csv"  # blanks, stray spaces, odd dates and counts
    named = ("country", "admin1", "event_date", "no_such_column")
    held = read_table(path, ReadOptions(categories=named)).frame
    plain = read_table(path).frame
    assert {c for c, t in held.schema.items() if t == pl.Categorical} == set(named[:3])
    assert as_text(held).equals(plain)


@pytest.mark.parametrize("from_csv", [True, False], ids=["csv reader", "frame"])
def test_prepare_tidies_categories_as_it_tidies_text(tmp_path: Path, from_csv: bool) -> None:
    cells = rows(
        {"country": " Tajikistan ", "admin1": "", "admin2": "N/A", "event_date": " 2021-07-05"},
        {"country": "Tajikistan", "admin1": "Khatlon", "admin2": " N/A ", "event_date": "N/A"},
    )
    settings = replace_missing(("N/A",))
    if from_csv:
        path = tmp_path / "events.csv"
        path.write_text(csv_text(cells), encoding="utf-8")
        table = read_table(path, ReadOptions(categories=REPEATED))
        assert table.frame.schema["country"] == pl.Categorical  # else this proves nothing
    else:
        table = table_from_frame(pl.DataFrame(cells))
    frame = prepare(table, Context.of(settings))
    held = {c for c, t in frame.schema.items() if t == pl.Categorical}
    assert held == set(REPEATED)
    got = as_text(frame).select("country", "admin1", "admin2", "event_date", "__event_date")
    assert got.rows() == [
        ("Tajikistan", None, None, "2021-07-05", dt.date(2021, 7, 5)),
        ("Tajikistan", "Khatlon", None, None, None),
    ]


def test_columns_the_file_lacks_are_held_as_the_contract_says() -> None:
    table = table_from_frame(pl.DataFrame(rows({})).drop("location", "actor", "quote"))
    frame = prepare(table, Context.of())
    assert frame.schema["location"] == frame.schema["actor"] == pl.Categorical
    assert frame.schema["quote"] == pl.String
    assert frame.select(pl.col("location", "actor", "quote").is_null().all()).row(0) == (
        True,
        True,
        True,
    )


def replace_missing(markers: tuple[str, ...]) -> Settings:
    return replace(default_settings(), missing_values=markers)


def test_a_value_parsed_once_lands_on_each_of_its_rows() -> None:
    cells = ["2021-07-05", None, "2021-13-01", "0000-01-01", "2020-02-29", "x"]
    # enough rows for polars to join them in parallel, in an order of no pattern
    shuffled = [cells[i] for i in np.random.default_rng(3).integers(0, len(cells), 300_000)]
    frame = pl.DataFrame({"event_date": shuffled}, schema={"event_date": pl.Categorical})
    parsed = per_value(frame, "event_date", parse_date("event_date"))
    assert isinstance(parsed, pl.Series)
    key = {"2021-07-05": dt.date(2021, 7, 5), "2020-02-29": dt.date(2020, 2, 29)}
    assert parsed.to_list() == [key.get(c) if c else None for c in shuffled]


def test_every_rule_judges_categories_as_it_judges_text() -> None:
    """The checker's whole report on a fixture breaking every rule: the same findings
    whether the repeated columns are held as categories or as text."""
    ctx = Context.of()
    breaks = {rule.id: 0.07 for rule in all_rules(ctx.contract)}  # one rule per event
    fixture = generate(100, seed=7, breaks=breaks)
    table, ctx = mapped(table_from_frame(fixture.table), ctx)
    held = prepare(table, ctx)
    assert set(REPEATED) <= {c for c, t in held.schema.items() if t == pl.Categorical}
    reports = [
        _check(frame, ctx, "pandera", RunOptions(name="t"), lambda phase: None)
        for frame in (held, as_text(held))
    ]
    categories, text = (report.findings for report in reports)
    assert len(categories) > 0 and {f.rule for f in categories} == set(breaks)
    assert categories == text


def test_ids_mapped_from_a_repeated_column_are_reported_as_text(tmp_path: Path) -> None:
    """A mapping may take event_id from a column the reader holds as categories (here
    source): findings, the JSON report and a baseline still see text."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.event-toolkit.columns]\nevent_id = "source"\n', encoding="utf-8"
    )
    cells = rows(
        {"event_id": "", "source": "Sputnik", "count": "10"},
        {
            "event_id": "",
            "source": "Sputnik",
            "role": "part",
            "event_date": "2021-07-04",
            "count": "10",
        },
    )
    data = tmp_path / "events.csv"
    data.write_text(csv_text(cells), encoding="utf-8")
    report = validate(data)
    assert report.findings and {f.event_id for f in report.findings} == {"Sputnik"}
    assert {f.rule for f in report.findings} == {"event.consistent"}
    result = CliRunner().invoke(main, ["validate", str(data), "--format", "json"])
    assert result.exit_code == 1, result.output
    listed = json.loads(result.output)["failures"]
    assert {(f["record_id"], f["event_id"]) for f in listed} == {("r2", "Sputnik")}
