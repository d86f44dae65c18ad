"""Rules across the rows of one event: event.consistent.

An event is the rows sharing an event_id. Its anchor is its (first) total row, or its first
row when it has no total; event findings are reported on the anchor or against it.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from toolkit.io import LINE
from toolkit.rules.base import ROW, Context, Rule, cell_findings
from toolkit.rules.parsing import typed

EVENT = "event_id"
ANCHOR = "__anchor"


def is_total() -> pl.Expr:
    return pl.col("role") == "total"


def anchor_row() -> pl.Expr:
    """ROW of the event's anchor: its first total row, else its first row."""
    first_total = pl.col(ROW).filter(is_total()).min().over(EVENT)
    return pl.coalesce(first_total, pl.col(ROW).min().over(EVENT)).alias(ANCHOR)


def at_anchor(expr: pl.Expr) -> pl.Expr:
    """The value of *expr* on the event's anchor row, broadcast to every row of the event."""
    return expr.filter(pl.col(ROW) == pl.col(ANCHOR)).first().over(EVENT)


def anchor_info(frame: pl.DataFrame, events: pl.Series) -> dict[str, tuple[int, str]]:
    """event_id -> (line, role) of the anchor, for the given events only."""
    rows = (
        frame.lazy()
        .filter(pl.col(EVENT).is_in(events.implode()))
        .with_columns(anchor_row())
        .filter(pl.col(ROW) == pl.col(ANCHOR))
        .select(EVENT, LINE, "role")
        .collect()
    )
    return {e: (line, role or "first") for e, line, role in rows.iter_rows()}


class Consistent(Rule):
    id = "event.consistent"
    COLUMNS = ("event_date", "event_date_end", "event_type", "country")

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return self.COLUMNS

    def _key(self, ctx: Context, frame: pl.LazyFrame, column: str) -> tuple[pl.Expr, pl.Expr]:
        """(comparable value, whether the cell can be compared at all)."""
        raw = pl.col(column)
        if column in ("event_date", "event_date_end"):
            return pl.col(typed(column)), raw.is_null() | pl.col(typed(column)).is_not_null()
        if column == "event_type":
            return raw, raw.is_null() | raw.is_in(list(ctx.vocabulary(column)))
        # country: compare the country meant (TJ == TJK == Tajikistan), else the text
        names = frame.select(raw.unique()).collect().to_series().drop_nulls().to_list()
        codes = {name: ctx.gazetteer.country_code(name) or name.casefold() for name in names}
        key = raw.replace_strict(codes, default=None, return_dtype=pl.String)
        return key, pl.lit(True)

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        assert column is not None
        key, comparable = self._key(ctx, frame, column)
        differs = (
            (pl.col(ROW) != pl.col(ANCHOR))
            & comparable
            & at_anchor(comparable)
            & key.ne_missing(at_anchor(key))
        )
        ok = pl.col(EVENT).is_null() | ~differs
        return frame.with_columns(anchor_row()).select(ok.fill_null(True).alias("passes"))

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> list[dict[str, Any]]:
        assert column is not None
        anchors = anchor_info(frame, failed[EVENT])
        anchor_values = (
            frame.lazy()
            .filter(pl.col(EVENT).is_in(failed[EVENT].implode()))
            .with_columns(anchor_row())
            .filter(pl.col(ROW) == pl.col(ANCHOR))
            .select(EVENT, column)
            .collect()
        )
        value_of = dict(zip(anchor_values[EVENT], anchor_values[column], strict=True))

        def build(row: dict[str, Any]) -> tuple[str, str | None]:
            line, role = anchors[row[EVENT]]
            anchor_value = value_of[row[EVENT]]
            message = self.message(
                column=column,
                value=row[column] or "",
                anchor_value=anchor_value or "",
                anchor_line=line,
                anchor_role=role,
                event_id=row[EVENT],
            )
            return message, anchor_value

        return cell_findings(self, failed, column, build)
