"""Judge a record's place chain (country, admin1, admin2, location) against the gazetteer.

One judgement per distinct chain feeds the three place rules, so they cannot disagree:

- ``place.known`` (error): a country the gazetteer does not know, or an admin1/admin2 name
  unknown in a country whose list at that level is complete (OCHA's COD lists);
- ``place.unverified`` (warning): a name the gazetteer cannot vouch for either way: unknown
  at a level it does not list completely (every location; admin levels of countries
  without a COD), a location or district found only elsewhere in such a list, or the
  former name of a region or district (Kolkhozobod, now Jaloliddini Balkhi): it may be right
  for the event's date;
- ``place.hierarchy`` (error): a known name placed under a parent it does not lie in, where
  the list is complete: a district under another region of its country, a region of
  another country. The message names every place the value can denote there.

A name is compared only with the places of the stated country (all countries when none is
given or known).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolkit.gazetteer.lookup import Gazetteer, Place

PLACES = ("country", "admin1", "admin2", "location")
KNOWN, UNVERIFIED, HIERARCHY = "place.known", "place.unverified", "place.hierarchy"
LEVEL_WORDS = {
    "country": "country",
    "admin1": "region (admin1)",
    "admin2": "district (admin2)",
    "location": "place (location)",
}
Chain = tuple[Any, Any, Any, Any]  # country, admin1, admin2, location (str or None)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A finding on one column of a chain: its rule and the fields of its message."""

    rule: str
    column: str
    fields: tuple[tuple[str, str], ...]
    suggestion: str | None = None  # what the cell should say, when the judgement knows it

    def message_fields(self) -> dict[str, str]:
        return dict(self.fields)


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def judge(
    gazetteer: Gazetteer, chain: Chain, cells: dict[Any, Any] | None = None
) -> dict[str, Verdict]:
    """Column -> verdict for each column of the chain that breaks a place rule; *cells*, if
    given, caches each cell's judgement (the caller's: a run's many chains share few names)."""
    cells = {} if cells is None else cells
    values = dict(zip(PLACES, chain, strict=True))
    out: dict[str, Verdict] = {}
    cc: str | None = None
    if _filled(values["country"]):
        cc = gazetteer.country_code(values["country"])
        if cc is None:
            out["country"] = _known("country", values["country"], "")
    found: dict[str, tuple[Place, ...]] = {}
    for column in PLACES[1:]:
        value = values[column]
        if not _filled(value):
            continue
        key = (column, value, cc)
        judged = cells.get(key)
        if judged is None:
            judged = cells[key] = _judge_column(gazetteer, column, value, cc)
        places, verdict = judged
        if places:
            found[column] = places
        elif verdict is not None:
            out[column] = verdict
    _nesting(gazetteer, cc, found, out)
    return out


def _judge_column(
    gazetteer: Gazetteer, column: str, value: str, cc: str | None
) -> tuple[tuple[Place, ...], Verdict | None]:
    places = gazetteer.resolve(column, value, cc)
    if places:
        return places, None
    renamed = gazetteer.former(column, value, cc)
    where = gazetteer.country_name(cc) if cc else ""
    if renamed:  # a unit's former name: it cannot be dated, so it is not an error
        now = " or ".join(dict.fromkeys(f"{p.name} in {where_is(gazetteer, p)}" for p in renamed))
        names = {p.name for p in renamed}
        current = names.pop() if len(names) == 1 else None
        detail = f"{column} {value!r} is a former name of {now}"
        return (), _unverified(column, detail, current)
    if cc is None:
        detail = f"{column} {value!r} is not a known {LEVEL_WORDS[column]} of any country"
        return (), _unverified(column, detail)
    elsewhere = gazetteer.resolve(column, value, None)
    if gazetteer.complete(cc, column):
        if elsewhere:
            return (), _misplaced(gazetteer, HIERARCHY, column, elsewhere, where)
        return (), _known(column, value, f" of {where}")
    detail = (
        f"{column} {value!r} is not a known {LEVEL_WORDS[column]} of {where}"
        " (the gazetteer does not list all of them there)"
    )
    if elsewhere:
        spots = list(dict.fromkeys(where_is(gazetteer, p) for p in elsewhere))
        more = f" and {len(spots) - 3} more" if len(spots) > 3 else ""
        detail += f"; it knows {elsewhere[0].name} in {' or '.join(spots[:3])}{more}"
    return (), _unverified(column, detail)


def _nesting(
    gazetteer: Gazetteer,
    cc: str | None,
    found: dict[str, tuple[Place, ...]],
    out: dict[str, Verdict],
) -> None:
    regions = found.get("admin1", ())
    districts = found.get("admin2", ())
    if regions and districts:
        fit = tuple(p for p in districts if any(_in_region(p, r) for r in regions))
        if not fit:
            rule = HIERARCHY if gazetteer.complete(cc, "admin2") else UNVERIFIED
            out["admin2"] = _misplaced(gazetteer, rule, "admin2", districts, regions[0].name)
            return
        districts = fit
    locations = found.get("location", ())
    if locations and (regions or districts):
        fit = tuple(p for p in locations if _fits(p, regions, districts))
        if not fit:
            parent = (districts or regions)[0].name
            out["location"] = _misplaced(gazetteer, UNVERIFIED, "location", locations, parent)


def _in_region(place: Place, region: Place) -> bool:
    return place.country == region.country and place.admin1 == region.name


def _fits(place: Place, regions: tuple[Place, ...], districts: tuple[Place, ...]) -> bool:
    """Whether a location candidate lies in the given district(s), else region(s); a
    GeoNames town without a known region or district cannot contradict one."""
    if districts:
        for district in districts:
            if place.country != district.country:
                continue
            if place.level == "admin2":  # a town of district rank named as a location
                if place.name == district.name and place.admin1 == district.admin1:
                    return True
            elif place.admin1 in (district.admin1, "") and place.admin2 in (district.name, ""):
                return True
        return False
    return any(
        place.country == region.country
        and place.admin1 in (region.name, "")
        and place.level != "admin1"
        for region in regions
    )


def where_is(gazetteer: Gazetteer, place: Place) -> str:
    """Where a place lies: "Darvaz (Gorno-Badakhshan, TJ)", "Gorno-Badakhshan (TJ)", or the
    country's name for a region."""
    chain = [n for n in (place.admin2, place.admin1, place.country) if n]
    if place.level in ("admin1", "admin2"):
        chain = [n for n in (place.admin1, place.country) if n]
    if len(chain) == 1:
        return gazetteer.country_name(chain[0])
    return chain[0] + f" ({', '.join(chain[1:])})"


def _known(column: str, value: str, where: str) -> Verdict:
    fields = {"column": column, "value": value, "level": LEVEL_WORDS[column], "where": where}
    return Verdict(KNOWN, column, tuple(fields.items()))


def _unverified(column: str, detail: str, suggestion: str | None = None) -> Verdict:
    return Verdict(UNVERIFIED, column, (("detail", detail),), suggestion)


def _misplaced(
    gazetteer: Gazetteer, rule: str, column: str, places: tuple[Place, ...], parent: str
) -> Verdict:
    """ "Fayzabad is in Badakhshan (AF) or Jowzjan (AF), not in Takhar" (every place the value
    can denote, by the first one's name)."""
    spots = " or ".join(dict.fromkeys(where_is(gazetteer, p) for p in places))
    detail = f"{places[0].name} is in {spots}, not in {parent}"
    return Verdict(rule, column, (("detail", detail),))
