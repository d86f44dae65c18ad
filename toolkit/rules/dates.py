"""Rules on dates: date.range, date.order."""

from __future__ import annotations

from random import Random
from typing import Any

import polars as pl

from toolkit.rules.base import Broken, Context, GxSpec, Rule, cell_findings
from toolkit.rules.mutating import day, shifted
from toolkit.rules.parsing import typed, yyyymmdd

# date.order: for each column, the comparisons that must hold, as
# (operator the column must NOT satisfy against the other column, relation word, other column)
_ORDER: dict[str, tuple[tuple[str, str, str], ...]] = {
    "event_date": (("gt", "after", "published_date"),),
    "event_date_end": (
        ("lt", "before", "event_date"),
        ("gt", "after", "published_date"),
    ),
}


class DateRange(Rule):
    id = "date.range"
    settings_used = ("date_min", "date_max")

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return ctx.contract.of_type("date")

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        assert column is not None
        value = pl.col(typed(column))
        low, high = ctx.settings.date_min, ctx.settings.date_max
        return self.passes(frame, value.is_between(pl.lit(low), pl.lit(high), closed="both"))

    def gx(self, ctx: Context, column: str | None) -> tuple[GxSpec, ...]:
        # bounds are suite parameters (date_max is "today" by default); see gx_parameters
        kwargs = {
            "column": typed(column or ""),
            "min_value": {"$PARAMETER": "date_min"},
            "max_value": {"$PARAMETER": "date_max"},
        }
        return (GxSpec("expect_column_values_to_be_between", kwargs),)

    def gx_parameters(self, ctx: Context) -> dict[str, Any]:
        """Suite parameters, as GX's frame holds dates: yyyymmdd integers (toolkit/gx/frame)."""
        settings = ctx.settings
        return {"date_min": yyyymmdd(settings.date_min), "date_max": yyyymmdd(settings.date_max)}

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> pl.DataFrame:
        assert column is not None
        low, high = ctx.settings.date_min.isoformat(), ctx.settings.date_max.isoformat()
        return cell_findings(
            self,
            failed,
            column,
            lambda row: (
                self.message(column=column, value=row[column], date_min=low, date_max=high),
                None,
            ),
        )

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        # a mistyped year far in the future (2021 -> 2201): still after the event
        row = event[0]
        future = int(row["published_date"][:4]) + 180 + rng.randrange(300)
        if not ctx.settings.date_max.year < future <= 9999:
            return None
        row["published_date"] = f"{future:04d}{row['published_date'][4:]}"
        if row["published_date"].endswith("-02-29"):
            row["published_date"] = row["published_date"][:-2] + "28"
        return [(0, "published_date")]


class DateOrder(Rule):
    id = "date.order"

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return tuple(_ORDER)

    @staticmethod
    def _broken(column: str, op: str, other: str) -> pl.Expr:
        mine, theirs = pl.col(typed(column)), pl.col(typed(other))
        return mine > theirs if op == "gt" else mine < theirs

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        assert column is not None
        broken = pl.any_horizontal(
            [self._broken(column, op, other).fill_null(False) for op, _, other in _ORDER[column]]
        )
        return self.passes(frame, ~broken)

    def gx(self, ctx: Context, column: str | None) -> tuple[GxSpec, ...]:
        assert column is not None
        specs = []
        for op, _, other in _ORDER[column]:
            # broken when column > other, i.e. expect other >= column (and the reverse)
            later, earlier = (other, column) if op == "gt" else (column, other)
            pair = {"column_A": typed(later), "column_B": typed(earlier), "or_equal": True}
            specs.append(
                GxSpec(
                    "expect_column_pair_values_a_to_be_greater_than_b",
                    {**pair, "ignore_row_if": "either_value_is_missing"},
                )
            )
        return tuple(specs)

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> pl.DataFrame:
        assert column is not None
        flags = failed.select(
            [
                self._broken(column, op, other).fill_null(False).alias(f"{i}")
                for i, (op, _, other) in enumerate(_ORDER[column])
            ]
        )

        def build(row: dict[str, Any]) -> tuple[str, str | None]:
            index = next(i for i, flag in enumerate(flags.row(row["__pos"])) if flag)
            _, relation, other = _ORDER[column][index]
            message = self.message(
                column=column,
                value=row[column],
                relation=relation,
                other_column=other,
                other_value=row[other],
            )
            return message, None

        positioned = failed.with_row_index("__pos")
        return cell_findings(self, positioned, column, build)

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        # a boilerplate date, before the event, taken for the publication date
        row = event[0]
        published = shifted(row["event_date"], -rng.randint(1, 60))
        if day(published) < ctx.settings.date_min:
            return None
        row["published_date"] = published
        broken: Broken = [(0, "event_date")]
        if row["event_date_end"]:
            broken.append((0, "event_date_end"))
        return broken
