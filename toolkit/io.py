"""Reading an event-record CSV: encoding, BOM, physical line numbers, unusable input.

The file is read once into memory (never written). Polars parses it (all cells as text);
a vectorised numpy scan of the same bytes finds where each record starts, so every row
knows the physical line it starts on even when a quoted cell spans lines, and rows with
the wrong number of fields are caught with their line instead of being silently padded.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from toolkit.errors import InputError
from toolkit.wording import plural

LINE = "__line"
_BOM = b"\xef\xbb\xbf"
_LONE_CR = re.compile(rb"\r(?!\n)")
_QUOTE, _COMMA, _LF, _CR = ord('"'), ord(","), ord("\n"), ord("\r")


@dataclass(frozen=True, slots=True)
class Table:
    """A parsed input file: text cells plus the physical line each record starts on."""

    path: Path
    header: tuple[str, ...]
    frame: pl.DataFrame  # one Utf8 column per header name, plus LINE (Int64)

    @property
    def rows(self) -> int:
        return self.frame.height


def read_table(path: Path) -> Table:
    """Read *path* as a UTF-8 CSV with a header row. Raises InputError when unusable."""
    return parse_table(path, _read_bytes(path))


def parse_table(path: Path, data: bytes) -> Table:
    """Parse *data*, the bytes of a CSV file (*path* names it in messages)."""
    if not data or data.isspace():
        raise InputError(f"{path}: file is empty (expected a header row)")
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    if b"\x00" in data[:65536]:
        raise InputError(f"{path}: looks like a binary file (NUL bytes), not a UTF-8 CSV")
    _check_line_ends(path, data)
    header = _parse_header(path, data)
    with ThreadPoolExecutor(max_workers=1) as pool:  # numpy and polars both release the GIL
        scanned = pool.submit(_scan_records, data)
        try:
            frame = _parse_frame(data, header)
        except (pl.exceptions.PolarsError, ValueError) as exc:
            # say *where* the file is broken when we can: bad bytes, then a ragged row
            _check_utf8(path, data)
            _check_field_counts(path, header, *_records(path, data, scanned.result()))
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"{path}: cannot parse as CSV ({detail})") from None
        starts, fields = _records(path, data, scanned.result())
    _check_field_counts(path, header, starts, fields)
    keep = fields != 0  # blank lines are skipped, but they still count as lines
    if frame.height != keep.size:
        raise InputError(f"{path}: could not parse the file consistently (malformed quoting?)")
    frame = frame.filter(pl.Series(keep)).with_columns(
        pl.Series(LINE, starts[keep], dtype=pl.Int64)
    )
    return Table(path=path, header=header, frame=frame)


def table_from_frame(frame: Any, name: str = "<frame>") -> Table:
    """A Table from an in-memory pandas or polars frame; every cell becomes text."""
    if not isinstance(frame, pl.DataFrame):
        frame = pl.from_pandas(frame.astype("string"))
    header = tuple(str(c) for c in frame.columns)
    _refuse_reserved(name, header)
    text = frame.select(pl.all().cast(pl.String))
    lines = pl.int_range(2, text.height + 2, dtype=pl.Int64, eager=True).alias(LINE)
    return Table(path=Path(name), header=header, frame=text.with_columns(lines))


def _read_bytes(path: Path) -> bytes:
    try:  # is_dir() too can fail (a folder on the way that we may not enter)
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a CSV file")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def _records(
    path: Path,
    data: bytes,
    scanned: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | tuple[None, None],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    starts, fields = scanned
    if starts is None or fields is None:
        return _scan_records_slow(path, data)
    return starts, fields


def _check_line_ends(path: Path, data: bytes) -> None:
    """Raise InputError for a CR that is not part of CRLF outside a quoted cell.

    Lone-CR (classic Mac) line ends are read as one huge line by polars and as many lines
    by the csv module; rather than guess, name the line of the first one. LF files cost
    one memchr and CRLF files one regex scan; only files with a lone CR reach numpy, and
    only those that also have a quote mid-cell reach the exact csv-module check.
    """
    first = data.find(b"\r")
    if first < 0 or _LONE_CR.search(data, first) is None:
        return
    buf = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(buf == _QUOTE)
    if quotes.size % 2 or (quotes.size and not _quotes_at_cell_edges(buf, quotes)):
        _check_line_ends_exact(path, data)  # quote parity does not tell inside from outside
        return
    crs = np.flatnonzero(buf == _CR)
    nxt = buf[np.minimum(crs + 1, buf.size - 1)]
    lone = crs[(nxt != _LF) | (crs == buf.size - 1)]
    outside = lone[np.searchsorted(quotes, lone) % 2 == 0]  # an even number of quotes before
    if outside.size:
        at = int(outside[0])
        line = data.count(b"\n", 0, at) + 1
        raise InputError(f"{path}: line {line}: {_LONE_CR_OUTSIDE} at byte {at}; {_ONLY_LF}")


_LONE_CR_OUTSIDE = "a lone CR (\\r) outside quotes"
_ONLY_LF = "only LF or CRLF line ends are supported"


def _check_line_ends_exact(path: Path, data: bytes) -> None:
    """The csv module, on lines split at LF only, refuses a CR outside quotes that no LF
    follows ("new-line character seen in unquoted field"); name its line."""
    reader = csv.reader(_lf_lines(data))
    try:
        with _no_field_limit():
            for _ in reader:
                pass
    except csv.Error as exc:
        if "new-line character" in str(exc):
            line = reader.line_num
            raise InputError(f"{path}: line {line}: {_LONE_CR_OUTSIDE}; {_ONLY_LF}") from None
        # any other complaint is the record scan's to report, with its own line


@contextmanager
def _no_field_limit() -> Iterator[None]:
    """Cells of any size (a whole article as a quote) for the csv module, whose default
    limit is 128 KiB; the process-wide limit is restored afterwards."""
    before = csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def _lf_lines(data: bytes) -> io.StringIO:
    """The text of *data* for the csv module: physical lines end at LF only (a lone CR
    inside quotes is a character of its cell, as polars reads it)."""
    return io.StringIO(data.decode("utf-8", "replace"), newline="\n")


def _check_utf8(path: Path, data: bytes) -> None:
    """Raise InputError naming the line of the first byte that is not UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{path}: line {line}: bytes that are not UTF-8 at byte {exc.start}"
        ) from None


def _parse_header(path: Path, data: bytes) -> tuple[str, ...]:
    """The header row's names. Polars never decodes the header (new_columns replaces it),
    so its bytes are checked for UTF-8 here."""
    window = 65536  # the header is read from a window that grows until it holds the row
    while True:
        reader = csv.reader(_lf_lines(data[:window]))
        try:
            first = next(reader, [])
        except csv.Error as exc:
            raise InputError(f"{path}: line 1: cannot parse the header row ({exc})") from None
        end = _line_end(data, reader.line_num)
        if end <= window or window >= len(data):
            break
        window *= 4
    _check_utf8(path, data[:end])
    header = tuple(name.strip() for name in first)
    if not header or all(not name for name in header):
        raise InputError(f"{path}: line 1: the header row is empty")
    if "" in header:
        raise InputError(f"{path}: line 1: column {header.index('') + 1} has no name")
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise InputError(f"{path}: line 1: column {name!r} appears twice")
        seen.add(name)
    _refuse_reserved(f"{path}: line 1", header)
    return header


def _refuse_reserved(where: str, header: tuple[str, ...]) -> None:
    """Names starting with __ are the toolkit's own columns (LINE, typed companions, ...)."""
    for name in header:
        if name.startswith("__"):
            raise InputError(
                f"{where}: column {name!r} starts with '__', which is reserved for the "
                "toolkit's own columns; rename it"
            )


def _line_end(data: bytes, lines: int) -> int:
    """The offset just past the first *lines* physical lines of *data* (LF-terminated)."""
    end = 0
    for _ in range(lines):
        found = data.find(b"\n", end)
        if found < 0:
            return len(data)
        end = found + 1
    return end


def _scan_records(
    data: bytes,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | tuple[None, None]:
    """Start line and field count of every data record, vectorised (RFC 4180 quoting).

    A newline ends a record when an even number of quotes precede it. Commas inside
    quoted spans (between quote 2k and quote 2k+1) are not separators; an escaped ""
    inside a quoted cell leaves an empty span, so the pairing stays exact. Returns
    (None, None) when a quote appears mid-cell, where this shortcut is not exact.
    The bytes are compared block by block (see _CHUNK), so temporaries stay small.
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    quotes, newlines = _positions(buf, (_QUOTE, _LF))
    if quotes.size % 2:
        return None, None
    in_quotes = np.searchsorted(quotes, newlines) % 2 == 1
    ends = newlines[~in_quotes]
    if ends.size == 0 or ends[-1] != buf.size - 1:
        ends = np.append(ends, buf.size)  # last record without a trailing newline
    if quotes.size and not _quotes_at_cell_edges(buf, quotes):
        return None, None
    # record k spans (ends[k-1], ends[k]]; record 0 is the header
    line_of_end = np.searchsorted(newlines, ends) + 1  # physical line of each record's end
    start_lines = np.concatenate(([1], line_of_end[:-1] + 1))
    commas_before_end, commas_before_quote = _count_before(buf, _COMMA, (ends, quotes))
    per_record = np.diff(commas_before_end, prepend=0)
    if quotes.size:
        inside = commas_before_quote[1::2] - commas_before_quote[0::2]
        owner = np.searchsorted(ends, quotes[0::2])
        per_record -= np.bincount(owner, weights=inside, minlength=ends.size).astype(np.int64)
    lengths = np.diff(ends, prepend=-1) - 1  # bytes before the terminating newline
    empty = lengths - _ends_with_cr(buf, ends) <= 0
    fields = np.where(empty, 0, per_record + 1)
    return start_lines[1:].astype(np.int64), fields[1:].astype(np.int64)


_CHUNK = 1 << 24  # bytes compared at a time: big enough to amortise, small enough to stay hot


def _blocks(buf: npt.NDArray[np.uint8], value: int) -> Iterator[tuple[int, npt.NDArray[np.int64]]]:
    """(block start, positions of *value* in the block) for consecutive blocks of *buf*."""
    mask = np.empty(min(_CHUNK, buf.size), dtype=bool)
    for start in range(0, buf.size, _CHUNK):
        block = buf[start : start + _CHUNK]
        np.equal(block, value, out=mask[: block.size])
        yield start, np.flatnonzero(mask[: block.size]) + start


def _positions(buf: npt.NDArray[np.uint8], values: tuple[int, ...]) -> list[npt.NDArray[np.int64]]:
    """Sorted positions of each byte value in *buf*."""
    found = []
    for value in values:
        parts = [hits for _, hits in _blocks(buf, value)]
        found.append(np.concatenate(parts) if parts else np.empty(0, dtype=np.int64))
    return found


def _count_before(
    buf: npt.NDArray[np.uint8], value: int, points: tuple[npt.NDArray[np.int64], ...]
) -> list[npt.NDArray[np.int64]]:
    """For each sorted array of positions: how many bytes equal to *value* lie before each.

    One pass over the blocks; the positions of *value* are never all held at once.
    """
    counts = [np.zeros(p.size, dtype=np.int64) for p in points]
    total = 0
    for start, hits in _blocks(buf, value):
        stop = start + _CHUNK
        for out, where in zip(counts, points, strict=True):
            lo, hi = np.searchsorted(where, (start, stop))
            out[lo:hi] = total + np.searchsorted(hits, where[lo:hi])
        total += hits.size
    for out, where in zip(counts, points, strict=True):
        out[np.searchsorted(where, buf.size) :] = total  # positions at or past the end
    return counts


def _ends_with_cr(buf: npt.NDArray[np.uint8], ends: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    before = np.clip(ends - 1, 0, max(buf.size - 1, 0))
    flags: npt.NDArray[np.int64] = (buf[before] == ord("\r")).astype(np.int64)
    return flags


def _quotes_at_cell_edges(buf: npt.NDArray[np.uint8], quotes: npt.NDArray[np.int64]) -> bool:
    """True when every opening quote starts a cell and every closing quote ends one."""
    opens, closes = quotes[0::2], quotes[1::2]
    before = buf[np.clip(opens - 1, 0, None)]
    ok_open = (opens == 0) | np.isin(before, (_COMMA, _LF, _QUOTE))
    after = buf[np.clip(closes + 1, None, buf.size - 1)]
    at_end = closes == buf.size - 1
    ok_close = at_end | np.isin(after, (_COMMA, _LF, ord("\r"), _QUOTE))
    return bool(ok_open.all() and ok_close.all())


def _scan_records_slow(
    path: Path, data: bytes
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Exact fallback with the csv module, for files the vectorised scan cannot judge."""
    reader = csv.reader(_lf_lines(data))
    starts: list[int] = []
    fields: list[int] = []
    line = 1
    try:
        with _no_field_limit():
            for row in reader:
                starts.append(line)
                fields.append(0 if row == [] else len(row))
                line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{path}: line {line}: cannot parse as CSV ({exc})") from None
    return np.asarray(starts[1:], dtype=np.int64), np.asarray(fields[1:], dtype=np.int64)


def _check_field_counts(
    path: Path,
    header: tuple[str, ...],
    starts: npt.NDArray[np.int64],
    fields: npt.NDArray[np.int64],
) -> None:
    bad = np.flatnonzero((fields != 0) & (fields != len(header)))
    if bad.size:
        first = int(bad[0])
        more = f" (and {plural(bad.size - 1, 'more row')})" if bad.size > 1 else ""
        raise InputError(
            f"{path}: line {int(starts[first])}: {int(fields[first])} fields, "
            f"the header has {len(header)}{more}"
        )


def _parse_frame(data: bytes, header: tuple[str, ...]) -> pl.DataFrame:
    """All cells as text; raises polars' own errors (read_table turns them into InputError)."""
    return pl.read_csv(
        data,
        has_header=True,
        new_columns=list(header),
        infer_schema=False,
        quote_char='"',
        raise_if_empty=True,
    )
