"""Typed cells (Parquet, JSON, spreadsheets) as the text the record contract expects: dates
as YYYY-MM-DD, whole numbers without ".0", true/false; nested values as JSON."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import polars as pl


def text_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column of *frame* as text (nulls stay null), vectorised per column type."""
    return frame.select(_text(name, dtype) for name, dtype in frame.schema.items())


def _text(name: str, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(name)
    if dtype == pl.String:
        return column
    if dtype == pl.Date:
        return column.dt.strftime("%Y-%m-%d").alias(name)
    if isinstance(dtype, pl.Datetime):
        midnight = column.dt.time() == dt.time(0)
        return (
            pl.when(midnight)
            .then(column.dt.strftime("%Y-%m-%d"))
            .otherwise(column.dt.strftime("%Y-%m-%d %H:%M:%S"))
            .alias(name)
        )
    if dtype.is_float():
        whole = column.is_finite() & (column == column.round(0)) & (column.abs() < 2**53)
        return (
            pl.when(whole)
            .then(column.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(column.cast(pl.String))
            .alias(name)
        )
    if dtype == pl.Boolean:
        return pl.when(column).then(pl.lit("true")).when(~column).then(pl.lit("false")).alias(name)
    if isinstance(dtype, pl.List | pl.Array | pl.Struct):
        return column.map_elements(_json, return_dtype=pl.String).alias(name)
    return column.cast(pl.String).alias(name)


def _json(value: Any) -> str:
    return json.dumps(value.to_list() if isinstance(value, pl.Series) else value, default=str)


def cell_text(value: Any) -> str | None:
    """One typed cell (as openpyxl gives it) as text; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, str):
        return value if value != "" else None
    return str(value)
