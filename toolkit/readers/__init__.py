"""Reading input files: every format behind one call, ``read_table(path, options)``.

The format is chosen by suffix (``.csv``, ``.tsv``/``.tab``, ``.jsonl``/``.ndjson``,
``.parquet``, ``.xlsx``; ``.gz``/``.zst`` after a text format), else by the content (stdin
as ``-``, unknown suffixes: Parquet, xlsx, JSON Lines or CSV). Each reader returns a Table of
text cells with each record's location (toolkit.readers.table); input is never written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import polars as pl

from toolkit.errors import InputError
from toolkit.readers.source import STDIN, ReadOptions, decompress, read_bytes, to_utf8
from toolkit.readers.table import CELLS, LINE, WIDTH, Table, table_from_frame

Reader = Callable[[Path, bytes, ReadOptions], Table]
SUFFIXES = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".xlsx": "xlsx",
}
COMPRESSED = (".gz", ".zst", ".zstd")
TEXT_FORMATS = ("csv", "tsv", "jsonl")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) and other OLE2 files


def read_table(path: str | Path, options: ReadOptions | None = None) -> Table:
    """Read one input file (``-``: stdin) as a Table. Raises InputError when unusable."""
    path = Path(path)
    name = Path("<stdin>") if str(path) == STDIN else path
    table = parse_table(name, read_bytes(path), options, path)
    # one chunk per column, made once the file's bytes are freed: polars parses in chunks,
    # and the first column added to a chunked frame (prepare adds several) copies it all
    # while the chunked one is still held (peak memory)
    columns = table.frame.get_columns()
    table = replace(table, frame=pl.DataFrame())  # the list holds the only reference
    return replace(table, frame=one_chunk_each(columns))


def one_chunk_each(columns: list[pl.Series]) -> pl.DataFrame:
    """A frame of *columns*, each copied into one chunk in turn, which frees its chunks
    (the list is emptied): rechunking a whole frame holds both copies of every column at
    once (a copy of a text column is its 16-byte views: +260 MiB for a 148 MiB file of
    17 short columns, against +16 MiB one column at a time)."""
    out = []
    while columns:
        out.append(columns.pop(0).rechunk())
    return pl.DataFrame(out)


def parse_table(
    name: Path, data: bytes, options: ReadOptions | None = None, path: Path | None = None
) -> Table:
    """A Table of *data*, the bytes of a file (compressed or not) in the format its *path*
    says (default: *name*, which names it in messages)."""
    options = options or ReadOptions()
    data = decompress(name, data)
    kind = format_of(path or name, data)
    if kind in TEXT_FORMATS:
        data = to_utf8(name, data, options.encoding)
    return _reader(kind)(name, data, options)


def format_of(path: Path, data: bytes) -> str:
    """The format of a file: by its suffix (a compression suffix looked past), else by its
    first bytes."""
    by_name = _named_format(path)
    if by_name is not None:
        return by_name
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(_OLE2):
        raise InputError(f"{path}: an old Excel (.xls) or other OLE2 file: save it as .xlsx")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "jsonl"
    return "csv"


def is_input(path: Path) -> bool:
    """Whether a file's name says it is an input the readers know (for folders)."""
    return _named_format(path) is not None


def _named_format(path: Path) -> str | None:
    """The format a file's suffix names (a compression suffix looked past), if any."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSED:
        suffixes.pop()
    return SUFFIXES.get(suffixes[-1]) if suffixes else None


def _reader(kind: str) -> Reader:
    """The reader of a format (imported when first needed)."""
    if kind in ("csv", "tsv"):
        from toolkit.readers.delimited import read_delimited

        default = "\t" if kind == "tsv" else ","
        return lambda path, data, options: read_delimited(path, data, options, default)
    if kind == "jsonl":
        from toolkit.readers.jsonlines import read_jsonlines

        return read_jsonlines
    if kind == "parquet":
        from toolkit.readers.columnar import read_parquet

        return read_parquet
    from toolkit.readers.spreadsheet import read_spreadsheet

    return read_spreadsheet


__all__ = [
    "CELLS",
    "LINE",
    "WIDTH",
    "ReadOptions",
    "Table",
    "format_of",
    "is_input",
    "parse_table",
    "read_table",
    "table_from_frame",
]
