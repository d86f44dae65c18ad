"""Rules at their edges (found by mutation testing): suggestions for free text, count
intervals of big numbers, and the fixture mutators held to their promise on hand-made events
(break this rule and no other, report exactly the promised findings).

The answer keys are written from the rules' meaning (README, contract); the mutators are run
with a fixed, documented choice (FirstChoice) so each case is one known path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from tests.conftest import rows
from toolkit.checker import validate
from toolkit.config import Settings, apply, default_settings
from toolkit.contract import load_contract
from toolkit.errors import ContractError
from toolkit.report import Report
from toolkit.rules import Context, Rule, all_rules
from toolkit.rules.base import Broken, lines_text
from toolkit.rules.mutating import typo
from toolkit.rules.parsing import interval, suggest_count, suggest_date
from toolkit.rules.values import suggest_word

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

TODAY = dt.date(2026, 1, 1)
Writer = Callable[..., Path]
T = TypeVar("T")


def settings(**options: Any) -> Settings:
    base = default_settings(today=TODAY)
    return apply(base, options, None, TODAY) if options else base


def check(write_csv: Writer, data: list[dict[str, str]], **options: Any) -> Report:
    return validate(write_csv(data), settings(**options))


def found(report: Report) -> list[tuple[Any, ...]]:
    return report.flatten(("line", "rule", "column"))


def rule(rule_id: str) -> Rule:
    return next(r for r in all_rules() if r.id == rule_id)


class FirstChoice(Random):
    """A Random whose choices are the first candidate, whose draws are 0 and whose
    random() is 0.0: the mutators' first path, every time."""

    def random(self) -> float:
        return 0.0

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        return seq[0]

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        return 0 if stop is None else start


def event(total: Mapping[str, str], *parts: Mapping[str, str]) -> list[dict[str, str]]:
    """Event 'e1': a total row and part rows (dicts of overrides on conftest.BASE)."""
    return rows(
        {"role": "total", "event_id": "e1", **total},
        *({"role": "part", "event_id": "e1", **p} for p in parts),
    )


def mutated(
    write_csv: Writer, rule_id: str, data: list[dict[str, str]], **options: Any
) -> tuple[Broken | None, list[tuple[Any, ...]]]:
    """Run *rule_id*'s mutator on a valid event (FirstChoice); return its promise and the
    checker's findings on the result, as (line, rule, column)."""
    assert found(check(write_csv, data, **options)) == []  # valid before
    broken = rule(rule_id).mutate(Context.of(settings(**options)), data, FirstChoice())
    return broken, found(check(write_csv, data, **options))


def promised(rule_id: str, broken: Broken | None) -> list[tuple[Any, ...]]:
    assert broken is not None
    return sorted((i + 2, rule_id, column) for i, column in broken)


# ---------------------------------------------------------------- value.enum suggestions
def test_enum_free_text_that_names_a_type_suggests_it(write_csv: Writer) -> None:
    # a note around the word, ten times its length: no whole-string match, clear as a part
    value = "other (see the quote for the details of the event)"
    report = check(write_csv, rows({"event_type": value}))
    assert found(report) == [(2, "value.enum", "event_type")]
    assert report.findings[0].suggestion == "other"


@pytest.mark.parametrize("value", ["b", "d", "w"])
def test_enum_a_single_letter_suggests_nothing(write_csv: Writer, value: str) -> None:
    report = check(write_csv, rows({"event_type": value}))
    assert found(report) == [(2, "value.enum", "event_type")]
    assert report.findings[0].suggestion is None


# ---------------------------------------------------------------- count intervals
@pytest.mark.parametrize(
    ("n", "tolerance", "low", "high"),
    [
        (1037, 0.1, 934, 1140),  # 933.3 -> 934 people at least, 1140.7 -> 1140 at most
        (1000, 0.1, 900, 1100),  # exact products stay whole
        (10_000_000, 0.1, 9_000_000, 11_000_000),
    ],
)
def test_about_interval_is_whole_people(n: int, tolerance: float, low: int, high: int) -> None:
    assert interval(n, "about", tolerance) == (low, high)


def test_about_interval_of_a_big_count_keeps_its_exact_top() -> None:
    assert interval(100_000_000, "about", 0.15) == (85_000_000, 115_000_000)


def test_parts_at_the_top_of_a_big_about_total_pass(write_csv: Writer) -> None:
    data = event(
        {"count": "100000000", "count_qualifier": "about"},
        {"count": "100000000"},
        {"count": "15000000"},
    )
    assert found(check(write_csv, data, about_tolerance=0.15)) == []


# ---------------------------------------------------------------- mutators: typo
def typos_of(name: str) -> set[str]:
    """Every misspelling typo() may make: a letter (not the first) dropped or doubled, or
    swapped with the character before it."""
    letters = [i for i, c in enumerate(name) if c.isalpha()][1:]
    out = set()
    for i in letters:
        out.add(name[:i] + name[i + 1 :])
        out.add(name[:i] + name[i] + name[i:])
        out.add(name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :])
    return out


@pytest.mark.parametrize("name", ["Kul", "Vanj", "Shamsiddin Shohin", "Ruzvay"])
def test_typo_is_one_letter_dropped_doubled_or_swapped(name: str) -> None:
    made = {typo(name, Random(seed)) for seed in range(60)}
    assert made <= typos_of(name)
    assert len(made) > 2  # varied, not one fixed spelling


@pytest.mark.parametrize(("name", "expected"), [("X", "XX"), ("Ob", "Obb"), ("Ob-", "Ob--")])
def test_typo_of_a_name_with_under_three_letters_doubles_its_last_character(
    name: str, expected: str
) -> None:
    assert typo(name, Random(0)) == expected


# ---------------------------------------------------------------- mutators: promise kept
def test_value_type_mutator_writes_big_counts_with_thousands_commas(write_csv: Writer) -> None:
    # README: value.type writes `1,037`; a count from 1,000 up gets its comma
    for count, written in (("1000", "1,000"), ("1037", "1,037")):
        data = event({"count": count})
        broken, got = mutated(write_csv, "value.type", data)
        assert data[0]["count"] == written
        assert got == promised("value.type", broken) == [(2, "value.type", "count")]


def test_value_type_mutator_small_counts_become_text(write_csv: Writer) -> None:
    data = event({"count": "999"})
    broken, got = mutated(write_csv, "value.type", data)
    assert data[0]["count"] not in ("999", "")
    assert got == promised("value.type", broken) == [(2, "value.type", "count")]


def test_subtotal_mutator_makes_the_misread_part_exact(write_csv: Writer) -> None:
    # the part 'at most 300' misread as a count that makes the parts too many for 1,037;
    # left 'at most', its interval [0, n] would still let the parts meet the total
    data = event(
        {"count": "1037"},
        {"count": "300", "count_qualifier": "at_most"},
        {"count": "737"},
    )
    broken, got = mutated(write_csv, "subtotal.sum", data)
    assert data[1]["count_qualifier"] == "exact"
    assert int(data[1]["count"]) > 1037 - 737
    assert got == promised("subtotal.sum", broken) == [(2, "subtotal.sum", "count")]


def test_enum_mutator_writes_a_word_outside_a_custom_vocabulary(write_csv: Writer) -> None:
    # every variant but one ('clash_') is an allowed word of this vocabulary
    types = ["clash", "Clash", "clashs", "CLASH"]
    data = event({"event_type": "clash"})
    broken, got = mutated(write_csv, "value.enum", data, vocabularies={"event_type": types})
    assert data[0]["event_type"] == "clash_"
    assert got == promised("value.enum", broken) == [(2, "value.enum", "event_type")]


# ---------------------------------------------------------------- GX arguments are JSON
def test_gx_arguments_name_gazetteer_files_as_text() -> None:
    ctx = Context.of(dataclasses.replace(settings(), gazetteer=(Path("/data/places.csv"),)))
    (spec,) = rule("place.known").gx(ctx, "location")
    assert spec.kwargs["parameters"] == {"gazetteer": ["/data/places.csv"]}
    json.dumps(spec.kwargs)  # GX stores expectation arguments as JSON


def test_date_order_mutator_may_write_a_date_on_date_min_itself(write_csv: Writer) -> None:
    # the boilerplate date lands the day before the event, which is date_min: in range
    data = event({"event_date": "2021-07-05", "published_date": "2021-07-07"})
    broken, got = mutated(write_csv, "date.order", data, date_min="2021-07-04")
    assert data[0]["published_date"] == "2021-07-04"
    assert got == promised("date.order", broken) == [(2, "date.order", "event_date")]


@pytest.mark.parametrize(
    ("published", "date_max", "written"),
    [
        ("2021-07-07", "2200-12-31", "2201-07-07"),  # 180 years on: past date_max
        ("2020-02-29", "2199-12-31", "2200-02-28"),  # 2200 is no leap year: the 28th
        ("9819-07-07", "9998-12-31", "9999-07-07"),  # the last year a date can have
    ],
)
def test_date_range_mutator_writes_a_real_date_past_date_max(
    write_csv: Writer, published: str, date_max: str, written: str
) -> None:
    data = event({"published_date": published, "event_date": published})
    broken, got = mutated(write_csv, "date.range", data, date_max=date_max)
    assert data[0]["published_date"] == written
    assert got == promised("date.range", broken) == [(2, "date.range", "published_date")]


@pytest.mark.parametrize(
    ("published", "date_max"),
    [
        ("2021-07-07", "2201-12-31"),  # the mistyped year 2201 would still be in range
        ("9820-07-07", "9999-12-31"),  # year 10000 is no YYYY-MM-DD date (value.type)
    ],
)
def test_date_range_mutator_declines_when_no_year_breaks_only_the_range(
    write_csv: Writer, published: str, date_max: str
) -> None:
    data = event({"published_date": published, "event_date": published})
    before = [dict(row) for row in data]
    broken, got = mutated(write_csv, "date.range", data, date_max=date_max)
    assert (broken, got, data) == (None, [], before)


# ---------------------------------------------------------------- place.known suggestions
@pytest.mark.parametrize(
    ("place", "column", "suggestion"),
    [
        # a garbled district of Takhar: Chah Ab there, though Kuf Ab is as close nationwide
        ({"country": "Afghanistan", "admin1": "Takhar", "admin2": "hCaah Ab"}, "admin2",
         "Chah Ab"),
        # a town of Namangan: Kosonsoy there, not the shorter Koson elsewhere in Uzbekistan
        # (a village or town: a warning, as no list of them is complete)
        ({"country": "Uzbekistan", "admin1": "Namangan", "location": "Kosonsoi"}, "location",
         "Kosonsoy"),
        ({"country": "Tajikistan", "admin1": "Sughd", "location": "Panjakentt"}, "location",
         "Panjakent"),
    ],
)  # fmt: skip
def test_place_suggestions_look_inside_the_rows_region_first(
    write_csv: Writer, place: dict[str, str], column: str, suggestion: str
) -> None:
    report = check(write_csv, rows(place))
    rule = "place.known" if column == "admin2" else "place.unverified"
    assert found(report) == [(2, rule, column)]
    assert report.findings[0].suggestion == suggestion


def test_a_designation_word_of_the_level_is_dropped(write_csv: Writer) -> None:
    # "city" designates a town; "Herat District" is no name of Herat province
    assert found(check(write_csv, rows({"country": "Tajikistan", "admin1": "Sughd",
                                        "location": "Panjakent city"}))) == []  # fmt: skip
    report = check(write_csv, rows({"country": "Afghanistan", "admin1": "Herat District"}))
    assert found(report) == [(2, "place.known", "admin1")]


# ---------------------------------------------------------------- suggestions, one by one
TYPES = ("border_crossing", "displacement", "surrender", "capture", "clash", "deployment",
         "withdrawal", "other")  # fmt: skip
QUALIFIERS = ("exact", "about", "at_least", "more_than", "at_most", "fewer_than")


@pytest.mark.parametrize(
    ("value", "allowed", "suggestion"),
    [
        ("deployed", TYPES, "deployment"),  # close as a whole word
        ("withdrawn", TYPES, "withdrawal"),
        ("no-more-than", QUALIFIERS, "at_most"),  # hyphens read as spaces: a qualifier phrase
        ("Up-to", QUALIFIERS, "at_most"),
        ("withdrawel of the government forces from the border posts along the river Panj, "
         "as reported", TYPES, "withdrawal"),  # a sentence around a misspelt word
        ("battle", TYPES, None),  # no type is meant
        ("attack", TYPES, None),
        ("refugees", TYPES, None),
        ("approximately", TYPES, None),  # a qualifier word is no event type
    ],
)  # fmt: skip
def test_suggest_word(value: str, allowed: tuple[str, ...], suggestion: str | None) -> None:
    assert suggest_word(value, allowed) == suggestion


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("2021/07/05", "2021-07-05"),  # year first: certain
        ("2021.7.5", "2021-07-05"),
        ("5 July 2021", "2021-07-05"),
        ("05 JULY 2021", "2021-07-05"),
        ("5 jul. 2021", "2021-07-05"),
        ("5 Sept, 2021", "2021-09-05"),
        ("5 Juli 2021", None),  # not an English month
        ("13/07/2021", "2021-07-13"),  # 13 is no month: day first
        ("07/13/2021", "2021-07-13"),  # month first
        ("12/13/2021", "2021-12-13"),
        ("07/07/2021", "2021-07-07"),  # either way the same day
        ("12/07/2021", None),  # 12 July or 7 December: not certain
        ("07/12/2021", None),
        ("13/13/2021", None),  # no month at all
        ("31/02/2021", None),  # no such day
    ],
)
def test_suggest_date(value: str, suggestion: str | None) -> None:
    assert suggest_date(value) == suggestion


# ---------------------------------------------------------------- messages at their edges
@pytest.mark.parametrize(
    ("lines", "text"),
    [([], ""), ([3], "3"), ([5, 6], "5-6"), ([3, 4, 5, 9], "3-5, 9"), ([9, 3, 4, 4], "3-4, 9"),
     ([2, 4], "2, 4")],
)  # fmt: skip
def test_lines_text_compacts_runs(lines: list[int], text: str) -> None:
    assert lines_text(lines) == text


@pytest.mark.parametrize(
    ("total", "part", "message"),
    [
        ({"event_date_end": "2021-07-06"}, {"event_date_end": ""},
         "event_date_end '' differs from '2021-07-06' on line 2 (total row of event e1)"),
        ({"event_date_end": ""}, {"event_date_end": "2021-07-06"},
         "event_date_end '2021-07-06' differs from '' on line 2 (total row of event e1)"),
    ],
)  # fmt: skip
def test_consistent_message_shows_empty_cells_as_empty(
    write_csv: Writer, total: dict[str, str], part: dict[str, str], message: str
) -> None:
    report = check(write_csv, event(total, {"count": "1037", **part}))
    assert found(report) == [(3, "event.consistent", "event_date_end")]
    assert report.findings[0].message == message


def test_consistent_anchor_without_role_is_the_events_first_row(write_csv: Writer) -> None:
    data = rows({"role": "", "event_id": "e1"}, {"role": "part", "event_id": "e1",
                                                 "event_type": "clash"})  # fmt: skip
    report = check(write_csv, data)
    assert found(report) == [(2, "value.required", "role"), (3, "event.consistent", "event_type")]
    assert report.findings[1].message == (
        "event_type 'clash' differs from 'border_crossing' on line 2 (first row of event e1)"
    )


def test_date_order_names_the_comparison_that_fails(write_csv: Writer) -> None:
    # event_date unreadable: the end is judged against published_date alone
    data = rows({"event_date": "05.07.2021", "event_date_end": "2021-07-09"})
    report = check(write_csv, data)
    assert found(report) == [(2, "value.type", "event_date"), (2, "date.order", "event_date_end")]
    assert report.findings[1].message == (
        "event_date_end 2021-07-09 is after published_date 2021-07-07"
    )


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [
        ("9,223,372,036,854,775,807", "9223372036854775807"),  # the biggest count there is
        ("9,223,372,036,854,775,808", None),  # one more: no count
        ("9223372036854775807", None),  # the value itself is no suggestion
        (" 1037 ", None),
    ],
)
def test_suggest_count_at_its_limits(value: str, suggestion: str | None) -> None:
    assert suggest_count(value) == suggestion


def test_suggest_date_never_repeats_the_value() -> None:
    assert suggest_date("2021-07-05") is None
    assert suggest_date(" 2021-07-05 ") is None


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ("933", "parts add up to 933 but the total is about 1,037 (934-1,140) (parts on lines 3)"),
        ("934", None),  # 1,037 x 0.9 = 933.3: 934 people at least
        ("1140", None),  # 1,037 x 1.1 = 1,140.7: 1,140 at most
        ("1141", "parts add up to 1,141 but the total is about 1,037 (934-1,140) "
         "(parts on lines 3)"),
    ],
)  # fmt: skip
def test_about_total_whose_bounds_are_not_whole(
    write_csv: Writer, parts: str, message: str | None
) -> None:
    report = check(write_csv, event({"count": "1037", "count_qualifier": "about"},
                                    {"count": parts}))  # fmt: skip
    assert [f.message for f in report.findings] == ([] if message is None else [message])


def test_rules_and_catalogue_that_disagree_are_refused() -> None:
    contract = load_contract()
    without = dataclasses.replace(contract, rules=contract.rules[:-1])  # no place.hierarchy
    with pytest.raises(ContractError) as info:
        all_rules(without)
    code = sorted(spec.id for spec in contract.rules)
    catalogue = [rule_id for rule_id in code if rule_id != "place.hierarchy"]
    assert str(info.value) == f"rules in code {code} != catalogue {catalogue}"


# ---------------------------------------------------------------- event.consistent edges
def test_consistent_anchor_is_the_total_even_after_a_part(write_csv: Writer) -> None:
    data = rows({"role": "part", "event_id": "e1", "event_type": "clash", "count": "1037"},
                {"role": "total", "event_id": "e1"})  # fmt: skip
    report = check(write_csv, data)
    assert found(report) == [(2, "event.consistent", "event_type")]
    assert report.findings[0].message == (
        "event_type 'clash' differs from 'border_crossing' on line 3 (total row of event e1)"
    )


def test_consistent_unreadable_end_date_is_left_to_value_type(write_csv: Writer) -> None:
    data = event({"event_date_end": "2021-07-06"}, {"event_date_end": "06.07.2021",
                                                   "count": "1037"})  # fmt: skip
    assert found(check(write_csv, data)) == [(3, "value.type", "event_date_end")]


@pytest.mark.parametrize(
    ("country", "expected"),
    [("TJK", []), ("tajikistan", []), ("Afghanistan", [(3, "event.consistent", "country")])],
)
def test_consistent_compares_the_country_meant(
    write_csv: Writer, country: str, expected: list[tuple[Any, ...]]
) -> None:
    data = event({}, {"country": country, "count": "1037"})
    assert found(check(write_csv, data)) == expected


# ---------------------------------------------------------------- found by the complete run
def test_a_quoted_empty_cell_is_no_value_type_finding(write_csv: Writer, tmp_path: Path) -> None:
    # polars reads a quoted "" as an empty string, not a null: still no date to judge
    text = write_csv(rows({})).read_text(encoding="utf-8")
    header, line = text.splitlines()
    cells = line.split(",")
    assert cells[header.split(",").index("event_date_end")] == ""
    cells[header.split(",").index("event_date_end")] = '""'
    path = tmp_path / "quoted.csv"
    path.write_text(f"{header}\n{','.join(cells)}\n", encoding="utf-8")
    assert found(validate(path, settings())) == []


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ("899", "parts add up to 899 but the total is about 1,000 (900-1,100) (parts on lines 3)"),
        ("900", None),  # 1,000 x 0.9 is exactly 900: a whole bound is kept, not lost
        ("1100", None),
        ("1101", "parts add up to 1,101 but the total is about 1,000 (900-1,100) "
         "(parts on lines 3)"),
    ],
)  # fmt: skip
def test_about_total_whose_bounds_are_whole(
    write_csv: Writer, parts: str, message: str | None
) -> None:
    report = check(write_csv, event({"count": "1000", "count_qualifier": "about"},
                                    {"count": parts}))  # fmt: skip
    assert [f.message for f in report.findings] == ([] if message is None else [message])


def test_a_row_without_role_in_an_event_is_not_judged_as_its_total(write_csv: Writer) -> None:
    # the parts meet the total; the role-less row (its own count far off) is value.required's
    data = event({"count": "1037"}, {"count": "1037"}, {"role": "", "count": "5"})
    assert found(check(write_csv, data)) == [(4, "value.required", "role")]


def test_enum_mutator_writes_the_type_as_words(write_csv: Writer) -> None:
    # the first variant: underscores read as spaces, each word capitalised
    data = event({"event_type": "border_crossing"})
    broken, got = mutated(write_csv, "value.enum", data)
    assert data[0]["event_type"] == "Border Crossing"
    assert got == promised("value.enum", broken) == [(2, "value.enum", "event_type")]


def test_subtotal_mutator_may_misread_a_part_as_zero(write_csv: Writer) -> None:
    # at least 10 people; the other part has 9: the misread part must be under 1, so 0
    data = event(
        {"count": "10", "count_qualifier": "at_least"},
        {"count": "4"},
        {"count": "9"},
    )
    broken, got = mutated(write_csv, "subtotal.sum", data)
    assert (data[1]["count"], data[1]["count_qualifier"]) == ("0", "exact")
    assert got == promised("subtotal.sum", broken) == [(2, "subtotal.sum", "count")]


# ---------------------------------------------------------------- place mutators, first paths
def test_known_mutator_garbles_a_region_where_every_region_is_listed(write_csv: Writer) -> None:
    data = event({"admin1": "Sughd"})
    broken, got = mutated(write_csv, "place.known", data)
    assert data[0]["admin1"] == "Sghd"  # the second letter dropped
    assert got == promised("place.known", broken) == [(2, "place.known", "admin1")]


def test_known_mutator_garbles_the_country_of_an_event_without_regions() -> None:
    # no region or district to garble: the country's name, on every row of the event (the
    # mutator's choice alone: a checker run on an unknown country costs a fuzzy search)
    data = event({}, {"count": "1037"})
    broken = rule("place.known").mutate(Context.of(settings()), data, FirstChoice())
    assert broken == [(0, "country"), (1, "country")]
    assert [row["country"] for row in data] == ["Tjikistan", "Tjikistan"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1 037", "1037"), ("1\u00a0037", "1037"), ("1\u202f037", "1037"), ("1'037", "1037"),
        ("1 037 000", "1037000"), ("1037.0", "1037"), ("1037.00", "1037"),
        ("\u0661\u0660\u0663\u0667", "1037"),  # Arabic-Indic digits
        ("1 037,000", None), ("1,03", None), ("12.5", None), ("1 0370", None),
    ],
)  # fmt: skip
def test_counts_as_people_write_them(value: str, expected: str | None) -> None:
    assert suggest_count(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-07-05T00:00:00", "2021-07-05"), ("2021-07-05 00:00:00.000", "2021-07-05"),
        ("2021-07-05T10:30:00Z", "2021-07-05"), ("2021-07-05T00:00:00+05:00", "2021-07-05"),
        ("\u0662\u0660\u0662\u0661-\u0660\u0667-\u0660\u0665", "2021-07-05"),
        ("2021-02-30T00:00", None), ("2021-07-05T", None),
    ],
)  # fmt: skip
def test_dates_as_people_write_them(value: str, expected: str | None) -> None:
    assert suggest_date(value) == expected
