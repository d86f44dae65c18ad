"""Rules on an event's counts: subtotal.total, subtotal.sum (counts are intervals)."""

from __future__ import annotations

from random import Random
from typing import Any

import polars as pl

from toolkit.readers import LINE
from toolkit.rules.base import ROW, Broken, Context, Rule, explained, lines_text
from toolkit.rules.events import EVENT, EVENT_KEY, SHARED, is_total, passes_but, shared_rows
from toolkit.rules.mutating import part_rows
from toolkit.rules.parsing import INF, count_interval, format_interval, hi, interval, lo, typed


def _event_rows(frame: pl.DataFrame, events: pl.Series) -> pl.DataFrame:
    return frame.filter(pl.col(EVENT).is_in(events.implode()))


def _finding(row: dict[str, Any], message: str, suggestion: str | None = None) -> dict[str, Any]:
    return {
        ROW: row[ROW],
        "column": "count",
        "value": row["count"],
        "message": message,
        "suggestion": suggestion,
    }


class OneTotal(Rule):
    id = "subtotal.total"
    together = "event_id"
    gx_custom = "expect_events_to_have_at_most_one_total"

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return (None,)

    def reads(self, ctx: Context, column: str | None) -> tuple[str, ...]:
        return (EVENT, EVENT_KEY, ROW, SHARED, "role")

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        # per event with one group_by and a join (two windows over a million events: 2x)
        rows = shared_rows(frame)
        events = rows.group_by(EVENT_KEY).agg(
            is_total().sum().alias("__totals"),
            pl.when(is_total()).then(pl.col(ROW)).min().alias("__first_total"),
        )
        broken = (pl.col("__totals") > 1) & (pl.col(ROW) == pl.col("__first_total"))
        failing = rows.join(events, on=EVENT_KEY, how="inner").filter(broken.fill_null(False))
        return passes_but(frame, failing)

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> pl.DataFrame:
        rows = _event_rows(frame, failed[EVENT]).filter(is_total())
        lines = rows.group_by(EVENT).agg(pl.col(LINE).sort())
        lines_of = dict(zip(lines[EVENT], lines[LINE].to_list(), strict=True))
        out = []
        for row in failed.iter_rows(named=True):
            event_lines = lines_of[row[EVENT]]
            message = self.message(
                ctx, event_id=row[EVENT], n_totals=len(event_lines), lines=lines_text(event_lines)
            )
            out.append({**_finding(row, message), "column": "role", "value": row["role"]})
        return explained(out)

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        parts = part_rows(event)
        if not parts:
            return None
        event[rng.choice(parts)]["role"] = "total"  # a subtotal read as a second total
        return [(0, "role")]


class PartsAddUp(Rule):
    id = "subtotal.sum"
    together = "event_id"
    gx_custom = "expect_event_parts_to_add_up_to_total"
    settings_used = ("about_tolerance",)

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return (None,)

    def reads(self, ctx: Context, column: str | None) -> tuple[str, ...]:
        stated = (typed("count_low"), typed("count_high"))  # a record's own range
        return (EVENT, EVENT_KEY, ROW, SHARED, "role", typed("count"), "count_qualifier", *stated)

    @staticmethod
    def _sums() -> list[pl.Expr]:
        """Per event: its parts' summed interval, parts without a count, parts, totals
        (aggregations: group by EVENT_KEY, or add .over(EVENT_KEY))."""
        part = pl.col("role") == "part"
        return [
            pl.when(part).then(pl.col(lo())).sum().alias("__parts_lo"),
            pl.when(part).then(pl.col(hi())).sum().alias("__parts_hi"),
            (part & pl.col(lo()).is_null()).sum().alias("__parts_unknown"),
            part.sum().alias("__parts"),
            is_total().sum().alias("__totals"),
        ]

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        judged = (
            is_total()
            & (pl.col("__totals") == 1)
            & (pl.col("__parts") > 0)
            & (pl.col("__parts_unknown") == 0)
            & pl.col(lo()).is_not_null()
        )
        apart = (pl.col("__parts_lo") > pl.col(hi())) | (pl.col("__parts_hi") < pl.col(lo()))
        broken = judged & apart
        # the intervals under this run's tolerance (prepare() made them too, for explain)
        intervals = count_interval(
            "count", "count_qualifier", ctx.settings.about_tolerance, "count_low", "count_high"
        )
        events = shared_rows(frame).with_columns(intervals)
        # one group_by and a join: five windows over a million events cost 5x as much
        sums = events.group_by(EVENT_KEY).agg(self._sums())
        failing = events.join(sums, on=EVENT_KEY, how="inner").filter(broken.fill_null(False))
        return passes_but(frame, failing)

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> pl.DataFrame:
        rows = _event_rows(frame, failed[EVENT]).with_columns(
            e.over(EVENT_KEY) for e in self._sums()
        )
        parts = rows.filter(pl.col("role") == "part").group_by(EVENT).agg(pl.col(LINE).sort())
        lines_of = dict(zip(parts[EVENT], parts[LINE].to_list(), strict=True))
        totals = rows.filter(is_total())
        out = []
        for row in totals.iter_rows(named=True):
            message = self.message(
                ctx,
                parts=format_interval(row["__parts_lo"], row["__parts_hi"]),
                total=_stated(row),
                lines=lines_text(lines_of[row[EVENT]]),
            )
            out.append(_finding(row, message))
        return explained(out)

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        """One part misread so that no count the parts allow meets the total's."""
        parts = part_rows(event)
        if not parts:
            return None
        t = ctx.settings.about_tolerance
        total_lo, total_hi = interval(int(event[0]["count"]), event[0]["count_qualifier"], t)
        k = rng.choice(parts)
        others = [interval(int(event[i]["count"]), event[i]["count_qualifier"], t) for i in parts]
        del others[parts.index(k)]
        rest_lo, rest_hi = sum(o[0] for o in others), sum(o[1] for o in others)
        if total_hi != INF:  # too many: the parts' least exceeds the total's most
            count = int(total_hi - rest_lo) + 1 + rng.randrange(50)
        else:  # too few: the parts' most stays under the total's least
            count = int(total_lo - rest_hi) - 1 - rng.randrange(50)
            if count < 0 or rest_hi == INF:
                return None
        event[k]["count"] = str(count)
        event[k]["count_qualifier"] = (
            "exact" if "exact" in ctx.vocabulary("count_qualifier") else ""
        )
        return [(0, "count")]


def _stated(row: dict[str, Any]) -> str:
    """The total as stated, with its interval where the qualifier widens it."""
    interval = format_interval(row[lo()], row[hi()])
    qualifier = row["count_qualifier"] or "exact"
    if qualifier == "exact":
        return interval
    stated = f"{qualifier.replace('_', ' ')} {int(row['__count']):,}"
    return f"{stated} ({interval})"
