"""What every reader returns: a Table of text cells, each record with its location."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.errors import InputError

LINE = "__line"  # where a record is: see Table.located_by
CELLS = "__cells"  # how many cells the record had (the header's width unless ragged)
WIDTH = "__width"  # the header's width (toolkit.prepare puts it beside CELLS)


@dataclass(frozen=True)
class Table:
    """A parsed input file: one text column per header name, plus LINE and CELLS.

    *located_by* says what LINE counts: ``line`` (the physical line a record starts on, in
    text files), ``row`` (the sheet row, as a spreadsheet shows it) or ``record`` (the
    1-based record number, where a file has no lines: Parquet). *width* is the number of
    cells the file's header row has, nameless trailing ones included.
    """

    path: Path
    header: tuple[str, ...]
    frame: pl.DataFrame
    located_by: str = "line"
    width: int = -1  # the cells a record should have: the header's (-1: len(header))
    mapping: str | None = None  # which column mapping made the contract's columns, if any

    def __post_init__(self) -> None:
        if self.width < 0:
            object.__setattr__(self, "width", len(self.header))

    @property
    def rows(self) -> int:
        return self.frame.height


def table_of(
    path: Path,
    header: tuple[str, ...],
    cells: pl.DataFrame,
    where: Any,
    counts: Any = None,
    located_by: str = "line",
    width: int | None = None,
) -> Table:
    """A Table of *cells* (text columns named by *header*), *where* each record is (a
    sequence or Series of numbers) and *counts* of its cells (None: all the header's)."""
    width = len(header) if width is None else width
    frame = cells.with_columns(
        pl.Series(LINE, where, dtype=pl.Int64),
        pl.Series(CELLS, counts, dtype=pl.Int32)
        if counts is not None
        else pl.lit(width, dtype=pl.Int32).alias(CELLS),
    )
    return Table(path, header, frame, located_by=located_by, width=width)


def table_from_frame(frame: Any, name: str = "<frame>") -> Table:
    """A Table from an in-memory pandas or polars frame; every cell becomes text. A column
    CELLS, as a fixture's table carries when it has ragged records, gives each record's
    cell count (null: the header's)."""
    if not isinstance(frame, pl.DataFrame):
        frame = pl.from_pandas(frame.astype("string"))
    counts = None
    if CELLS in frame.columns:  # a fixture's records written ragged (Fixture.table)
        counts = frame.get_column(CELLS).cast(pl.Int32)
        frame = frame.drop(CELLS)
    header = tuple(str(c) for c in frame.columns)
    refuse_reserved(name, header)
    text = frame.select(pl.all().cast(pl.String))
    if counts is not None:
        counts = counts.fill_null(len(header))
    return table_of(Path(name), header, text, range(2, text.height + 2), counts)


def check_header(where: str, names: list[str]) -> tuple[str, ...]:
    """The header's names, stripped, without nameless ones at its end (spreadsheet exports
    leave them); InputError for an empty header, a nameless column before a named one, a
    repeated or a reserved name (*where* says where: "FILE: line 1")."""
    header = tuple(name.strip() for name in names)
    while header and not header[-1] and any(header):
        header = header[:-1]
    if not header or all(not name for name in header):
        raise InputError(f"{where}: the header row is empty")
    if "" in header:
        raise InputError(f"{where}: column {header.index('') + 1} has no name")
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InputError(f"{where}: column {name!r} appears twice")
        seen.add(name)
    refuse_reserved(where, header)
    return header


def refuse_reserved(where: str, header: tuple[str, ...]) -> None:
    """Names starting with __ are the toolkit's own columns (LINE, typed companions, ...)."""
    for name in header:
        if name.startswith("__"):
            raise InputError(
                f"{where}: column {name!r} starts with '__', which is reserved for the "
                "toolkit's own columns; rename it"
            )
