"""The record scan of delimited text: where each record starts and how many cells it has,
vectorised with numpy over the raw bytes (RFC 4180 quoting), with an exact csv-module
fallback for files the fast scan cannot judge; and the check of line ends."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from toolkit.errors import InputError

_LONE_CR = re.compile(rb"\r(?!\n)")
_QUOTE, _LF, _CR = ord('"'), ord("\n"), ord("\r")
Records = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]  # start lines, cell counts


def scan_records(path: Path, data: bytes, delimiter: int) -> Records:
    """Start line and cell count of every data record (0 cells: a blank line); InputError
    names the line of a quoted cell that never closes."""
    return scan_or_fallback(path, data, delimiter)[0]


def scan_or_fallback(path: Path, data: bytes, delimiter: int) -> tuple[Records, bool]:
    """scan_records, and whether it took the exact fallback: a quote stands mid-cell (or is
    unpaired), where only the csv module's reading is the reference."""
    starts, fields = _scan_records(data, delimiter)
    if starts is None or fields is None:
        return _scan_records_slow(path, data, delimiter), True
    return (starts, fields), False


def check_line_ends(path: Path, data: bytes, delimiter: int) -> None:
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
    if quotes.size % 2 or (quotes.size and not _quotes_at_cell_edges(buf, quotes, delimiter)):
        _check_line_ends_exact(
            path, data, delimiter
        )  # quote parity does not tell inside from outside
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


def _check_line_ends_exact(path: Path, data: bytes, delimiter: int) -> None:
    """The csv module, on lines split at LF only, refuses a CR outside quotes that no LF
    follows ("new-line character seen in unquoted field"); name its line."""
    reader = csv.reader(lf_lines(data), delimiter=chr(delimiter))
    complaint = _complaint(reader)
    if complaint is not None and "new-line character" in complaint:
        line = reader.line_num
        raise InputError(f"{path}: line {line}: {_LONE_CR_OUTSIDE}; {_ONLY_LF}")
        # any other complaint is the record scan's to report, with its own line


@contextmanager
def no_field_limit() -> Iterator[None]:
    """Cells of any size (a whole article as a quote) for the csv module, whose default
    limit is 128 KiB; the process-wide limit is restored afterwards."""
    before = csv.field_size_limit(2**31 - 1)
    try:
        yield
    finally:
        csv.field_size_limit(before)


def lf_lines(data: bytes) -> io.StringIO:
    """The text of *data* for the csv module: physical lines end at LF only (a lone CR
    inside quotes is a character of its cell, as polars reads it)."""
    return io.StringIO(data.decode("utf-8", "replace"), newline="\n")


def _scan_records(data: bytes, delimiter: int) -> Records | tuple[None, None]:
    """Start line and field count of every data record, vectorised (RFC 4180 quoting).

    A newline ends a record when an even number of quotes precede it. Delimiters inside
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
    if quotes.size and not _quotes_at_cell_edges(buf, quotes, delimiter):
        return None, None
    # record k spans (ends[k-1], ends[k]]; record 0 is the header
    line_of_end = np.searchsorted(newlines, ends) + 1  # physical line of each record's end
    start_lines = np.concatenate(([1], line_of_end[:-1] + 1))
    commas_before_end, commas_before_quote = _count_before(buf, delimiter, (ends, quotes))
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


def _quotes_at_cell_edges(
    buf: npt.NDArray[np.uint8], quotes: npt.NDArray[np.int64], delimiter: int
) -> bool:
    """True when every opening quote starts a cell and every closing quote ends one."""
    opens, closes = quotes[0::2], quotes[1::2]
    before = buf[np.clip(opens - 1, 0, None)]
    ok_open = (opens == 0) | np.isin(before, (delimiter, _LF, _QUOTE))
    after = buf[np.clip(closes + 1, None, buf.size - 1)]
    at_end = closes == buf.size - 1
    ok_close = at_end | np.isin(after, (delimiter, _LF, _CR, _QUOTE))
    return bool(ok_open.all() and ok_close.all())


def _scan_records_slow(path: Path, data: bytes, delimiter: int) -> Records:
    """Exact fallback with the csv module, for files the vectorised scan cannot judge."""
    reader = csv.reader(lf_lines(data), delimiter=chr(delimiter))
    starts: list[int] = []
    fields: list[int] = []
    line = 1
    try:
        with no_field_limit():
            for row in reader:
                starts.append(line)
                fields.append(0 if row == [] else len(row))
                line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"{path}: line {line}: cannot parse as CSV ({exc})") from None
    if starts:
        _refuse_unclosed_quote(path, data, starts[-1], delimiter)
    return np.asarray(starts[1:], dtype=np.int64), np.asarray(fields[1:], dtype=np.int64)


def _refuse_unclosed_quote(path: Path, data: bytes, line: int, delimiter: int) -> None:
    """InputError when the last record, starting on *line*, ends inside a quoted cell: a
    quote opened there (or after) never closes and took the rest of the file."""
    offset = line_end(data, line - 1)
    strict = csv.reader(lf_lines(data[offset:]), delimiter=chr(delimiter), strict=True)
    complaint = _complaint(strict)
    if complaint is not None and "unexpected end of data" in complaint:
        raise InputError(
            f"{path}: line {line}: a quoted cell starts in this record and never closes "
            "(it takes the rest of the file)"
        )


def _complaint(reader: Any) -> str | None:
    """Read *reader* (a csv reader) to its end; the csv module's complaint, if any (the
    reader's line_num then says where it stopped)."""
    try:
        with no_field_limit():
            for _ in reader:
                pass
    except csv.Error as exc:
        return str(exc)
    return None


def line_end(data: bytes, lines: int) -> int:
    """The offset just past the first *lines* physical lines of *data* (LF-terminated)."""
    end = 0
    for _ in range(lines):
        found = data.find(b"\n", end)
        if found < 0:
            return len(data)
        end = found + 1
    return end
