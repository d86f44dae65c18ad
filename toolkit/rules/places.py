"""Rules on places: place.known, place.unverified, place.hierarchy.

The three rules share one judgement of each distinct place chain (country, admin1, admin2,
location; toolkit/gazetteer/judge.py), so they cost per distinct chain, never per row, and
cannot disagree: a cell breaks at most one of them. The judgements are mapped back onto the
rows with a join on the chain.
"""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING, Any

import polars as pl

from toolkit.gazetteer.judge import HIERARCHY, KNOWN, PLACES, UNVERIFIED, Chain, Verdict, judge
from toolkit.rules.base import ROW, Broken, Context, Rule
from toolkit.rules.mutating import SEED_COUNTRIES, typo

if TYPE_CHECKING:
    from toolkit.gazetteer import Gazetteer

_FAILS = "__fails"


def verdicts(ctx: Context, chain: Chain) -> dict[str, Verdict]:
    """The judgement of one chain (cached on the run's gazetteer)."""
    cache = ctx.gazetteer.judgements
    if chain not in cache:
        cache[chain] = judge(ctx.gazetteer, chain)
    return cache[chain]


def _failing(ctx: Context, frame: pl.LazyFrame) -> dict[tuple[str, str | None], list[Chain]]:
    """(rule, column) -> the frame's distinct chains that break it (column None: the row, for
    place.hierarchy); judged once per set of chains for all place rules and columns (the
    engines hand each check its own frame object, so the chains themselves are the key)."""
    chains = _chains(frame)
    key = ("places", frozenset(chains))  # unique() keeps no order; equal sets, one table
    if key not in ctx.shared:
        table: dict[tuple[str, str | None], list[Chain]] = {}
        for chain in chains:
            found = verdicts(ctx, chain)
            for column, verdict in found.items():
                table.setdefault((verdict.rule, column), []).append(chain)
            if any(v.rule == HIERARCHY for v in found.values()):
                table.setdefault((HIERARCHY, None), []).append(chain)
        ctx.shared[key] = table
    return ctx.shared[key]  # type: ignore[no-any-return]


def _breaks(found: dict[str, Verdict], rule: str, column: str | None) -> bool:
    if column is None:  # place.hierarchy: the row, on its first misplaced column
        return any(v.rule == rule for v in found.values())
    verdict = found.get(column)
    return verdict is not None and verdict.rule == rule


def _chains(frame: pl.LazyFrame | pl.DataFrame) -> list[Chain]:
    lazy = frame.lazy().select(PLACES).unique()
    return [(a, b, c, d) for a, b, c, d in lazy.collect().iter_rows()]


class PlaceRule(Rule):
    """A rule whose findings come from the chain judgement (``verdict.rule == id``)."""

    settings_used = ("gazetteer",)

    def reads(self, ctx: Context, column: str | None) -> tuple[str, ...]:
        return PLACES

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        bad = _failing(ctx, frame).get((self.id, column), [])
        if not bad:
            return self.passes(frame, pl.repeat(True, pl.len()))  # one value per row
        bad_frame = pl.DataFrame(bad, schema={c: pl.String for c in PLACES}, orient="row")
        return (
            frame.select(PLACES)
            .join(
                bad_frame.with_columns(pl.lit(True).alias(_FAILS)).lazy(),
                on=list(PLACES),
                how="left",
                nulls_equal=True,
                maintain_order="left",
            )
            .select((~pl.col(_FAILS).fill_null(False)).alias("passes"))
        )

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        suggestions: dict[tuple[str, Any, Any, Any], str | None] = {}
        for row in failed.iter_rows(named=True):
            chain: Chain = (row["country"], row["admin1"], row["admin2"], row["location"])
            found = verdicts(ctx, chain)
            where = column or next(c for c in PLACES if _breaks(found, self.id, c))
            verdict = found[where]
            out.append(
                {
                    ROW: row[ROW],
                    "column": where,
                    "value": row[where],
                    "message": self.message(**verdict.message_fields()),
                    "suggestion": verdict.suggestion
                    or self._suggestion(ctx, where, row, suggestions),
                }
            )
        return out

    def _suggestion(
        self,
        ctx: Context,
        column: str,
        row: dict[str, Any],
        cache: dict[tuple[str, Any, Any, Any], str | None],
    ) -> str | None:
        if self.id == HIERARCHY:
            return None
        key = (
            column,
            row[column],
            row["country"] if column != "country" else None,
            row["admin1"] if column in ("admin2", "location") else None,
        )
        if key not in cache:
            cache[key] = ctx.gazetteer.suggest(*key)
        return cache[key]


class Known(PlaceRule):
    id = KNOWN
    gx_custom = "expect_place_names_to_be_known"

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return PLACES

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        """A garbled region or district name (a letter dropped, doubled or swapped), where
        the gazetteer lists every one of them: now no name of that country. In a country
        without complete lists, the country's name garbled on every row of the event."""
        broken = _garble(ctx, event, rng, ("admin1", "admin2"), KNOWN)
        if broken is not None:
            return broken
        name = event[0]["country"]
        for _ in range(5):
            garbled = typo(name, rng)
            chains = [(garbled, *(row[c] or None for c in PLACES[1:])) for row in event]
            if all(list(verdicts(ctx, c)) == ["country"] for c in chains):  # type: ignore[arg-type]
                for row in event:
                    row["country"] = garbled
                return [(i, "country") for i in range(len(event))]
        return None


class Unverified(PlaceRule):
    id = UNVERIFIED
    gx_custom = "expect_place_names_to_be_verified"

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return PLACES[1:]

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        """A garbled village or town name: no place the gazetteer knows, but no gazetteer
        lists every village."""
        return _garble(ctx, event, rng, ("location",), UNVERIFIED)


class Hierarchy(PlaceRule):
    id = HIERARCHY
    gx_custom = "expect_place_chains_to_nest"

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return (None,)

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        """A district put in another region of the same country (its village dropped); in
        countries whose districts are not all listed, a region put in another country."""
        gazetteer = ctx.gazetteer
        code = gazetteer.country_code(event[0]["country"]) or ""
        districts = [i for i, row in enumerate(event) if row["admin1"] and row["admin2"]]
        regions = [i for i, row in enumerate(event) if row["admin1"]]
        if not gazetteer.complete(code, "admin2"):  # a moved district would only be a warning
            districts = []
        if districts:
            i = rng.choice(districts)
            others = _admin2_names(gazetteer, code, exclude_admin1=event[i]["admin1"])
            column = "admin2"
        elif regions:
            i = rng.choice(regions)
            others = _foreign_regions(gazetteer, code)
            column = "admin1"
        else:
            return None
        row = event[i]
        for name in rng.sample(others, min(len(others), 5)):
            changed = {**row, column: name, "location": ""}
            if column == "admin1":
                changed["admin2"] = ""
            found = verdicts(ctx, tuple(changed[c] or None for c in PLACES))  # type: ignore[arg-type]
            if list(found) == [column] and found[column].rule == HIERARCHY:
                row.update(changed)
                return [(i, column)]
        return None


def _garble(
    ctx: Context, event: list[dict[str, str]], rng: Random, columns: tuple[str, ...], rule: str
) -> Broken | None:
    cells = [(i, c) for i, row in enumerate(event) for c in columns if row[c]]
    rng.shuffle(cells)
    for i, column in cells[:5]:
        for _ in range(5):
            changed = {**event[i], column: typo(event[i][column], rng)}
            found = verdicts(ctx, tuple(changed[c] or None for c in PLACES))  # type: ignore[arg-type]
            if list(found) == [column] and found[column].rule == rule:
                event[i][column] = changed[column]
                return [(i, column)]
    return None


def _admin2_names(gazetteer: Gazetteer, code: str, exclude_admin1: str) -> list[str]:
    """Districts of a country whose (canonical) region is not the given one, sorted."""
    admin1 = {p.name for p in gazetteer.resolve("admin1", exclude_admin1, code or None)}
    return sorted(
        {
            p.name
            for p in gazetteer.places(code)
            if p.level == "admin2" and p.admin1 and p.admin1 not in admin1
        }
    )


def _foreign_regions(gazetteer: Gazetteer, code: str) -> list[str]:
    """Regions of the seed articles' countries that are not (also) names in *code*."""
    own = {p.name for p in gazetteer.places(code) if p.level == "admin1"}
    return sorted(
        {
            p.name
            for other in SEED_COUNTRIES
            if other != code
            for p in gazetteer.places(other)
            if p.level == "admin1" and not gazetteer.resolve("admin1", p.name, code or None)
        }
        - own
    )


__all__ = ["Hierarchy", "Known", "Unverified", "verdicts"]
