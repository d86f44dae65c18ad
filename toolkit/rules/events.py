"""Rules across the rows of one event: event.consistent.

An event is the rows sharing an event_id. Its anchor is its (first) total row, or its first
row when it has no total; event findings are reported on the anchor or against it.
"""

from __future__ import annotations

from random import Random
from typing import Any

import polars as pl

from toolkit.readers import LINE
from toolkit.rules.base import ROW, Broken, Context, Rule, cell_findings, repeats
from toolkit.rules.mutating import part_rows
from toolkit.rules.parsing import typed

EVENT = "event_id"
# Computed once by prepare() (with_events): EVENT_KEY is the ROW of the event's first row (an
# integer group key, cheap to partition by; null where event_id is empty); ANCHOR is the ROW
# of the event's first total row, else of its first row (a row without event_id is its own
# anchor); SHARED says whether other rows share the row's event_id (only such rows can break
# an event rule, so those rules look at them alone).
EVENT_KEY = "__event"
ANCHOR = "__anchor"
SHARED = "__shared"


def is_total() -> pl.Expr:
    return pl.col("role") == "total"


def event_columns() -> tuple[pl.Expr, pl.Expr]:
    """The expressions for EVENT_KEY and ANCHOR; the second needs the first's column."""
    # grouped by the event id's dense rank (equal ids, equal ranks): an integer window key
    # costs half the memory of a window over the strings themselves
    key = pl.when(pl.col(EVENT).is_not_null()).then(
        pl.col(ROW).min().over(pl.col(EVENT).rank("dense"))
    )
    first_total = pl.when(is_total()).then(pl.col(ROW)).min().over(EVENT_KEY)
    anchor = pl.coalesce(
        pl.when(pl.col(EVENT_KEY).is_not_null()).then(first_total), pl.col(EVENT_KEY), pl.col(ROW)
    )
    return key.alias(EVENT_KEY), anchor.alias(ANCHOR)


def with_events(frame: pl.DataFrame) -> pl.DataFrame:
    """*frame* (with ROW, event_id and role) with SHARED, EVENT_KEY and ANCHOR. Where no
    event_id repeats (each event one row, as in most published datasets) every row is its
    own key and anchor, and no window is computed."""
    if not repeats(frame, EVENT):
        return frame.with_columns(
            pl.lit(False).alias(SHARED),
            pl.when(pl.col(EVENT).is_not_null()).then(pl.col(ROW)).alias(EVENT_KEY),
            pl.col(ROW).alias(ANCHOR),
        )
    key, anchor = event_columns()
    shared = pl.col(EVENT_KEY).is_not_null() & (pl.len().over(EVENT_KEY) > 1)
    return frame.with_columns(key).with_columns(anchor, shared.alias(SHARED))


def shared_rows(frame: pl.LazyFrame) -> pl.LazyFrame:
    """The rows of events that have more than one row: the only rows an event rule can fail."""
    return frame.filter(pl.col(SHARED))


def passes_but(frame: pl.LazyFrame, failing: pl.LazyFrame) -> pl.LazyFrame:
    """The passes column of *frame*: false on the rows (by ROW) that *failing* holds."""
    failed = failing.select(ROW, pl.lit(False).alias("passes"))
    return (
        frame.select(ROW)
        .join(failed, on=ROW, how="left", maintain_order="left")
        .select(pl.col("passes").fill_null(True))
    )


class Consistent(Rule):
    id = "event.consistent"
    together = "event_id"
    gx_custom = "expect_event_rows_to_agree_with_anchor"
    settings_used = ("vocabularies", "gazetteer")
    COLUMNS = ("event_date", "event_date_end", "event_type", "country")

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return self.COLUMNS

    def reads(self, ctx: Context, column: str | None) -> tuple[str, ...]:
        assert column is not None
        dates = (typed(column),) if column in ("event_date", "event_date_end") else ()
        return (EVENT, ROW, ANCHOR, SHARED, column, *dates)

    def _key(
        self, ctx: Context, frame: pl.LazyFrame, column: str
    ) -> tuple[pl.Expr, pl.Expr | None]:
        """(comparable value, whether the cell can be compared at all; None: always)."""
        raw = pl.col(column)
        if column in ("event_date", "event_date_end"):
            return pl.col(typed(column)), raw.is_null() | pl.col(typed(column)).is_not_null()
        if column == "event_type":
            return raw, raw.is_null() | raw.is_in(list(ctx.vocabulary(column)))
        # country: compare the country meant (TJ == TJK == Tajikistan), else the text
        names = frame.select(raw.unique()).collect().to_series().drop_nulls().to_list()
        codes = {name: ctx.gazetteer.country_code(name) or name.casefold() for name in names}
        key = raw.replace_strict(codes, default=None, return_dtype=pl.String)
        return key, None

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        assert column is not None
        rows = shared_rows(frame)
        key, comparable = self._key(ctx, rows, column)
        always = pl.lit(True)
        values = rows.select(
            ROW,
            ANCHOR,
            key.alias("__key"),
            (always if comparable is None else comparable).alias("__comparable"),
        )
        # each row beside its anchor's values (the anchor is a row of the same event)
        anchors = values.select(
            pl.col(ROW).alias(ANCHOR),
            pl.col("__key").alias("__anchor_key"),
            pl.col("__comparable").alias("__anchor_comparable"),
        )
        differs = (
            (pl.col(ROW) != pl.col(ANCHOR))
            & pl.col("__key").ne_missing(pl.col("__anchor_key"))
            & pl.col("__comparable")
            & pl.col("__anchor_comparable")
        )
        failing = values.join(anchors, on=ANCHOR, how="inner").filter(differs.fill_null(False))
        return passes_but(frame, failing)

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> pl.DataFrame:
        assert column is not None
        # ANCHOR is a row position (prepare() computed it), so the anchors are a gather
        anchors = frame.select(pl.col(LINE, "role", column).gather(failed[ANCHOR]))
        anchor_of = dict(zip(failed[ROW], anchors.iter_rows(), strict=True))

        def build(row: dict[str, Any]) -> tuple[str, str | None]:
            line, role, anchor_value = anchor_of[row[ROW]]
            message = self.message(
                ctx,
                column=column,
                value=row[column] or "",
                anchor_value=anchor_value or "",
                anchor_line=line,
                anchor_role=role or "first",
                event_id=row[EVENT],
            )
            return message, anchor_value

        return cell_findings(self, failed, column, build)

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        parts = part_rows(event)
        if not parts:
            return None
        k = rng.choice(parts)  # one part told as another kind of event
        others = [w for w in ctx.vocabulary("event_type") if w != event[0]["event_type"]]
        if not others:
            return None
        event[k]["event_type"] = rng.choice(others)
        return [(k, "event_type")]
