"""The gazetteer: look place names up by record column and country, and suggest.

A name is found through its names, aliases and codes (P-codes, ISO codes), compared as
``compact`` keys (case, accents, apostrophes, hyphens and spaces ignored); then without one
designation word of its level ("Donetsk Oblast" in admin1); then, for other scripts, through
a Latin transliteration. Never by resemblance: close names are suggestions, not matches.
"""

from __future__ import annotations

import csv
import functools
import gc
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl

from toolkit.errors import GazetteerError
from toolkit.gazetteer.designations import bare_keys, bare_words, near_bare_words
from toolkit.gazetteer.normalise import NAMES_CACHED, compact, latin, normalise
from toolkit.gazetteer.readers import (
    EMPTY,
    FORMER,
    LEVELS,
    RawRow,
    Table,
    read_table,
    read_user_file,
)
from toolkit.gazetteer.suggest import NameIndex

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

SHIPPED = Path(__file__).with_name("places.csv.gz")
COVERAGE = Path(__file__).with_name("coverage.csv")
PATTERNS = Path(__file__).with_name("country_patterns.tsv")
# "Myanmar (Burma)", "DR Congo [Zaire]": a name with a bracketed second name
_BRACKETED = re.compile(r"^(.+?)\s*[(\[](.+?)[)\]]\s*$")
_FREEZE_WHEN_LOADED = False


def freeze_when_loaded() -> None:
    """For a short-lived process (the console scripts): once the shipped gazetteer is
    loaded, exempt every object then alive from cyclic garbage collection (gc.freeze). They
    live until exit anyway, and each full collection would rescan the gazetteer's hundreds
    of thousands of objects: about 1 s of a run with 200,000 findings. Not for library
    callers: an object frozen while alive is never collected if it later becomes cyclic
    garbage."""
    global _FREEZE_WHEN_LOADED
    _FREEZE_WHEN_LOADED = True


K = TypeVar("K")
V = TypeVar("V")
# the columns of Gazetteer.suggestions' keys, and its working columns
SUGGEST_KEY = ("column", "value", "country", "admin1")
_ROW, _QUERIES, _CODE, _REGION = "__row", "__queries", "__code", "__region"
# Which place levels each record column matches.
COLUMN_LEVELS: dict[str, tuple[str, ...]] = {
    "country": ("country",),
    "admin1": ("admin1",),
    "admin2": ("admin2",),
    "location": ("location", "admin2"),
}


class Memo(dict[K, V]):
    """A dict that starts over when it holds NAMES_CACHED entries: a cache of lookups that
    never grows without bound (reads stay plain dict reads)."""

    def __setitem__(self, key: K, value: V) -> None:
        if len(self) >= NAMES_CACHED:
            self.clear()
        super().__setitem__(key, value)


@dataclass(frozen=True, slots=True)
class Place:
    name: str  # canonical name
    level: str  # "country" | "admin1" | "admin2" | "location"
    country: str  # ISO alpha-2
    admin1: str  # canonical admin1 name or ""
    admin2: str  # canonical admin2 name or ""


class Gazetteer:
    """Places indexed by level and lookup key (name, every alias and code).

    The shipped rows stay CSV text until a lookup needs them; rows added from user files are
    kept parsed, with their keys in small per-level dicts.
    """

    def __init__(
        self,
        table: Table | None = None,
        extra: Iterable[RawRow] = (),
        coverage: dict[str, frozenset[str]] | None = None,
        patterns: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self._table = table or EMPTY
        self._base = len(self._table.lines)
        self._extra: list[RawRow] = []
        self._extra_keys: dict[str, dict[str, list[int]]] = {level: {} for level in LEVELS}
        self._places: dict[int, Place] = {}
        self._scopes: dict[tuple[str, str, str], dict[str, str]] = {}
        self._indexes: dict[tuple[str, str, str], NameIndex] = {}
        # lookups remembered per name: bounded, since one gazetteer serves a whole process
        # (Gazetteer.default), which may read many files (a notebook, a test session)
        # per scope searched: query tuple -> its best close name (NAMES_CACHED in all, _find)
        self._found: dict[tuple[str, str, str], dict[tuple[str, ...], str | None]] = {}
        self._resolved: Memo[tuple[str, str, str | None], tuple[Place, ...]] = Memo()
        self._staged: Memo[tuple[tuple[str, ...], str], tuple[tuple[Place, ...], ...]] = Memo()
        self._keys_of: dict[tuple[str, ...], frozenset[str]] = {}
        self._coverage = coverage or {}
        self._pattern_text = patterns
        for raw in extra:
            self._add(raw)

    def _add(self, raw: RawRow) -> None:
        number = self._base + len(self._extra)
        self._extra.append(raw)
        bucket = self._extra_keys[raw[1]]
        for key in {compact(n) for n in [raw[0], *raw[5].split("|")] if n} - {""}:
            bucket.setdefault(key, []).append(number)

    def _raw(self, number: int) -> RawRow:
        if number < self._base:
            return self._table.row(number)
        return self._extra[number - self._base]

    def _place(self, number: int) -> Place:
        place = self._places.get(number)
        if place is None:
            r = self._raw(number)
            place = self._places[number] = Place(r[0], r[1], r[2], r[3], r[4])
        return place

    def _ids(self, level: str, key: str) -> list[int]:
        return self._table.ids(level, key) + self._extra_keys.get(level, {}).get(key, [])

    # -- construction -----------------------------------------------------------------------

    @classmethod
    @functools.cache
    def default(cls) -> Gazetteer:
        """The shipped table (read once per process)."""
        gazetteer = cls(read_table(SHIPPED), (), read_coverage(COVERAGE), read_patterns(PATTERNS))
        if _FREEZE_WHEN_LOADED:
            gc.freeze()  # see freeze_when_loaded
        return gazetteer

    def extended(self, paths: Sequence[Path]) -> Gazetteer:
        """A new gazetteer: this one plus user files (CSV shape or GeoNames dumps).

        Parent names in user rows may be any known name or alias; they are stored canonical.
        """
        result = self._copy(self._extra)
        for path in paths:
            user = read_user_file(Path(path))
            staged = self._copy([*result._extra, *(r for r in user if r[1] != "location")])
            resolved = [_resolve_parents(staged, raw, Path(path)) for raw in user]
            for raw in resolved:
                result._add(raw)
        return result

    def _copy(self, extra: Iterable[RawRow]) -> Gazetteer:
        return Gazetteer(self._table, extra, self._coverage, self._pattern_text)

    # -- lookups ----------------------------------------------------------------------------

    def resolve(self, column: str, value: str, country: str | None) -> tuple[Place, ...]:
        """Places a record's *column* value can name, inside *country* (ISO alpha-2) when
        given: by key; else without a designation word of the level; else transliterated."""
        levels = COLUMN_LEVELS.get(column, ())
        if not isinstance(value, str) or not levels or not self._stages(levels, value):
            return ()  # most unknown names: no stage names a place in any country
        key = (column, value, country)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(levels, value, country)
        return self._resolved[key]

    def nowhere(self, column: str, value: str) -> bool:
        """Whether *value* names no place of the column's levels in any country, not even as
        a former name: then resolve() and former() find nothing in any country (the common
        case of a file full of unknown villages, decided once per name)."""
        levels = COLUMN_LEVELS.get(column, ())
        if not isinstance(value, str) or not levels:
            return True
        if column in ("admin1", "admin2"):
            levels = (*levels, FORMER + column)
        if value.isascii() and " " not in normalise(value):  # its one stage: its key
            key = compact(value)
            return not key or key not in self._level_keys(levels)
        return not self._stages(levels, value)

    def _level_keys(self, levels: tuple[str, ...]) -> frozenset[str]:
        """Every lookup key of places at these levels (built on first call)."""
        if levels not in self._keys_of:
            keys: set[str] = set()
            for level in levels:
                if level in self._table.keys:
                    keys.update(self._table.keys[level][0].all())
                keys.update(self._extra_keys.get(level, {}))
            self._keys_of[levels] = frozenset(keys)
        return self._keys_of[levels]

    def former(self, column: str, value: str, country: str | None) -> tuple[Place, ...]:
        """Regions or districts that bore *value* as a former name (inside *country* when
        given): Kolkhozobod is now Jaloliddini Balkhi."""
        if not isinstance(value, str) or column not in ("admin1", "admin2"):
            return ()
        return self._resolve((FORMER + column,), value, country)

    def _resolve(
        self, levels: tuple[str, ...], value: str, country: str | None
    ) -> tuple[Place, ...]:
        """The first stage (see _stages) that names a place inside *country*."""
        for stage in self._stages(levels, value):
            found = tuple(p for p in stage if country is None or p.country == country)
            if found:
                return found
        return ()

    def _stages(self, levels: tuple[str, ...], value: str) -> tuple[tuple[Place, ...], ...]:
        """The places a value names in every country, by stage of precedence: the name as
        written, then without a designation word, then each Latin reading the same two ways
        (computed once per value and levels; each country takes the first stage it is in)."""
        key = (levels, value)
        staged = self._staged.get(key)
        if staged is None:
            numbers: list[list[int]] = []
            for spelling in (value, *latin(value)):
                full = compact(spelling)  # the full name first, then without a designation
                numbers.append(
                    [n for level in levels for n in self._ids(level, full)] if full else []
                )
                if " " not in normalise(spelling):
                    continue  # one word: no designation word to drop (bare_keys is empty)
                numbers.append(
                    [
                        n
                        for level in levels
                        for bare in bare_keys(spelling, level.removeprefix(FORMER))
                        for n in self._ids(level, bare)
                    ]
                )
            staged = tuple(tuple(map(self._place, ns)) for ns in numbers if ns)
            self._staged[key] = staged
        return staged

    def candidates(self, column: str, value: str) -> tuple[Place, ...]:
        """Places a record's ``column`` value may name, in any country; empty when unknown."""
        return self.resolve(column, value, None)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one gazetteer per run, few countries
    def country_code(self, value: str) -> str | None:
        """ISO alpha-2 code of a country name or code ("Republic of Tajikistan" -> "TJ",
        "Myanmar (Burma)" -> "MM", "DRC" -> "CD"), or None when unknown or ambiguous.

        A name with a bracketed second name is the country when both name it. A name no
        table lists is the country whose OCHA taxonomy pattern covers it (_pattern_code).
        """
        if not isinstance(value, str) or not value.strip():
            return None
        codes = {p.country for p in self.resolve("country", value, None)}
        if codes:
            return codes.pop() if len(codes) == 1 else None
        bracketed = _BRACKETED.match(value)
        if bracketed:
            outer, inner = (self.country_code(part) for part in bracketed.groups())
            if outer is not None and outer in (inner, self._pattern_code(bracketed[2])):
                return outer
            return None
        return self._pattern_code(value)

    def _pattern_code(self, value: str) -> str | None:
        """The one country whose OCHA name pattern matches all of *value* but words of state
        ("the", "republic", ...): "Democratic Republic of Congo" is the DRC; "Tajikstan"
        and "Tajik border" are no country."""
        text = normalise(value)
        found = {
            code
            for code, pattern in self._compiled
            if _covers([m.span() for m in pattern.finditer(text) if m.end() > m.start()], text)
        }
        return found.pop() if len(found) == 1 else None

    @functools.cached_property
    def _compiled(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        return tuple((code, re.compile(p, re.IGNORECASE)) for code, p in self._pattern_text)

    def complete(self, country: str | None, column: str) -> bool:
        """Whether the gazetteer lists every place of *country* at the column's level
        (countries always; admin1/admin2 where OCHA's COD lists them; locations never)."""
        if column == "country":
            return True
        return country is not None and column in self._coverage.get(country, frozenset())

    @functools.lru_cache(maxsize=1024)  # noqa: B019 - one gazetteer per run, few countries
    def country_name(self, code: str) -> str:
        """The gazetteer's name of a country (its code when it has no country row)."""
        for n in self._numbers(code):
            place = self._place(n)
            if place.level == "country":
                return place.name
        return code

    def places(self, country: str) -> tuple[Place, ...]:
        """Every place of a country (ISO alpha-2), in table order (shipped, then added)."""
        return tuple(self._place(n) for n in self._numbers(country))

    def known_keys(self, column: str) -> frozenset[str]:
        """Lookup keys (names and aliases) a column value can match (built on first call)."""
        return self._level_keys(COLUMN_LEVELS.get(column, ()))

    def suggest(
        self, column: str, value: str, country: str | None = None, admin1: str | None = None
    ) -> str | None:
        """The closest accepted name for an unknown value, or None if nothing is close.

        Countries are searched among all countries; any other level only inside the stated
        country (its stated admin1 first): a suggestion never names a place elsewhere.
        """
        return self.suggest_many([(column, value, country, admin1)])[0]

    def suggest_many(self, keys: Sequence[tuple[str, Any, Any, Any]]) -> list[str | None]:
        """``suggest(*key)`` for every (column, value, country, admin1) key."""
        frame = pl.DataFrame(list(keys), schema=dict.fromkeys(SUGGEST_KEY, pl.String), orient="row")
        return self.suggestions(frame).to_list()

    def suggestions(self, keys: pl.DataFrame) -> pl.Series:
        """``suggest`` for every row of *keys* (the SUGGEST_KEY columns), per row. The work
        is per distinct name, country and region: each scope searched (a country's names at
        the column's level, or one of its regions') is searched once for every name asked
        there (NameIndex.best_many)."""
        column, value, country, admin1 = (pl.col(c) for c in SUGGEST_KEY)
        spellings = keys.select(column, value).unique().filter(value.is_not_null())
        queries = [_queries(v, COLUMN_LEVELS.get(c, ())) for c, v in spellings.iter_rows()]
        numbered = {q: i for i, q in enumerate(dict.fromkeys(q for q in queries if q))}
        asked = list(numbered)  # the queries of number i
        spellings = spellings.with_columns(
            pl.Series(_QUERIES, [numbered.get(q) for q in queries], dtype=pl.Int64)
        )
        places = keys.select(column, country).unique()
        codes = [self._scope_code(c, k) for c, k in places.iter_rows()]
        places = places.with_columns(pl.Series(_CODE, codes, dtype=pl.String))
        frame = (
            keys.with_row_index(_ROW)
            .join(spellings, on=["column", "value"], how="left", nulls_equal=True)
            .join(places, on=["column", "country"], how="left", nulls_equal=True)
        )
        # nothing close in the country means nothing close in its region: search the
        # country first (once per name), and the region only to prefer its own names
        frame = self._found_in(frame, asked, pl.lit(""), "__country_found")
        regional = admin1.is_not_null() & (admin1 != "") & column.is_in(["admin2", "location"])
        heads = frame.filter(regional & pl.col("__country_found").is_not_null())
        regions = heads.select(column, _CODE, admin1).unique()
        names = [self._region_name(k, a) for _, k, a in regions.iter_rows()]
        regions = regions.with_columns(pl.Series(_REGION, names, dtype=pl.String))
        frame = frame.join(
            regions, on=["column", _CODE, "admin1"], how="left", nulls_equal=True
        ).with_columns(
            pl.when(pl.col("__country_found").is_not_null()).then(_REGION).alias(_REGION)
        )
        frame = self._found_in(frame, asked, pl.col(_REGION), "__region_found")
        return (
            frame.sort(_ROW)
            .select(pl.coalesce("__region_found", "__country_found").alias("suggestion"))
            .to_series()
        )

    def _found_in(
        self, frame: pl.DataFrame, asked: list[tuple[str, ...]], admin1: pl.Expr, name: str
    ) -> pl.DataFrame:
        """*frame* with column *name*: the best close name of its queries (_QUERIES) in the
        scope (column, _CODE, *admin1*); null where the scope or the queries are null."""
        scope = ["column", _CODE, "__in"]
        scoped = frame.with_columns(admin1.alias("__in"))
        searches = (
            scoped.select(*scope, _QUERIES)
            .drop_nulls()
            .unique()
            .group_by(scope, maintain_order=True)
            .agg(_QUERIES)
        )
        tables = [
            pl.DataFrame(
                {_QUERIES: numbers, name: self._find((column, code, inside), numbers, asked)},
                schema={_QUERIES: pl.Int64, name: pl.String},
            ).with_columns(
                pl.lit(column).alias("column"),
                pl.lit(code).alias(_CODE),
                pl.lit(inside).alias("__in"),
            )
            for column, code, inside, numbers in searches.iter_rows()
        ]
        schema = {**dict.fromkeys(scope, pl.String), _QUERIES: pl.Int64, name: pl.String}
        table = pl.concat([pl.DataFrame(schema=schema), *(t.select(list(schema)) for t in tables)])
        return scoped.join(table, on=[*scope, _QUERIES], how="left", nulls_equal=False).drop("__in")

    def _scope_code(self, column: str, country: Any) -> str | None:
        """The country a column's suggestion is searched in ("" for the country column,
        which searches all countries; None: nowhere)."""
        if column not in COLUMN_LEVELS:
            return None
        if column == "country":
            return ""
        return self.country_code(country) if isinstance(country, str) and country else None

    def _region_name(self, country: str, admin1: str) -> str | None:
        """The region a district or place states, when the value names exactly one."""
        names = {p.name for p in self.resolve("admin1", admin1, country)}
        return names.pop() if len(names) == 1 else None

    def _find(
        self, scope: tuple[str, str, str], numbers: list[int], asked: list[tuple[str, ...]]
    ) -> list[str | None]:
        """The best close name in one scope of each query tuple asked[n] for n in *numbers*
        (distinct): cached per scope and queries, the rest found at once by
        NameIndex.best_many."""
        found = self._found.setdefault(scope, {})
        many = [asked[n] for n in numbers]
        new = [queries for queries in many if queries not in found]
        if new:
            best = self._index(scope).best_many(new, with_words=bool(scope[1]))
            held = sum(len(names) for names in self._found.values())
            if held + len(new) > NAMES_CACHED:  # bounded over all scopes: start over
                asked_now = {queries: found[queries] for queries in many if queries in found}
                self._found.clear()
                found = self._found[scope] = asked_now
            found.update(zip(new, best, strict=True))
        return [found[queries] for queries in many]

    def _index(self, scope: tuple[str, str, str]) -> NameIndex:
        if scope not in self._indexes:
            self._indexes[scope] = NameIndex.of(self._scope(*scope))
        return self._indexes[scope]

    def _scope(self, column: str, country: str, admin1: str) -> dict[str, str]:
        """Normalised name -> canonical name of the column's places inside country/admin1
        (every country's own names when *country* is empty: only for the country column)."""
        cache_key = (column, country, admin1)
        if cache_key not in self._scopes:
            levels = COLUMN_LEVELS[column]
            numbers = self._numbers(country) if country else range(self._base + len(self._extra))
            rows = [self._raw(n) for n in numbers]
            choices: dict[str, str] = {}
            for level in levels:  # a name of the column's own level first (a town, then a
                for r in rows:  # district of that name, for a location)
                    if r[1] == level and (not admin1 or r[3] == admin1):
                        for alias in [r[0], *r[5].split("|")]:
                            if alias.startswith(FORMER):
                                continue  # suggest the names the checker accepts
                            if alias.isascii() or column == "country":
                                choices.setdefault(normalise(alias), r[0])
            choices.pop("", None)
            self._scopes[cache_key] = choices
        return self._scopes[cache_key]

    def _numbers(self, country: str) -> list[int]:
        """Row numbers of a country's places: its shipped range, then rows added for it."""
        start, end = self._table.ranges.get(country, (0, 0))
        added = [self._base + i for i, r in enumerate(self._extra) if r[2] == country]
        return [*range(start, end), *added]


_STATE_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "republic",
        "democratic",
        "dem",
        "rep",
        "people",
        "peoples",
        "state",
        "states",
        "kingdom",
        "islamic",
        "federal",
        "federation",
        "united",
        "union",
        "socialist",
        "arab",
    ]
)


def _covers(spans: list[tuple[int, int]], text: str) -> bool:
    """Whether the spans cover every word of *text* but words of state."""
    if not spans:
        return False
    for word in re.finditer(r"\S+", text):
        inside = any(a <= word.start() and word.end() <= b for a, b in spans)
        if not inside and word.group() not in _STATE_WORDS:
            return False
    return True


def read_coverage(path: Path) -> dict[str, frozenset[str]]:
    """Country -> the levels (admin1, admin2) the shipped table lists completely."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["country"]: frozenset(c for c in ("admin1", "admin2") if row[c] == "complete")
            for row in csv.DictReader(handle)
        }


def read_patterns(path: Path) -> tuple[tuple[str, str], ...]:
    """(ISO alpha-2, OCHA taxonomy pattern) per country."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return tuple((a, b) for a, b in (line.split("\t") for line in lines if line))


@functools.lru_cache(maxsize=NAMES_CACHED)
def _queries(value: str, levels: tuple[str, ...]) -> tuple[str, ...]:
    """What a suggestion search compares: the name and its Latin readings, each also
    without a designation word of the levels ("Madnalay District" -> "madnalay"), or
    without a misspelt one ("Hajjah Governoraet" -> "hajjah")."""
    out: list[str] = []
    for spelling in (normalise(value), *latin(value)):
        if spelling:
            out.append(spelling)
            if " " not in spelling:
                continue  # one word: no designation word to drop
            out += [bare for level in levels for bare in bare_words(spelling, level)]
            out += [bare for level in levels for bare in near_bare_words(spelling, level)]
    return tuple(dict.fromkeys(q for q in out if q))


def _resolve_parents(gazetteer: Gazetteer, raw: RawRow, path: Path) -> RawRow:
    """Replace a user row's parent names by the canonical names they match in its country."""
    name, level, cc, admin1, admin2, aliases, keys = raw
    if admin1:
        names = {p.name for p in gazetteer.candidates("admin1", admin1) if p.country == cc}
        if not names:
            raise GazetteerError(
                f"{path}: row {name!r}: admin1 {admin1!r} is not a known admin1 of {cc}"
            )
        admin1 = sorted(names)[0]
    if admin2:
        places = [p for p in gazetteer.candidates("admin2", admin2) if p.country == cc]
        places = [p for p in places if not admin1 or p.admin1 == admin1]
        if not places:
            raise GazetteerError(
                f"{path}: row {name!r}: admin2 {admin2!r} is not a known admin2 of {cc}"
            )
        admin1, admin2 = places[0].admin1, places[0].name
    return (name, level, cc, admin1, admin2, aliases, keys)
