"""The gazetteer: look place names up by record column, suggest, and check nesting."""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import GazetteerError
from toolkit.gazetteer.normalise import normalise
from toolkit.gazetteer.readers import LEVELS, RawRow, Table, read_table, read_user_file

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

SHIPPED = Path(__file__).with_name("places.csv.gz")
# Which place levels each record column matches.
COLUMN_LEVELS: dict[str, tuple[str, ...]] = {
    "country": ("country",),
    "admin1": ("admin1",),
    "admin2": ("admin2",),
    "location": ("location", "admin2"),
}
# Suggestion cut-off (rapidfuzz WRatio, 0-100); see tests/test_gazetteer.py for the cases.
SUGGEST_CUTOFF = 80.0
# Second chance inside a country: every word of 3+ letters of the value must be this close
# (on average) to some word of the name, so garbled multi-word names still find their place.
TOKEN_CUTOFF = 85.0


@dataclass(frozen=True, slots=True)
class Place:
    name: str  # canonical name
    level: str  # "country" | "admin1" | "admin2" | "location"
    country: str  # ISO alpha-2
    admin1: str  # canonical admin1 name or ""
    admin2: str  # canonical admin2 name or ""


class Gazetteer:
    """Places indexed by level and normalised name (name and every alias).

    The shipped rows stay CSV text until a lookup needs them; rows added from user files are
    kept parsed, with their keys in small per-level dicts.
    """

    def __init__(self, table: Table | None = None, extra: Iterable[RawRow] = ()) -> None:
        self._table = table or Table([], {}, {})
        self._base = len(self._table.lines)
        self._extra: list[RawRow] = []
        self._extra_keys: dict[str, dict[str, list[int]]] = {level: {} for level in LEVELS}
        self._places: dict[int, Place] = {}
        self._scopes: dict[tuple[str, str, str], dict[str, str]] = {}
        self._known: dict[str, frozenset[str]] = {}
        for raw in extra:
            self._add(raw)

    def _add(self, raw: RawRow) -> None:
        number = self._base + len(self._extra)
        self._extra.append(raw)
        bucket = self._extra_keys[raw[1]]
        for key in {normalise(n) for n in [raw[0], *raw[5].split("|")] if n} - {""}:
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
        found: list[int] = []
        if level in self._table.keys:
            keys, ids = self._table.keys[level]
            i = bisect.bisect_left(keys, key)
            if i < len(keys) and keys[i] == key:
                found = [int(n) for n in ids[i].split()]
        return found + self._extra_keys[level].get(key, [])

    # -- construction -----------------------------------------------------------------------

    @classmethod
    @functools.cache
    def default(cls) -> Gazetteer:
        """The shipped table (read once per process)."""
        return cls(read_table(SHIPPED))

    def extended(self, paths: Sequence[Path]) -> Gazetteer:
        """A new gazetteer: this one plus user files (CSV shape or GeoNames dumps).

        Parent names in user rows may be any known name or alias; they are stored canonical.
        """
        result = Gazetteer(self._table, self._extra)
        for path in paths:
            user = read_user_file(Path(path))
            staged = Gazetteer(
                result._table, [*result._extra, *(r for r in user if r[1] != "location")]
            )
            resolved = [_resolve_parents(staged, raw, Path(path)) for raw in user]
            for raw in resolved:
                result._add(raw)
        return result

    # -- lookups ----------------------------------------------------------------------------

    def candidates(self, column: str, value: str) -> tuple[Place, ...]:
        """Places a record's ``column`` value may name; empty when unknown."""
        key = normalise(value) if isinstance(value, str) else ""
        if not key:
            return ()
        return tuple(
            self._place(n) for level in COLUMN_LEVELS.get(column, ()) for n in self._ids(level, key)
        )

    def country_code(self, value: str) -> str | None:
        """ISO alpha-2 code of a country name or code ("Republic of Tajikistan" -> "TJ")."""
        codes = {p.country for p in self.candidates("country", value)}
        return codes.pop() if len(codes) == 1 else None

    def places(self, country: str) -> tuple[Place, ...]:
        """Every place of a country (ISO alpha-2), in table order (shipped, then added)."""
        start, end = self._table.ranges.get(country, (0, 0))
        numbers = [*range(start, end), *self._extra_numbers(country)]
        return tuple(self._place(n) for n in numbers)

    def known_keys(self, column: str) -> frozenset[str]:
        """Normalised names (and aliases) a column value can match (built on first call)."""
        if column not in self._known:
            keys: set[str] = set()
            for level in COLUMN_LEVELS.get(column, ()):
                if level in self._table.keys:
                    keys.update(self._table.keys[level][0])
                keys.update(self._extra_keys[level])
            self._known[column] = frozenset(keys)
        return self._known[column]

    def suggest(
        self, column: str, value: str, country: str | None = None, admin1: str | None = None
    ) -> str | None:
        """The closest known canonical name for an unknown value, or None if nothing is close.

        Looks inside the row's admin1, then its country, then (except for locations, which
        are too many to scan per value) everywhere; the first scope with a close name wins.
        """
        from rapidfuzz import fuzz, process

        key = normalise(value) if isinstance(value, str) else ""
        if not key or column not in COLUMN_LEVELS:
            return None
        cc = self.country_code(country) if country else None
        a1 = ""
        if cc and admin1 and column in ("admin2", "location"):
            names = {p.name for p in self.candidates("admin1", admin1) if p.country == cc}
            a1 = names.pop() if len(names) == 1 else ""
        scopes = [(cc or "", a1), (cc or "", "")] if cc else []
        if column != "location":
            scopes.append(("", ""))
        for scope in dict.fromkeys(scopes):
            choices = self._scope(column, *scope)
            best = process.extractOne(
                key, choices.keys(), scorer=fuzz.WRatio, score_cutoff=SUGGEST_CUTOFF
            )
            if best is None and scope[0]:
                best = process.extractOne(
                    key, choices.keys(), scorer=_token_cover, score_cutoff=TOKEN_CUTOFF
                )
            if best is not None:
                return choices[best[0]]
        return None

    def _scope(self, column: str, country: str, admin1: str) -> dict[str, str]:
        """Normalised key -> canonical name of the column's places inside country/admin1."""
        cache_key = (column, country, admin1)
        if cache_key not in self._scopes:
            levels = COLUMN_LEVELS[column]
            if country:
                start, end = self._table.ranges.get(country, (0, 0))
                numbers: Iterable[int] = [*range(start, end), *self._extra_numbers(country)]
            else:
                numbers = range(self._base + len(self._extra))
            choices: dict[str, str] = {}
            for n in numbers:
                r = self._raw(n)
                if r[1] in levels and (not admin1 or r[3] == admin1):
                    for alias in [r[0], *r[5].split("|")]:
                        choices.setdefault(normalise(alias), r[0])
            choices.pop("", None)
            self._scopes[cache_key] = choices
        return self._scopes[cache_key]

    def _extra_numbers(self, country: str) -> list[int]:
        return [self._base + i for i, r in enumerate(self._extra) if r[2] == country]

    # -- nesting ----------------------------------------------------------------------------

    def nesting_problem(
        self, country: str | None, admin1: str | None, admin2: str | None, location: str | None
    ) -> tuple[str, str] | None:
        """(column, message) for the first known name that does not sit in the given parents."""
        given: list[tuple[str, tuple[Place, ...]]] = []
        for column, value in (("country", country), ("admin1", admin1), ("admin2", admin2),
                              ("location", location)):  # fmt: skip
            found = self.candidates(column, value) if isinstance(value, str) else ()
            if found:  # unknown or empty names are someone else's finding
                given.append((column, found))
        fitting: dict[str, tuple[Place, ...]] = {}
        for column, found in given:
            scored = [(_fit(p, fitting), p) for p in found]
            best = max(score for score, _ in scored)
            if best == len(fitting):
                fitting[column] = tuple(p for score, p in scored if score == best)
                continue
            place = next(p for score, p in scored if score == best)
            failed = list(fitting)[best]
            return column, self._message(place, fitting[failed][0])
        return None

    def _message(self, place: Place, parent: Place) -> str:
        chain = [n for n in (place.admin2, place.admin1, place.country) if n]
        if place.level in ("admin1", "admin2"):
            chain = [n for n in (place.admin1, place.country) if n]
        if len(chain) == 1:  # only the country: say its name
            names = [p.name for p in self.candidates("country", chain[0])]
            chain = [names[0] if names else chain[0]]
        where = chain[0] + (f" ({', '.join(chain[1:])})" if chain[1:] else "")
        return f"{place.name} is in {where}, not in {parent.name}"


def _token_cover(query: str, choice: str, **_: object) -> float:
    """Mean, over the query's words of 3+ letters, of their best ratio to a word of choice."""
    from rapidfuzz import fuzz

    words = [w for w in query.split() if len(w) >= 3]
    targets = choice.split()
    if not words or not targets:
        return 0.0
    return sum(max(fuzz.ratio(w, t) for t in targets) for w in words) / len(words)


def _fit(place: Place, fitting: dict[str, tuple[Place, ...]]) -> int:
    """How many of the given parents (in order country, admin1, admin2) the place sits in."""
    score = 0
    for column, parents in fitting.items():
        if not any(_inside(place, column, parent) for parent in parents):
            break
        score += 1
    return score


def _inside(place: Place, column: str, parent: Place) -> bool:
    if place.country != parent.country:
        return False
    if column == "country":
        return True
    if column == "admin1":
        # GeoNames towns without a known admin1 cannot contradict one
        return place.admin1 in (parent.name, "") and place.level != "admin1"
    if place.level == "admin2":  # a town of regional rank named as a location: itself
        return place.name == parent.name and place.admin1 == parent.admin1
    if place.admin1 and parent.admin1 and place.admin1 != parent.admin1:
        return False
    return place.admin2 in (parent.name, "")


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
