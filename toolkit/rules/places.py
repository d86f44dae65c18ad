"""Rules on places: place.known, place.hierarchy (against the shipped gazetteer).

Lookups run once per distinct value (or distinct place chain), never per row; the answers
are mapped back onto the rows with a vectorised replace.
"""

from __future__ import annotations

from random import Random
from typing import Any

import polars as pl

from toolkit.rules.base import ROW, Broken, Context, Rule, cell_findings
from toolkit.rules.mutating import SEED_COUNTRIES, typo

PLACES = ("country", "admin1", "admin2", "location")
LEVEL_WORDS = {
    "country": "country",
    "admin1": "region (admin1)",
    "admin2": "district (admin2)",
    "location": "place (location)",
}
_CHAIN = "__chain"


def _distinct(frame: pl.LazyFrame, expr: pl.Expr) -> list[Any]:
    return frame.select(expr.unique()).collect().to_series().drop_nulls().to_list()


def _admin2_names(ctx: Context, code: str, exclude_admin1: str) -> list[str]:
    """Districts of a country whose (canonical) region is not the given one, sorted."""
    admin1 = {p.name for p in ctx.gazetteer.candidates("admin1", exclude_admin1)}
    return sorted(
        {
            p.name
            for p in ctx.gazetteer.places(code)
            if p.level == "admin2" and p.admin1 and p.admin1 not in admin1
        }
    )


def _known(ctx: Context, column: str, value: str) -> bool:
    if column == "country":
        return ctx.gazetteer.country_code(value) is not None
    return bool(ctx.gazetteer.candidates(column, value))


class Known(Rule):
    id = "place.known"
    gx_custom = "expect_place_names_to_be_known"
    settings_used = ("gazetteer",)

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return PLACES

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        assert column is not None
        names = _distinct(frame, pl.col(column))
        known = {name: _known(ctx, column, name) for name in names}
        mapped = pl.col(column).replace_strict(known, default=True, return_dtype=pl.Boolean)
        return self.passes(frame, mapped)

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> list[dict[str, Any]]:
        assert column is not None
        level = LEVEL_WORDS[column]
        cache: dict[tuple[str, str | None, str | None], str | None] = {}

        def build(row: dict[str, Any]) -> tuple[str, str | None]:
            context = (
                row[column],
                row["country"] if column != "country" else None,
                row["admin1"] if column in ("admin2", "location") else None,
            )
            if context not in cache:
                cache[context] = ctx.gazetteer.suggest(column, *context)
            return self.message(column=column, value=row[column], level=level), cache[context]

        return cell_findings(self, failed, column, build)

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        """A garbled place name (a letter dropped, doubled or swapped) that is no alias."""
        cells = [(i, c) for i, row in enumerate(event) for c in PLACES[1:] if row[c]]
        rng.shuffle(cells)
        for i, column in cells[:5]:
            for _ in range(5):
                garbled = typo(event[i][column], rng)
                if not _known(ctx, column, garbled):
                    event[i][column] = garbled
                    return [(i, column)]
        return None


class Hierarchy(Rule):
    id = "place.hierarchy"
    gx_custom = "expect_place_chains_to_nest"
    settings_used = ("gazetteer",)

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return (None,)

    def reads(self, ctx: Context, column: str | None) -> tuple[str, ...]:
        return PLACES

    @staticmethod
    def _chain() -> pl.Expr:
        return pl.struct([pl.col(c) for c in PLACES]).alias(_CHAIN)

    @staticmethod
    def _problems(ctx: Context, chains: list[dict[str, str | None]]) -> dict[tuple[Any, ...], Any]:
        return {
            tuple(chain[c] for c in PLACES): ctx.gazetteer.nesting_problem(
                *(chain[c] for c in PLACES)
            )
            for chain in chains
        }

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        given = pl.sum_horizontal([pl.col(c).is_not_null() for c in PLACES]) >= 2
        chains = frame.filter(given).select(self._chain()).unique().collect()
        problems = self._problems(ctx, chains[_CHAIN].to_list())
        bad = [dict(zip(PLACES, key, strict=True)) for key, problem in problems.items() if problem]
        if not bad:
            return self.passes(frame, pl.repeat(True, pl.len()))  # one value per row
        bad_frame = pl.DataFrame(bad, schema={c: pl.String for c in PLACES}).with_columns(
            pl.lit(False).alias("passes")
        )
        return (
            frame.select(PLACES)
            .join(
                bad_frame.lazy(),
                on=list(PLACES),
                how="left",
                nulls_equal=True,
                maintain_order="left",
            )
            .select(pl.col("passes").fill_null(True))
        )

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> list[dict[str, Any]]:
        problems = self._problems(ctx, failed.select(self._chain())[_CHAIN].to_list())
        out = []
        for row in failed.iter_rows(named=True):
            problem = problems[tuple(row[c] for c in PLACES)]
            if problem is None:  # pragma: no cover - check and explain share the lookup
                continue
            where, detail = problem
            out.append(
                {
                    ROW: row[ROW],
                    "column": where,
                    "value": row[where],
                    "message": self.message(detail=detail),
                    "suggestion": None,
                }
            )
        return out

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        """A district put in another region of the same country (its village dropped); in
        countries without districts, a region put in another country."""
        code = ctx.gazetteer.country_code(event[0]["country"]) or ""
        districts = [i for i, row in enumerate(event) if row["admin1"] and row["admin2"]]
        regions = [i for i, row in enumerate(event) if row["admin1"]]
        if districts:
            i = rng.choice(districts)
            row = event[i]
            others = _admin2_names(ctx, code, exclude_admin1=row["admin1"])
            moved = rng.sample(others, min(len(others), 5))
            column = "admin2"
        elif regions:
            i = rng.choice(regions)
            row = event[i]
            others = _foreign_regions(ctx, code)
            moved = rng.sample(others, min(len(others), 5))
            column = "admin1"
        else:
            return None
        for name in moved:
            changed = {**row, column: name, "location": ""}
            if column == "admin1":
                changed["admin2"] = ""
            problem = ctx.gazetteer.nesting_problem(
                changed["country"], changed["admin1"], changed["admin2"] or None, None
            )
            if problem is not None and problem[0] == column:
                row.update(changed)
                return [(i, column)]
        return None


def _foreign_regions(ctx: Context, code: str) -> list[str]:
    """Regions of the seed articles' countries that are not (also) names in *code*."""
    own = {p.name for p in ctx.gazetteer.places(code) if p.level == "admin1"}
    return sorted(
        {
            p.name
            for other in SEED_COUNTRIES
            if other != code
            for p in ctx.gazetteer.places(other)
            if p.level == "admin1"
            and not any(q.country == code for q in ctx.gazetteer.candidates("admin1", p.name))
        }
        - own
    )


__all__ = ["Hierarchy", "Known", "cell_findings"]
