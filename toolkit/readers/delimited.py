"""Delimited text (CSV, TSV): cells as text, the physical line each record starts on, and
how many cells it has.

Polars parses the bytes (all cells as text); a vectorised scan of the same bytes
(toolkit.readers.scan) finds where each record starts, so every row knows the physical line
it starts on even when a quoted cell spans lines, and counts each record's cells: a record
with too few or too many is kept (padded or cut to the header) and reported by the rule
``row.shape`` rather than silently padded or refused.
"""

from __future__ import annotations

import csv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from toolkit.errors import InputError
from toolkit.readers.scan import (
    check_line_ends,
    lf_lines,
    line_end,
    no_field_limit,
    scan_or_fallback,
)
from toolkit.readers.source import ReadOptions, check_utf8
from toolkit.readers.table import Table, check_header, table_of

_BOM = b"\xef\xbb\xbf"
DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe", ",": "comma"}


def read_delimited(path: Path, data: bytes, options: ReadOptions, default: str = ",") -> Table:
    """Parse *data*, the UTF-8 bytes of a delimited file (*path* names it in messages),
    separated by ``options.delimiter`` or else *default*."""
    delimiter = options.delimiter or default
    if not data or data.isspace():
        raise InputError(f"{path}: file is empty (expected a header row)")
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if b"\x00" in data[:65536]:
        raise InputError(f"{path}: looks like a binary file (NUL bytes), not a UTF-8 CSV")
    separator = ord(delimiter)
    check_line_ends(path, data, separator)
    header, width = _parse_header(path, data, delimiter, options.delimiter is None)
    with ThreadPoolExecutor(max_workers=1) as pool:  # numpy and polars both release the GIL
        scanned = pool.submit(scan_or_fallback, path, data, separator)
        frame: pl.DataFrame | None
        names = [*header, *(f"__nameless{i}" for i in range(len(header), width))]
        try:
            frame = _parse_frame(data, tuple(names), delimiter, options.categories)
        except (pl.exceptions.PolarsError, ValueError):
            check_utf8(path, data)  # say *where* the file is broken when we can
            frame = None
        # an unclosed quote: InputError with its line
        (starts, fields), exact = scanned.result()
    keep = fields != 0  # blank lines are skipped, but they still count as lines
    if frame is not None and not exact and frame.height == keep.size:
        frame = frame.filter(pl.Series(keep))
    else:  # polars refused, or a quote stands mid-cell (where polars may split cells
        # otherwise): the csv module's reading, the scan's own
        frame = _parse_frame_exact(data, tuple(names), delimiter)
        if frame.height != int(keep.sum()):
            raise InputError(f"{path}: could not parse the file consistently (malformed quoting?)")
    frame = frame.select(header)  # nameless trailing columns are not read
    return table_of(path, header, frame, starts[keep], fields[keep], width=width)


def _parse_header(
    path: Path, data: bytes, delimiter: str, guessed: bool
) -> tuple[tuple[str, ...], int]:
    """The header row's names and its width (nameless trailing cells counted). Polars never
    decodes the header (new_columns replaces it), so its bytes are checked for UTF-8 here.
    A header that is one name holding another delimiter, when none was given, is refused
    with the option to use."""
    window = 65536  # the header is read from a window that grows until it holds the row
    while True:
        reader = csv.reader(lf_lines(data[:window]), delimiter=delimiter)
        try:
            first = next(reader, [])
        except csv.Error as exc:
            raise InputError(f"{path}: line 1: cannot parse the header row ({exc})") from None
        end = line_end(data, reader.line_num)
        if end <= window or window >= len(data):
            break
        window *= 4
    check_utf8(path, data[:end])
    if guessed and len(first) == 1:
        _refuse_other_delimiter(path, first[0], delimiter)
    return check_header(f"{path}: line 1", first), len(first)


def _refuse_other_delimiter(path: Path, name: str, delimiter: str) -> None:
    """A header read as one name that holds another delimiter: say which to use."""
    counts = {d: name.count(d) for d in DELIMITERS if d != delimiter}
    other = max(counts, key=lambda d: counts[d])
    if counts[other]:
        shown = "\\t" if other == "\t" else other
        raise InputError(
            f"{path}: line 1: the header is one column holding {counts[other]} "
            f"{DELIMITERS[other]}s ({name[:40]!r}): the file looks {DELIMITERS[other]}-"
            f"separated; try --delimiter '{shown}'"
        )


def _parse_frame(
    data: bytes, header: tuple[str, ...], delimiter: str, categories: tuple[str, ...] = ()
) -> pl.DataFrame:
    """All cells as text (the *categories* columns as polars categories), short records
    padded and long ones cut to the header (the scan counts their cells); raises polars'
    own errors (read_delimited turns them into InputError)."""
    return pl.read_csv(
        data,
        has_header=True,
        new_columns=list(header),
        infer_schema=False,
        schema_overrides={name: pl.Categorical for name in categories if name in header},
        separator=delimiter,
        quote_char='"',
        raise_if_empty=True,
        truncate_ragged_lines=True,
    )


def _parse_frame_exact(data: bytes, header: tuple[str, ...], delimiter: str) -> pl.DataFrame:
    """The records as the csv module reads them (the record scan's own fallback reading),
    padded or cut to the header; blank lines left out."""
    width = len(header)
    reader = csv.reader(lf_lines(data), delimiter=delimiter)
    next(reader, None)  # the header
    with no_field_limit():
        records = [(row + [""] * width)[:width] for row in reader if row]
    frame = pl.DataFrame(records, schema=dict.fromkeys(header, pl.String), orient="row")
    return frame.with_columns(pl.all().replace("", None))  # empty cells as polars reads them
