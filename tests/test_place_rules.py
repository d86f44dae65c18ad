"""place.known and place.hierarchy through the checker: real-looking rows and their boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ENGINE, rows
from tests.test_rules import Writer, check, found
from toolkit.checker import validate
from toolkit.config import apply, default_settings

TJ_GBAO = {"country": "Tajikistan", "admin1": "Gorno-Badakhshan"}
# hand-written answer keys, checked on each engine on its own (see tests/conftest.py)
pytestmark = pytest.mark.usefixtures("each_engine")


@pytest.mark.parametrize(
    "place",
    [
        {**TJ_GBAO, "admin2": "Darvaz", "location": "Ruzvay"},
        {"country": "TJ", "admin1": "GBAO", "admin2": "Darvoz", "location": "ruzvay"},
        {
            "country": "TJK",
            "admin1": "Kŭhistoni Badakhshon",
            "admin2": "Khorugh",
            "location": "Tem",
        },
        {"country": "Tajikistan", "admin1": "Khatlon", "admin2": "Shurobod"},
        {"country": "tajikistan", "admin1": "  khatlon ", "admin2": "SHAMSIDDIN  SHOHIN"},
        {"country": "Afghanistan", "admin1": "Badakhshan", "location": "Fayzabad"},
        {"country": "Afghanistan", "admin1": "Jowzjan", "location": "Faizabad"},
        {"country": "Uzbekistan", "admin1": "Surxondaryo", "location": "Tirmiz"},
        {"country": "Tajikistan", "admin1": "", "admin2": "", "location": ""},
    ],
)
def test_known_places_that_nest_pass(write_csv: Writer, place: dict[str, str]) -> None:
    report = check(write_csv, rows(place))
    assert found(report) == []


def test_unknown_name_with_suggestion_from_its_region(write_csv: Writer) -> None:
    report = check(
        write_csv,
        rows(
            {"country": "Tajikistan", "admin1": "Khatlon", "admin2": "Shohon Sh. Shokhin"},
            {**TJ_GBAO, "admin2": "Darvaz", "location": "Nulvnd"},
            {"country": "Tadjikistan"},
        ),
    )
    assert found(report) == [
        (2, "place.known", "admin2"),
        (3, "place.known", "location"),
        (4, "place.known", "country"),
    ]
    assert [f.suggestion for f in report.findings] == ["Shamsiddin Shohin", "Nulvand", "Tajikistan"]


def test_far_from_anything_has_no_suggestion(write_csv: Writer) -> None:
    report = check(write_csv, rows({**TJ_GBAO, "location": "Qqqxzv Wwwplk"}))
    assert found(report) == [(2, "place.known", "location")]
    assert report.findings[0].suggestion is None


def test_unknown_name_is_not_also_a_hierarchy_finding(write_csv: Writer) -> None:
    report = check(write_csv, rows({**TJ_GBAO, "admin2": "Darvazz", "location": "Ruzvay"}))
    assert found(report) == [(2, "place.known", "admin2")]


# The messages are hand-written facts (the answer key), not the checker's output copied back.
@pytest.mark.parametrize(
    ("place", "column", "message"),
    [
        (
            {**TJ_GBAO, "admin2": "Vanj", "location": "Ruzvay"},
            "location",
            "Ruzvay is in Darvaz (Gorno-Badakhshan, TJ), not in Vanj",
        ),
        (
            {"country": "Tajikistan", "admin1": "Khatlon", "admin2": "Khorog"},
            "admin2",
            "Khorog is in Gorno-Badakhshan (TJ), not in Khatlon",
        ),
        (
            {"country": "Afghanistan", "admin1": "Khatlon"},
            "admin1",
            "Khatlon is in Tajikistan, not in Afghanistan",
        ),
        (  # Kunduz has no Fayzabad; the town is Badakhshan's capital (Jowzjan's is a district)
            {"country": "Afghanistan", "admin1": "Kunduz", "location": "Fayzabad"},
            "location",
            "Fayzabad is in Fayzabad (Badakhshan, AF), not in Kunduz",
        ),
        (
            {"country": "Uzbekistan", "location": "Khorog"},
            "location",
            "Khorog is in Gorno-Badakhshan (TJ), not in Uzbekistan",
        ),
    ],
)
def test_places_that_do_not_nest(
    write_csv: Writer, place: dict[str, str], column: str, message: str
) -> None:
    report = check(write_csv, rows(place))
    assert found(report) == [(2, "place.hierarchy", column)]
    assert report.findings[0].message == message


def test_rows_are_judged_independently(write_csv: Writer) -> None:
    data = rows(
        {**TJ_GBAO, "admin2": "Vanj", "location": "Ruzvay"},
        {**TJ_GBAO, "admin2": "Darvaz", "location": "Ruzvay"},
        {**TJ_GBAO, "admin2": "Vanj", "location": "Humrogi"},
        {**TJ_GBAO, "admin2": "Vanj", "location": "Ruzvoy"},
    )
    assert found(check(write_csv, data)) == [
        (2, "place.hierarchy", "location"),
        (5, "place.known", "location"),
    ]


def test_user_gazetteer_makes_a_village_known(write_csv: Writer, tmp_path: Path) -> None:
    extra = tmp_path / "villages.csv"
    extra.write_text(
        "name,level,country,admin1,admin2,aliases\n"
        "Qal'ai Vamar Bolo,location,TJ,GBAO,Rushon,Kalai Vamar Bolo\n",
        encoding="utf-8",
    )
    data = rows({**TJ_GBAO, "admin2": "Rushan", "location": "Kalai Vamar Bolo"})
    path = write_csv(data)
    assert found(validate(path, default_settings(), ENGINE.get())) == [
        (2, "place.known", "location")
    ]
    settings = apply(default_settings(), {"gazetteer": [str(extra)]}, None)
    assert found(validate(path, settings, ENGINE.get())) == []
