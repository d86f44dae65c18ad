"""place.known, place.unverified and place.hierarchy through the checker: real-looking rows and
their boundaries."""

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
        {"country": "Tajikistan", "admin1": "Khatlon", "admin2": "Shohin"},
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
            {"country": "Tajikstan"},
        ),
    )
    # Tajikistan's districts are all listed (COD): an unknown one is an error; its villages
    # are not: an unknown village is a warning
    assert found(report) == [
        (2, "place.known", "admin2"),
        (3, "place.unverified", "location"),
        (4, "place.known", "country"),
    ]
    by_line = sorted(report.findings, key=lambda f: f.line)
    assert [f.suggestion for f in by_line] == ["Shamsiddin Shohin", "Nulvand", "Tajikistan"]
    assert [f.message for f in by_line] == [
        "admin2 'Shohon Sh. Shokhin' is not a known district (admin2) of Tajikistan",
        "location 'Nulvnd' is not a known place (location) of Tajikistan"
        " (the gazetteer does not list all of them there)",
        "country 'Tajikstan' is not a known country",
    ]
    assert [f.severity for f in by_line] == ["error", "warning", "error"]


def test_far_from_anything_has_no_suggestion(write_csv: Writer) -> None:
    report = check(write_csv, rows({**TJ_GBAO, "location": "Qqqxzv Wwwplk"}))
    assert found(report) == [(2, "place.unverified", "location")]
    assert report.findings[0].suggestion is None


def test_names_known_nowhere_are_quoted_as_written(write_csv: Writer) -> None:
    """Names no place bears share one judgement per country; each message still shows its
    own name as Python's repr does (quotes, backslashes), in its own country."""
    partial = " (the gazetteer does not list all of them there)"
    report = check(
        write_csv,
        rows(
            {"country": "Tajikistan", "admin1": "Khatlon", "admin2": "Qz'x\"dist"},
            {"country": "Afghanistan", "location": "Qzz'village"},
            {"country": "Tajikistan", "location": "Qzz'village"},
            {"country": "Uzbekistan", "location": "Qzz\\v"},
        ),
    )
    by_line = sorted(report.findings, key=lambda f: f.line)
    assert [f.message for f in by_line] == [
        r"""admin2 'Qz\'x"dist' is not a known district (admin2) of Tajikistan""",
        """location "Qzz'village" is not a known place (location) of Afghanistan""" + partial,
        """location "Qzz'village" is not a known place (location) of Tajikistan""" + partial,
        r"location 'Qzz\\v' is not a known place (location) of Uzbekistan" + partial,
    ]


def test_unknown_name_is_not_also_a_hierarchy_finding(write_csv: Writer) -> None:
    report = check(write_csv, rows({**TJ_GBAO, "admin2": "Darvazz", "location": "Ruzvay"}))
    assert found(report) == [(2, "place.known", "admin2")]


# The messages are hand-written facts (the answer key), not the checker's output copied back.
@pytest.mark.parametrize(
    ("place", "rule", "column", "message"),
    [
        (  # no list of villages is complete: a warning, which says where Ruzvay is known
            {**TJ_GBAO, "admin2": "Vanj", "location": "Ruzvay"},
            "place.unverified",
            "location",
            "Ruzvay is in Darvaz (Gorno-Badakhshan, TJ), not in Vanj",
        ),
        (  # Tajikistan's districts are all listed: Khorog lies in GBAO only
            {"country": "Tajikistan", "admin1": "Khatlon", "admin2": "Khorog"},
            "place.hierarchy",
            "admin2",
            "Khorog is in Gorno-Badakhshan (TJ), not in Khatlon",
        ),
        (
            {"country": "Afghanistan", "admin1": "Khatlon"},
            "place.hierarchy",
            "admin1",
            "Khatlon is in Tajikistan, not in Afghanistan",
        ),
        (  # two districts and two towns named Fayzabad in Afghanistan, none in Kunduz
            {"country": "Afghanistan", "admin1": "Kunduz", "location": "Fayzabad"},
            "place.unverified",
            "location",
            "Fayzabad is in Fayzabad (Badakhshan, AF) or Faryab (AF) or Jowzjan (AF)"
            " or Badakhshan (AF), not in Kunduz",
        ),
        (
            {"country": "Uzbekistan", "location": "Khorog"},
            "place.unverified",
            "location",
            "location 'Khorog' is not a known place (location) of Uzbekistan (the gazetteer"
            " does not list all of them there); it knows Khorog in Gorno-Badakhshan (TJ)",
        ),
        (  # a district of another region, where one of that name lies in the given one
            {"country": "Afghanistan", "admin1": "Jowzjan", "admin2": "Fayzabad"},
            None,
            "",
            "",
        ),
    ],
)
def test_places_that_do_not_nest(
    write_csv: Writer, place: dict[str, str], rule: str | None, column: str, message: str
) -> None:
    report = check(write_csv, rows(place))
    assert found(report) == ([(2, rule, column)] if rule else [])
    assert [f.message for f in report.findings] == ([message] if rule else [])


def test_rows_are_judged_independently(write_csv: Writer) -> None:
    data = rows(
        {**TJ_GBAO, "admin2": "Vanj", "location": "Ruzvay"},
        {**TJ_GBAO, "admin2": "Darvaz", "location": "Ruzvay"},
        {**TJ_GBAO, "admin2": "Vanj", "location": "Humrogi"},
        {**TJ_GBAO, "admin2": "Vanj", "location": "Ruzvoy"},
    )
    assert found(check(write_csv, data)) == [
        (2, "place.unverified", "location"),
        (5, "place.unverified", "location"),
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
        (2, "place.unverified", "location")
    ]
    settings = apply(default_settings(), {"gazetteer": [str(extra)]}, None)
    assert found(validate(path, settings, ENGINE.get())) == []


# The seed articles' places as Russian- and Tajik-language outlets write them: each chain
# must validate as its Latin form does (hand-written from the articles' places).
@pytest.mark.parametrize(
    "place",
    [
        {"country": "Таджикистан", "admin1": "Хатлонская область", "admin2": "Шамсиддин Шохин"},
        {"country": "Тоҷикистон", "admin1": "ГБАО", "admin2": "Дарвазский район",
         "location": "Рузвай"},
        {"country": "Таджикистан", "admin1": "ГБАО", "admin2": "Дарвоз", "location": "Нулванд"},
        {"country": "Таджикистан", "admin1": "Горно-Бадахшанская автономная область",
         "admin2": "Ванчский район", "location": "Хумроги"},
        {"country": "Таджикистан", "admin1": "ГБАО", "admin2": "Хорог", "location": "Тем"},
        {"country": "Таджикистан", "admin1": "ВМКБ", "admin2": "Ишкашимский район",
         "location": "Лангар"},
        {"country": "Афганистан", "admin1": "Бадахшан", "location": "Файзабад"},
        {"country": "Узбекистан", "admin1": "Сурхандарьинская область",
         "admin2": "Термезский район"},
    ],
)  # fmt: skip
def test_seed_places_in_cyrillic_pass(write_csv: Writer, place: dict[str, str]) -> None:
    assert found(check(write_csv, rows(place))) == []


def test_seed_misspellings_are_still_caught_in_either_script(write_csv: Writer) -> None:
    data = rows(
        {"country": "Afghanistan", "admin1": "Badahkshan"},
        {"country": "Tajikistan", "admin1": "Khatlon", "admin2": "Shohon Sh. Shokhin"},
        {"country": "Таджикистан", "admin1": "ГБАО", "admin2": "Дарвазкий район"},
    )
    report = check(write_csv, data)
    assert found(report) == [
        (2, "place.known", "admin1"),
        (3, "place.known", "admin2"),
        (4, "place.known", "admin2"),
    ]
    assert [f.suggestion for f in report.findings] == ["Badakhshan", "Shamsiddin Shohin", "Darvaz"]


def test_a_former_district_name_is_a_warning_that_names_the_unit(write_csv: Writer) -> None:
    # Kolkhozobod was renamed (Rumi, now Jaloliddini Balkhi); Sovetsky is now Temurmalik.
    # Right for an event of its time: the gazetteer cannot date it, so it cannot be an error.
    data = rows(
        {"country": "Tajikistan", "admin1": "Khatlon", "admin2": "Kolkhozobod"},
        {"country": "Таджикистан", "admin1": "Хатлон", "admin2": "Sovetsky"},
    )
    report = check(write_csv, data)
    assert found(report) == [(2, "place.unverified", "admin2"), (3, "place.unverified", "admin2")]
    assert [f.message for f in report.findings] == [
        "admin2 'Kolkhozobod' is a former name of Jaloliddini Balkhi in Khatlon (TJ)",
        "admin2 'Sovetsky' is a former name of Temurmalik in Khatlon (TJ)",
    ]
    assert [f.suggestion for f in report.findings] == ["Jaloliddini Balkhi", "Temurmalik"]


def test_missing_value_markers_read_as_empty_cells(write_csv: Writer) -> None:
    """A publisher's "no value" placeholder is no place name: with missing_values it is an
    empty cell (so a required column still reports it), without it an unknown region."""
    data = rows(
        {"country": "Tajikistan", "admin1": "No Information", "location": " N/A "},
        {"country": "No Information", "admin1": "Khatlon"},
    )
    plain = check(write_csv, data)
    assert (2, "place.known", "admin1") in found(plain)
    marked = check(write_csv, data, missing_values=["No Information", "N/A"])
    assert found(marked) == [(3, "value.required", "country")]
