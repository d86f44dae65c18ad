"""The checker reproduces the committed reports of the real extractions exactly."""

from __future__ import annotations

import json

import pytest

from tests.golden import EXIT_CODES, FILES, FORMATS, expected_path, render


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", FILES)
def test_report_matches_the_committed_one(name: str, fmt: str) -> None:
    code, out = render(name, fmt)
    assert code == EXIT_CODES[name]
    assert out == expected_path(name, fmt).read_text(encoding="utf-8")


def test_the_error_fixture_breaks_each_documented_rule() -> None:
    """The findings the fixture's README promises, rule by rule (not just 'what we print')."""
    report = json.loads(expected_path("extraction_errors", "json").read_text(encoding="utf-8"))
    assert report["summary"]["by_rule"] == {
        "value.required": 1, "value.type": 3, "value.enum": 2, "record_id.unique": 1,
        "date.range": 1, "date.order": 2, "event.consistent": 1, "subtotal.total": 1,
        "subtotal.sum": 2, "place.known": 1, "place.hierarchy": 2,
    }  # fmt: skip
    found = {(f["record_id"], f["rule"], f["column"]) for f in report["failures"]}
    assert found == {
        ("err-date-dotted", "value.type", "published_date"),
        ("err-date-1920", "date.order", "event_date"),
        ("err-drop-total", "subtotal.sum", "count"),
        ("err-misread-total", "subtotal.sum", "count"),
        ("err-garbled-admin2", "place.known", "admin2"),
        ("err-ruzvay-in-vanj", "place.hierarchy", "location"),
        ("err-khorog-in-khatlon", "place.hierarchy", "admin2"),
        ("err-count-comma", "value.type", "count"),
        ("err-count-about", "value.type", "count"),
        ("err-qualifier-some", "value.enum", "count_qualifier"),
        ("err-type-crossing", "value.enum", "event_type"),
        ("err-country-empty", "value.required", "country"),
        ("err-two-totals-1037", "subtotal.total", "role"),
        ("err-caption-date-humrogi", "event.consistent", "event_date"),
        ("err-dup-1037", "record_id.unique", "record_id"),
        ("err-period-reversed", "date.order", "event_date_end"),
        ("err-year-2201", "date.range", "published_date"),
    }
    assert json.loads(expected_path("events", "json").read_text(encoding="utf-8"))["valid"]
