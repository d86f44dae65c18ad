"""Every rule: real-looking rows that break it, and rows that almost do (the boundaries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.conftest import ENGINE, rows
from toolkit.checker import validate
from toolkit.config import apply, default_settings
from toolkit.report import Report

TODAY = dt.date(2026, 1, 1)
Writer = Callable[..., Path]
# The hand-written answer keys below are checked on each engine on its own (pandera, gx):
# an engine is right when it matches the key, not when it matches the other engine.
pytestmark = pytest.mark.usefixtures("each_engine")


def check(write_csv: Writer, data: list[dict[str, str]], **options: Any) -> Report:
    settings = apply(default_settings(today=TODAY), options, None, TODAY) if options else None
    return validate(write_csv(data), settings or default_settings(today=TODAY), ENGINE.get())


def found(report: Report, rule: str | None = None) -> list[tuple[Any, ...]]:
    """(line, rule, column) of every finding, optionally of one rule."""
    return [f for f in report.flatten(("line", "rule", "column")) if rule in (None, f[1])]


def event(total: Mapping[str, str], *parts: Mapping[str, str]) -> list[dict[str, str]]:
    """An event 'e1': one total row and part rows (each a dict of overrides)."""
    return rows(
        {"role": "total", "event_id": "e1", **total},
        *({"role": "part", "event_id": "e1", **p} for p in parts),
    )


def parts(*counts: str, qualifier: str = "") -> list[dict[str, str]]:
    return [{"count": c, "count_qualifier": qualifier} for c in counts]


SEVEN = ("104", "213", "83", "173", "312", "102", "50")  # the seed article's subtotals, 1,037


# ---------------------------------------------------------------- value.required
def test_required_cell_empty_or_blank(write_csv: Writer) -> None:
    report = check(write_csv, rows({"source": ""}, {"country": "   "}, {"actor": ""}))
    assert found(report) == [(2, "value.required", "source"), (3, "value.required", "country")]
    assert report.findings[0].message == "source is required but empty"


# ---------------------------------------------------------------- value.type
@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("07.07.2021", "2021-07-07"),  # the Sputnik page's own date format
        ("24.01.2023", "2023-01-24"),
        ("2021-7-5", "2021-07-05"),
        ("July 5, 2021", "2021-07-05"),
        ("2021-02-30", None),  # not a real day
        ("0000-01-01", None),  # there is no year 0 (Python's dates start at year 1)
        ("05/07/2021", None),  # day-first or month-first: not certain
        ("yesterday", None),
    ],
)
def test_type_bad_dates(write_csv: Writer, value: str, suggestion: str | None) -> None:
    report = check(write_csv, rows({"published_date": value}))
    assert found(report) == [(2, "value.type", "published_date")]
    assert report.findings[0].suggestion == suggestion


@pytest.mark.parametrize("value", ["2020-02-29", "2021-12-31", "1900-01-01"])
def test_type_real_dates_pass(write_csv: Writer, value: str) -> None:
    assert found(check(write_csv, rows({"published_date": value, "event_date": value}))) == []


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("1,037", "1037"),
        ("-104", None),
        ("about 1500", "1500 (count_qualifier=about)"),
        ("some 1,037", "1037 (count_qualifier=about)"),
        ("more than 1000", "1000 (count_qualifier=more_than)"),
        ("12.5", None),
        ("1.037", None),  # thousands dot or decimal point: not certain
        ("a thousand", None),
    ],
)
def test_type_bad_counts(write_csv: Writer, value: str, suggestion: str | None) -> None:
    report = check(write_csv, rows({"count": value}))
    assert found(report) == [(2, "value.type", "count")]
    assert report.findings[0].suggestion == suggestion


def test_type_zero_and_padded_counts_pass(write_csv: Writer) -> None:
    assert found(check(write_csv, rows({"count": "0"}, {"count": " 104 "}))) == []


def test_type_failure_is_not_judged_by_other_rules(write_csv: Writer) -> None:
    # an unreadable event date is neither out of range, out of order nor inconsistent;
    # an unreadable part count does not make its event's sum fail
    data = event({"count": "1037"}, {"count": "1,037", "event_date": "05.07.2021"})
    assert found(check(write_csv, data)) == [
        (3, "value.type", "event_date"),
        (3, "value.type", "count"),
    ]


# ---------------------------------------------------------------- value.enum
def test_enum_outside_vocabulary(write_csv: Writer) -> None:
    report = check(
        write_csv,
        rows({"role": "Total"}, {"event_type": "crossing"}, {"count_qualifier": "some"}),
    )
    assert found(report) == [
        (2, "value.enum", "role"),
        (3, "value.enum", "event_type"),
        (4, "value.enum", "count_qualifier"),
    ]
    assert [f.suggestion for f in report.findings] == ["total", "border_crossing", "about"]


def test_enum_empty_qualifier_means_exact(write_csv: Writer) -> None:
    assert found(check(write_csv, rows({"count_qualifier": ""}))) == []


def test_enum_vocabulary_is_configurable(write_csv: Writer) -> None:
    data = rows({"event_type": "evacuation"})
    assert found(check(write_csv, data)) == [(2, "value.enum", "event_type")]
    extended = {"event_type": ["border_crossing", "evacuation"]}
    assert found(check(write_csv, data, vocabularies=extended)) == []


# ---------------------------------------------------------------- record_id.unique
def test_unique_flags_later_rows_only(write_csv: Writer) -> None:
    data = rows({"record_id": "a", "event_id": "e1"}, {"record_id": "a", "event_id": "e2"})
    data += rows({"record_id": "b", "event_id": "e3"}, {"record_id": "a", "event_id": "e4"})
    report = check(write_csv, data)
    assert found(report) == [
        (3, "record_id.unique", "record_id"),
        (5, "record_id.unique", "record_id"),
    ]
    assert report.findings[0].message == "record_id 'a' is already used on line 2"


# ---------------------------------------------------------------- date.range
def test_range_bounds_are_inclusive(write_csv: Writer) -> None:
    window = {"date_min": "2021-01-01", "date_max": "2021-12-31"}
    edge = rows({"published_date": "2021-12-31", "event_date": "2021-01-01"})
    assert found(check(write_csv, edge, **window)) == []
    outside = rows({"published_date": "2022-01-01", "event_date": "2020-12-31"})
    assert found(check(write_csv, outside, **window)) == [
        (2, "date.range", "published_date"),
        (2, "date.range", "event_date"),
    ]


def test_range_default_max_is_today(write_csv: Writer) -> None:
    # the year typo of a real pipeline: 2201 for 2021
    report = check(write_csv, rows({"published_date": "2201-07-07"}))
    assert found(report) == [(2, "date.range", "published_date")]
    assert report.findings[0].message == (
        "published_date 2201-07-07 is outside [1900-01-01, 2026-01-01]"
    )


# ---------------------------------------------------------------- date.order
def test_order_event_after_publication(write_csv: Writer) -> None:
    # the boilerplate "1920, 24.01.2023" read as the publication year
    same_day = {"published_date": "2021-07-05", "event_date": "2021-07-05"}
    report = check(write_csv, rows(same_day, {"published_date": "1920-01-24"}))
    assert found(report) == [(3, "date.order", "event_date")]
    assert report.findings[0].message == "event_date 2021-07-05 is after published_date 1920-01-24"


def test_order_period_end(write_csv: Writer) -> None:
    ok = {"event_date": "2021-06-23", "event_date_end": "2021-07-07"}  # ends on publication
    reversed_ = {"event_date": "2021-07-07", "event_date_end": "2021-06-23"}
    late = {"event_date": "2021-06-23", "event_date_end": "2021-07-08"}
    one_day = {"event_date": "2021-07-05", "event_date_end": "2021-07-05"}
    report = check(write_csv, rows(ok, reversed_, late, one_day))
    assert found(report) == [
        (3, "date.order", "event_date_end"),
        (4, "date.order", "event_date_end"),
    ]
    assert [f.message for f in report.findings] == [
        "event_date_end 2021-06-23 is before event_date 2021-07-07",
        "event_date_end 2021-07-08 is after published_date 2021-07-07",
    ]


# ---------------------------------------------------------------- event.consistent
def test_consistent_part_differs_from_total(write_csv: Writer) -> None:
    data = event(
        {"count": "3"},
        {"count": "1", "event_date": "2021-07-04"},  # a photo caption's date
        {"count": "1", "event_type": "displacement"},
        {"count": "1"},
    )
    report = check(write_csv, data)
    assert found(report) == [
        (3, "event.consistent", "event_date"),
        (4, "event.consistent", "event_type"),
    ]
    assert report.findings[0].message == (
        "event_date '2021-07-04' differs from '2021-07-05' on line 2 (total row of event e1)"
    )


def test_consistent_compares_with_first_row_without_total(write_csv: Writer) -> None:
    data = rows(
        {"role": "part", "event_id": "e1"},
        {"role": "part", "event_id": "e1", "event_date_end": "2021-07-06"},
    )
    report = check(write_csv, data)
    assert found(report) == [(3, "event.consistent", "event_date_end")]
    assert "first row" in report.findings[0].message or "part row" in report.findings[0].message


def test_consistent_country_by_meaning(write_csv: Writer) -> None:
    data = event({"country": "Tajikistan"}, {"country": "TJ", "count": "1037"})
    assert found(check(write_csv, data), "event.consistent") == []


def test_consistent_country_in_two_scripts(write_csv: Writer) -> None:
    # Tajik and Russian names of one country on two rows of one event
    data = event({"country": "Тоҷикистон"}, {"country": "Таджикистан", "count": "1037"})
    assert found(check(write_csv, data), "event.consistent") == []
    data = event({"country": "Тоҷикистон"}, {"country": "Афганистан", "count": "1037"})
    assert found(check(write_csv, data), "event.consistent") == [(3, "event.consistent", "country")]


# ---------------------------------------------------------------- subtotal.total
def test_two_totals_reported_once(write_csv: Writer) -> None:
    data = event({}, {"role": "total", "count": "1000"}, {"count": "1037"})
    report = check(write_csv, data)
    assert found(report) == [(2, "subtotal.total", "role")]
    assert report.findings[0].message == "event e1 has 2 total rows (lines 2-3)"


# ---------------------------------------------------------------- subtotal.sum
def test_sum_dropped_subtotal(write_csv: Writer) -> None:
    # Langar's 50 dropped: parts add up to 987, the article says 1,037
    report = check(write_csv, event({"count": "1037"}, *parts(*SEVEN[:-1])))
    assert found(report) == [(2, "subtotal.sum", "count")]
    assert report.findings[0].message == (
        "parts add up to 987 but the total is 1,037 (parts on lines 3-8)"
    )


def test_sum_exact_match_passes(write_csv: Writer) -> None:
    assert found(check(write_csv, event({"count": "1037"}, *parts(*SEVEN)))) == []


def test_sum_more_than_a_thousand(write_csv: Writer) -> None:
    more_than = {"count": "1000", "count_qualifier": "more_than"}
    assert found(check(write_csv, event(more_than, *parts(*SEVEN)))) == []
    # "more than 1,037" needs at least 1,038
    strict = {"count": "1037", "count_qualifier": "more_than"}
    report = check(write_csv, event(strict, *parts(*SEVEN)))
    assert found(report) == [(2, "subtotal.sum", "count")]
    assert "more than 1,037 (1,038 or more)" in report.findings[0].message


@pytest.mark.parametrize(
    ("part_sum", "ok"),
    [("900", True), ("899", False), ("1100", True), ("1101", False)],
)
def test_sum_about_tolerance_edges(write_csv: Writer, part_sum: str, ok: bool) -> None:
    about = {"count": "1000", "count_qualifier": "about"}
    report = check(write_csv, event(about, {"count": part_sum}))
    assert (found(report) == []) is ok


def test_sum_about_tolerance_is_configurable(write_csv: Writer) -> None:
    about = {"count": "1500", "count_qualifier": "about"}
    data = event(about, {"count": "1037"}, {"count": "200"})  # 1,237: 18% below 1,500
    assert found(check(write_csv, data)) == [(2, "subtotal.sum", "count")]
    assert found(check(write_csv, data, about_tolerance=0.2)) == []


@pytest.mark.parametrize(
    ("qualifier", "part_sum", "ok"),
    [
        ("at_most", "1000", True),
        ("at_most", "1001", False),
        ("fewer_than", "999", True),
        ("fewer_than", "1000", False),
        ("at_least", "1000", True),
        ("at_least", "999", False),
    ],
)
def test_sum_bounded_qualifiers(write_csv: Writer, qualifier: str, part_sum: str, ok: bool) -> None:
    total = {"count": "1000", "count_qualifier": qualifier}
    assert (found(check(write_csv, event(total, {"count": part_sum}))) == []) is ok


def test_sum_qualified_parts_are_intervals(write_csv: Writer) -> None:
    # parts "over 200" and "about 800" add up to [201+720, inf): meets an exact 1,037
    data = event(
        {"count": "1037"},
        {"count": "200", "count_qualifier": "more_than"},
        {"count": "800", "count_qualifier": "about"},
    )
    assert found(check(write_csv, data)) == []


def test_sum_not_judged_without_parts_or_with_two_totals(write_csv: Writer) -> None:
    assert found(check(write_csv, event({"count": "1037"}))) == []
    two = event({}, {"role": "total"}, {"count": "5"})
    assert found(check(write_csv, two)) == [(2, "subtotal.total", "role")]


# ---------------------------------------------------------------- severities
def test_warning_severity_and_off(write_csv: Writer) -> None:
    data = rows({"count": "1,037"})
    report = check(write_csv, data, rules={"value.type": "warning"})
    assert report.valid and report.warnings == 1 and report.errors == 0
    assert check(write_csv, data, rules={"value.type": "off"}).findings == ()


# ---------------------------------------------------------------- qualifier words (one table)
@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("below 100", "100 (count_qualifier=fewer_than)"),
        ("minimum 100", "100 (count_qualifier=at_least)"),
        ("maximum 100", "100 (count_qualifier=at_most)"),
        ("no fewer than 1,000", "1000 (count_qualifier=at_least)"),
        ("up to 50", "50 (count_qualifier=at_most)"),
        ("Less than 20", "20 (count_qualifier=fewer_than)"),
        ("upwards of 300", "300 (count_qualifier=more_than)"),
        ("approximately 300", "300 (count_qualifier=about)"),
    ],
)
def test_type_qualified_counts_suggest_their_qualifier(
    write_csv: Writer, value: str, suggestion: str
) -> None:
    report = check(write_csv, rows({"count": value}))
    assert found(report) == [(2, "value.type", "count")]
    assert report.findings[0].suggestion == suggestion


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("below", "fewer_than"),
        ("minimum", "at_least"),
        ("maximum", "at_most"),
        ("at least", "at_least"),
        ("no less than", "at_least"),
        ("upwards of", "more_than"),
        ("Up to", "at_most"),
        ("approx", "about"),
        ("less than", "fewer_than"),
    ],
)
def test_enum_qualifier_words_suggest_the_qualifier(
    write_csv: Writer, value: str, suggestion: str
) -> None:
    report = check(write_csv, rows({"count_qualifier": value}))
    assert found(report) == [(2, "value.enum", "count_qualifier")]
    assert report.findings[0].suggestion == suggestion


def test_count_and_qualifier_cells_read_qualifier_words_alike() -> None:
    from toolkit.rules.parsing import QUALIFIER_WORDS, suggest_count
    from toolkit.rules.values import suggest_word

    vocabulary = ("exact", "about", "at_least", "more_than", "at_most", "fewer_than")
    assert set(QUALIFIER_WORDS.values()) <= set(vocabulary)
    for words, qualifier in QUALIFIER_WORDS.items():
        assert suggest_count(f"{words} 100") == f"100 (count_qualifier={qualifier})", words
        # "about" is its own qualifier: a cell holding it is fine, so there is nothing to suggest
        assert suggest_word(words, vocabulary) == (None if words == qualifier else qualifier)


def test_generated_qualifier_words_read_back() -> None:
    from toolkit.fixtures.vocab import QUALIFIER_WORDS as WRITTEN
    from toolkit.rules.parsing import qualifier_word

    # the generator writes "at least 1,000" into quotes: the checker reads the same words
    assert {q: qualifier_word(words) for q, words in WRITTEN.items() if words} == {
        "about": "about",
        "at_least": "at_least",
        "more_than": "more_than",
        "at_most": "at_most",
        "fewer_than": "fewer_than",
    }


def test_qualifier_suggestion_respects_a_narrowed_vocabulary(write_csv: Writer) -> None:
    narrowed = {"count_qualifier": ["exact", "about"]}
    report = check(write_csv, rows({"count": "below 100"}), vocabularies=narrowed)
    assert found(report) == [(2, "value.type", "count")]
    assert report.findings[0].suggestion is None  # fewer_than is not allowed: not "100"
    report = check(write_csv, rows({"count": "about 100"}), vocabularies=narrowed)
    assert report.findings[0].suggestion == "100 (count_qualifier=about)"


# ---------------------------------------------------------------- suggestions are never the value
@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("99999999999999999999999", None),  # too big for int64: no certain correction
        ("9223372036854775808", None),  # int64 max + 1
        ("99,999,999,999,999,999,999,999", None),  # "fixed" it would fail again
        ("about 99999999999999999999999", None),
        ("１２３", "123"),  # fullwidth digits
        ("١٠٣٧", "1037"),  # Arabic-Indic digits, as in Persian and Arabic sources
    ],
)
def test_type_count_suggestion_is_never_the_value(
    write_csv: Writer, value: str, suggestion: str | None
) -> None:
    report = check(write_csv, rows({"count": value}))
    assert found(report) == [(2, "value.type", "count")]
    assert report.findings[0].suggestion == suggestion


def test_type_biggest_int64_count_passes(write_csv: Writer) -> None:
    assert found(check(write_csv, rows({"count": "9223372036854775807"}))) == []


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [("２０２１-０７-０５", "2021-07-05"), ("0000-07-05", None), ("2021-13-05", None)],
)
def test_type_date_suggestion_is_never_the_value(
    write_csv: Writer, value: str, suggestion: str | None
) -> None:
    report = check(write_csv, rows({"published_date": value}))
    assert found(report) == [(2, "value.type", "published_date")]
    assert report.findings[0].suggestion == suggestion


def test_type_too_big_count_says_so(write_csv: Writer) -> None:
    report = check(write_csv, rows({"count": "99999999999999999999999"}))
    assert report.findings[0].message == (
        "count '99999999999999999999999' is not a non-negative integer literal "
        "up to 9,223,372,036,854,775,807"
    )
    huge = "9" * 5000  # more digits than Python's int() reads by default
    assert check(write_csv, rows({"count": huge})).findings[0].suggestion is None


def test_no_rule_suggests_the_value_itself(
    write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checker drops a suggestion equal to the cell, whatever rule or engine made it."""
    from toolkit.rules.places import Known

    real_explain = Known.explain

    def echo(self: Known, *args: Any) -> pl.DataFrame:
        return real_explain(self, *args).with_columns(pl.col("value").alias("suggestion"))

    monkeypatch.setattr(Known, "explain", echo)
    report = check(write_csv, rows({"admin1": "Qqqxzv"}))
    assert found(report) == [(2, "place.known", "admin1")]
    assert report.findings[0].suggestion is None
