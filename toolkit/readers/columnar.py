"""Parquet: typed columns as text; a record is located by its 1-based number."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from toolkit.errors import InputError
from toolkit.readers.source import ReadOptions
from toolkit.readers.table import Table, check_header, table_of
from toolkit.readers.typed import text_columns


def read_parquet(path: Path, data: bytes, options: ReadOptions) -> Table:
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except (pl.exceptions.PolarsError, OSError, ValueError) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: cannot read as Parquet ({detail})") from None
    header = check_header(str(path), list(frame.columns))
    cells = text_columns(frame).rename(dict(zip(frame.columns, header, strict=True)))
    return table_of(path, header, cells, range(1, frame.height + 1), located_by="record")
