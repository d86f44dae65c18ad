"""From a parsed table to the frame the rules run on: contract columns, tidy cells, typed views.

The original cells are kept as they are (so findings quote them); typed companions
(``__count``, ``__event_date``, count intervals, ...) are added beside them.
"""

from __future__ import annotations

import polars as pl

from toolkit.errors import InputError
from toolkit.io import Table
from toolkit.rules.base import ROW, Context
from toolkit.rules.parsing import count_interval, parse_count, parse_date


def missing_columns(table: Table, ctx: Context) -> list[str]:
    return [name for name in ctx.contract.required if name not in table.header]


def prepare(table: Table, ctx: Context) -> pl.DataFrame:
    """The frame every engine checks. Raises InputError when required columns are missing."""
    missing = missing_columns(table, ctx)
    if missing:
        raise InputError(f"{table.path}: missing required column(s): {', '.join(missing)}")
    contract = ctx.contract
    absent = [c for c in contract.names if c not in table.header]
    keys = ("record_id", "event_id")
    tidied = [c for c in table.header if c in keys or (c in contract.names and _typed(ctx, c))]
    tidy = [pl.col(c).str.strip_chars().replace("", None).alias(c) for c in tidied]
    frame = table.frame.with_columns(
        *tidy, *(pl.lit(None, dtype=pl.String).alias(c) for c in absent)
    ).with_row_index(ROW)
    typed = [parse_date(c) for c in contract.of_type("date")]
    typed += [parse_count(c) for c in contract.of_type("count")]
    return frame.with_columns(typed).with_columns(
        count_interval("count", "count_qualifier", ctx.settings.about_tolerance)
    )


def _typed(ctx: Context, column: str) -> bool:
    """Columns whose surrounding whitespace is noise: everything but free text."""
    return ctx.contract.column(column).type != "text"
