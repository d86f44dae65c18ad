"""Repeated columns held as polars categories.

The contract marks the columns whose values recur from row to row (``repeated``: outlets,
places, dates, vocabulary words). The checker holds them as ``pl.Categorical`` (4 bytes a
cell, each distinct value stored once) instead of one string per cell: on a file of short
records that is most of its memory. Comparisons, ``is_in``, grouping and joins between
categories behave as on text; the ``.str`` functions and joins with text columns need the
text back, which ``text()`` gives (a no-op on a text column, so code that uses it reads
either form: the published schemas check plain text frames).
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl


def text(column: str) -> pl.Expr:
    """*column* as text, whether it is held as categories or as text."""
    return pl.col(column).cast(pl.String)


def is_categories(frame: pl.DataFrame | pl.LazyFrame, column: str) -> bool:
    schema = frame.collect_schema() if isinstance(frame, pl.LazyFrame) else frame.schema
    return isinstance(schema[column], pl.Categorical)


def as_categories(frame: pl.DataFrame, columns: Iterable[str]) -> pl.DataFrame:
    """*frame* with its text columns among *columns* held as categories."""
    cast = [c for c in columns if c in frame.columns and frame.schema[c] == pl.String]
    return frame.with_columns(pl.col(c).cast(pl.Categorical) for c in cast) if cast else frame


def per_value(frame: pl.DataFrame, column: str, expr: pl.Expr) -> pl.Expr | pl.Series:
    """*expr*, an expression of *column* alone, as a column of *frame*: of a column held as
    categories, evaluated once per distinct value and joined back onto the rows (parsing
    the dates of a million rows is parsing a few thousand)."""
    if not is_categories(frame, column):
        return expr
    values = frame.select(pl.col(column).unique()).with_columns(expr)
    (name,) = (c for c in values.columns if c != column)
    rows = frame.select(column).join(
        values, on=column, how="left", nulls_equal=True, maintain_order="left"
    )
    return rows.get_column(name)


def as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """*frame* with every column held as categories made text again (for GX, pandas)."""
    cast = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Categorical)]
    return frame.with_columns(text(c) for c in cast) if cast else frame
