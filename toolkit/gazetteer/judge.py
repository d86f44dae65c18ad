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

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import polars as pl

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
VERDICT = "verdict|"  # judge_frame's columns: VERDICT + column holds a verdict's number
_CC, _FOUND = "__cc", "__found|"


class Verdict(NamedTuple):
    """A finding on one column of a chain: its rule and the fields of its message (a named
    tuple: a file of unknown villages makes one per distinct name, so it must be cheap)."""

    rule: str
    column: str
    fields: tuple[tuple[str, str], ...]
    suggestion: str | None = None  # what the cell should say, when the judgement knows it
    # a verdict shared by many names (judge_frame's names that no place bears anywhere):
    # its fields hold ANY_NAME for the name, which the finding's value replaces (shown)
    any_name: bool = False

    def message_fields(self) -> dict[str, str]:
        return dict(self.fields)

    def named(self, value: str) -> Verdict:
        """The verdict on one name: a shared verdict's fields completed with it (where a
        text shows SHOWN_NAME: its first place)."""
        if not self.any_name:
            return self
        fields = tuple(
            (key, value if text == ANY_NAME else text.replace(SHOWN_NAME, repr(value), 1))
            for key, text in self.fields
        )
        return self._replace(fields=fields, any_name=False)


ANY_NAME = "\x00name\x00"
SHOWN_NAME = repr(ANY_NAME)  # how it shows in a message: where repr(value) goes


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


class _Numbers:
    """Verdicts numbered in order of first sight (a frame holds numbers, not objects)."""

    def __init__(self) -> None:
        self.verdicts: list[Verdict] = []
        self._of: dict[Verdict, int] = {}

    def __call__(self, verdict: Verdict | None) -> int | None:
        if verdict is None:
            return None
        number = self._of.get(verdict)
        if number is None:
            number = self._of[verdict] = len(self.verdicts)
            self.verdicts.append(verdict)
        return number


def judge_frame(
    gazetteer: Gazetteer, chains: pl.DataFrame, cells: dict[Any, Any]
) -> tuple[pl.DataFrame, list[Verdict]]:
    """``judge`` of many distinct chains at once: *chains* (the PLACES columns) with a column
    VERDICT + column per place column, the number of its verdict in the list returned (null:
    none). The cost is per distinct country and cell (*cells* caches them, as for judge);
    only chains naming known places at two levels are judged on their own, for nesting."""
    number = _Numbers()
    frame = _with_countries(gazetteer, chains, number)
    for column in PLACES[1:]:
        frame = _with_cells(gazetteer, frame, column, cells, number)
    return _with_nesting(gazetteer, frame, cells, number), number.verdicts


def _with_countries(gazetteer: Gazetteer, chains: pl.DataFrame, number: _Numbers) -> pl.DataFrame:
    """Each chain's country code (_CC) and the verdict of an unknown country."""
    codes: dict[str, str | None] = {}
    unknown: dict[str, int | None] = {}
    for value in chains.get_column("country").unique().to_list():
        if _filled(value):
            codes[value] = gazetteer.country_code(value)
            if codes[value] is None:
                unknown[value] = number(_known("country", value, ""))
    return chains.with_columns(
        pl.col("country").replace_strict(codes, default=None, return_dtype=pl.String).alias(_CC),
        pl.col("country")
        .replace_strict(unknown, default=None, return_dtype=pl.Int32)
        .alias(VERDICT + "country"),
    )


def _with_cells(
    gazetteer: Gazetteer,
    frame: pl.DataFrame,
    column: str,
    cells: dict[Any, Any],
    number: _Numbers,
) -> pl.DataFrame:
    """Per chain, whether its *column* cell names places in its country (_FOUND + column)
    and the cell's verdict if not: judged once per distinct (value, country). Names no
    place bears anywhere (most names of a file of unknown villages) share one verdict per
    country, whose message the finding's value completes (Verdict.any_name)."""
    pairs = frame.select(column, _CC).unique()
    values = pairs.get_column(column).unique().to_list()
    nowhere = [v for v in values if _filled(v) and gazetteer.nowhere(column, v)]
    lost = pl.col(column).is_in(pl.Series(nowhere, dtype=pl.String).implode())
    unknown = pairs.filter(lost)
    codes = unknown.get_column(_CC).unique().to_list()
    shared = [
        (cc, number(_unknown(gazetteer, column, cc)(ANY_NAME)._replace(any_name=True)))
        for cc in codes
    ]
    judged: list[tuple[str, str | None, bool, int | None]] = []
    for value, cc in pairs.filter(~lost).iter_rows():
        if _filled(value):
            key = (column, value, cc)
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = _judge_column(gazetteer, column, value, cc)
            judged.append((value, cc, bool(cell[0]), number(cell[1])))
    verdicts = pl.DataFrame(
        shared, schema={_CC: pl.String, VERDICT + column: pl.Int32}, orient="row"
    )
    schema = {column: pl.String, _CC: pl.String, _FOUND + column: pl.Boolean}
    table = pl.concat(
        [
            pl.DataFrame(judged, schema={**schema, VERDICT + column: pl.Int32}, orient="row"),
            unknown.join(verdicts, on=_CC, how="left", nulls_equal=True).select(
                column, _CC, pl.lit(False).alias(_FOUND + column), VERDICT + column
            ),
        ]
    )
    return frame.join(table, on=[column, _CC], how="left", nulls_equal=True)


def _with_nesting(
    gazetteer: Gazetteer, frame: pl.DataFrame, cells: dict[Any, Any], number: _Numbers
) -> pl.DataFrame:
    """The verdicts of chains whose known places at two levels must nest (judge's
    _nesting): a known location with its known region or district, chain by chain; a known
    district with its known region, once per (country, admin1, admin2), the location (not
    known in the country) keeping its cell's verdict. Other chains keep their cells'."""
    found = {c: pl.col(_FOUND + c).fill_null(False) for c in PLACES[1:]}
    whole = found["location"] & (found["admin1"] | found["admin2"])
    head = ~whole & found["admin1"] & found["admin2"]
    columns = [VERDICT + c for c in PLACES]
    chains = [
        (*chain, *(number(out.get(c)) for c in PLACES))
        for chain in frame.filter(whole).select(PLACES).iter_rows()
        for out in (judge(gazetteer, chain, cells),)
    ]
    heads = [
        (*chain, *(number(out.get(c)) for c in PLACES[:3]))
        for chain in frame.filter(head).select(PLACES[:3]).unique().iter_rows()
        for out in (judge(gazetteer, (*chain, None), cells),)
    ]

    def table(rows: list[tuple[Any, ...]], n: int) -> pl.DataFrame:
        schema = {**{c: pl.String for c in PLACES[:n]}, **{c: pl.Int32 for c in columns[:n]}}
        return pl.DataFrame(rows, schema=schema, orient="row")

    under_heads = (
        frame.filter(head)
        .select(*PLACES, columns[-1])
        .join(table(heads, 3), on=list(PLACES[:3]), how="left", nulls_equal=True)
    )
    return pl.concat(
        [
            frame.filter(~whole & ~head).select(*PLACES, *columns),
            table(chains, 4),
            under_heads.select(*PLACES, *columns),
        ]
    )


def _judge_column(
    gazetteer: Gazetteer, column: str, value: str, cc: str | None
) -> tuple[tuple[Place, ...], Verdict | None]:
    places = gazetteer.resolve(column, value, cc)
    if places:
        return places, None
    renamed = gazetteer.former(column, value, cc)
    if renamed:  # a unit's former name: it cannot be dated, so it is not an error
        now = " or ".join(dict.fromkeys(f"{p.name} in {where_is(gazetteer, p)}" for p in renamed))
        names = {p.name for p in renamed}
        current = names.pop() if len(names) == 1 else None
        detail = f"{column} {value!r} is a former name of {now}"
        return (), _unverified(column, detail, current)
    elsewhere = gazetteer.resolve(column, value, None) if cc is not None else ()
    return (), _not_found(gazetteer, column, value, cc, elsewhere)


def _not_found(
    gazetteer: Gazetteer, column: str, value: str, cc: str | None, elsewhere: tuple[Place, ...]
) -> Verdict:
    """The verdict on a name that is no place of the country *cc* (nor a former name), given
    the places of that name *elsewhere* (in other countries)."""
    verdict = _unknown(gazetteer, column, cc)(value)
    if cc is None or not elsewhere:
        return verdict
    if verdict.rule == KNOWN:  # the country's list is complete: the name is misplaced
        return _misplaced(gazetteer, HIERARCHY, column, elsewhere, gazetteer.country_name(cc))
    spots = list(dict.fromkeys(where_is(gazetteer, p) for p in elsewhere))
    more = f" and {len(spots) - 3} more" if len(spots) > 3 else ""
    detail = (
        f"{verdict.fields[0][1]}; it knows {elsewhere[0].name} in {' or '.join(spots[:3])}{more}"
    )
    return _unverified(column, detail)


def _unknown(gazetteer: Gazetteer, column: str, cc: str | None) -> Callable[[str], Verdict]:
    """The verdict on a name that is no place of the country *cc* anywhere, as a function of
    the name (worked out once per country: a file may hold many thousands of such names)."""
    level = LEVEL_WORDS[column]
    if cc is None:
        return lambda value: _unverified(
            column, f"{column} {value!r} is not a known {level} of any country"
        )
    where = gazetteer.country_name(cc) if cc else ""
    if gazetteer.complete(cc, column):
        return lambda value: _known(column, value, f" of {where}")
    partial = " (the gazetteer does not list all of them there)"
    return lambda value: _unverified(
        column, f"{column} {value!r} is not a known {level} of {where}{partial}"
    )


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
