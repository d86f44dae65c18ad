"""toolkit.readers at its edges (found by mutation testing): in-memory frames and their names.

Expected lines, names and messages follow from the documented contract (README: in memory,
lines count as if the frame were written to CSV, the header being line 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest

import toolkit.readers.scan as scan
from tests.conftest import rows
from toolkit.checker import validate_frame
from toolkit.config import default_settings
from toolkit.errors import InputError
from toolkit.readers import CELLS, LINE, parse_table, read_table, table_from_frame


def test_frame_cells_become_text_and_lines_start_at_2() -> None:
    table = table_from_frame(pd.DataFrame({"a": [1, 2, 3], "b": ["x", None, "z"]}))
    assert table.header == ("a", "b")
    assert str(table.path) == "<frame>"
    assert table.frame.dtypes == [pl.String, pl.String, pl.Int64, pl.Int32]
    assert table.frame.rows() == [("1", "x", 2, 2), ("2", None, 3, 2), ("3", "z", 4, 2)]


def test_empty_frame_has_no_lines() -> None:
    table = table_from_frame(pl.DataFrame({"a": []}, schema={"a": pl.String}), "empty")
    assert table.rows == 0 and table.frame[LINE].to_list() == []


@pytest.mark.parametrize(("name", "where"), [(None, "<frame>"), ("events", "events")])
def test_reserved_column_in_a_frame_names_the_frame(name: str | None, where: str) -> None:
    frame = pl.DataFrame({"record_id": ["r1"], "__row": ["1"]})
    with pytest.raises(InputError) as info:
        table_from_frame(frame) if name is None else table_from_frame(frame, name)
    assert str(info.value) == (
        f"{where}: column '__row' starts with '__', which is reserved for the toolkit's own "
        "columns; rename it"
    )


def test_report_of_a_frame_carries_its_name() -> None:
    frame = pl.DataFrame(rows({"count": "1,037"}))
    settings = default_settings()
    assert validate_frame(frame, settings).file == "<frame>"
    report = validate_frame(frame, settings, name="extractions")
    assert report.file == "extractions"
    assert report.flatten(("line", "rule", "column")) == [(2, "value.type", "count")]


# ---------------------------------------------------------------- unusable files, said exactly
def read_error(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_table(path)
    return str(info.value)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # a quote inside an unquoted cell is a character (RFC 4180 readers agree): the row
        # holds four cells, 1 | x"y | z" | 3
        (b'a,b,c\n1,x"y,z",3\n', [(2, 4)]),
        (b'a,b,c\n1,x"y\n2,z",3\n', [(2, 2), (3, 3)]),
        (b'x\n"a"b"c,d"\n', [(2, 2)]),
        # a quote mid-name in the header is a character too: one name, ended by its LF
        (b'a"b\nc",d\n1,2\n', [(2, 2), (3, 2)]),
    ],
)  # fmt: skip
def test_ragged_records_keep_their_line_and_cell_count(
    tmp_path: Path, data: bytes, expected: list[tuple[int, int]]
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    assert read_table(path).frame.select(LINE, CELLS).rows() == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # a quote opened and never closed takes the rest of the file
        (b'a,"b\nc",d\n"x\n', "line 3: a quoted cell starts in this record and never closes "
         "(it takes the rest of the file)"),
        # lone CRs: before CRLF line ends, as the first byte, after a blank first line
        (b"a,b\r\n1,2\r3,4\r\n", "line 2: a lone CR (\\r) outside quotes at byte 8; "
         "only LF or CRLF line ends are supported"),
        (b"\ra,b\n1,2\n", "line 1: a lone CR (\\r) outside quotes at byte 0; "
         "only LF or CRLF line ends are supported"),
        (b"\na,b\r1,2\n", "line 2: a lone CR (\\r) outside quotes at byte 4; "
         "only LF or CRLF line ends are supported"),
        # the header's second physical line (inside a quoted name) is header too
        (b'"a\n\xffb",c\n1,2\n', "line 2: bytes that are not UTF-8 at byte 3"),
    ],
)  # fmt: skip
def test_unusable_file_names_line_and_cause(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "data.csv"
    assert read_error(path, data).startswith(f"{path}: {message}")


def test_a_file_polars_refuses_is_read_as_the_csv_module_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b'a,b\n1,x"y\n"p\rq",2\n3,4\n')  # polars: "CSV malformed"
    table = read_table(path)
    assert table.frame.select("a", "b", LINE, CELLS).rows() == [
        ("1", 'x"y', 2, 2),
        ("p\rq", "2", 3, 2),
        ("3", "4", 4, 2),
    ]


def test_name_too_long_is_a_read_error_with_the_systems_words(tmp_path: Path) -> None:
    path = tmp_path / ("x" * 300 + ".csv")
    with pytest.raises(InputError) as info:
        read_table(path)
    assert str(info.value) == f"{path}: cannot read (File name too long)"


def test_header_names_are_stripped_in_the_frame_too(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b" a , b \n1,2\n")
    table = read_table(path)
    assert table.header == ("a", "b")
    assert table.frame.select("a", "b", LINE).rows() == [("1", "2", 2)]


def test_binary_sniff_reads_the_first_64_kib_only(tmp_path: Path) -> None:
    # a NUL at byte 65,536 is past the sniff: a character of its cell, not a binary file
    path = tmp_path / "data.csv"
    data = b"a,b\n1," + b"x" * (65536 - 6) + b"\x00y\n"
    assert data.index(b"\x00") == 65536
    path.write_bytes(data)
    assert read_table(path).frame["b"][0] == "x" * (65536 - 6) + "\x00y"
    path.write_bytes(data[:65535] + b"\x00" + data[65535:])
    assert read_error(path, path.read_bytes()) == (
        f"{path}: looks like a binary file (NUL bytes), not a UTF-8 CSV"
    )


def test_mid_cell_quote_then_a_lone_quote_never_closing(tmp_path: Path) -> None:
    # line 3 'b "' is one cell with a quote in it; line 4 opens a quote that never closes
    path = tmp_path / "data.csv"
    message = read_error(path, b'a,"b\nc",d\nb "\r\n"\n')
    assert message == (
        f"{path}: line 4: a quoted cell starts in this record and never closes "
        "(it takes the rest of the file)"
    )


# ---------------------------------------------------------------- which reader reads a file
# The promise of toolkit/readers/scan.py: the vectorised scan reads every file whose quotes stand
# at cell edges; only a file with a quote mid-cell goes to the csv-module fallback, and only a
# file with a lone CR reaches the line-end scan. The slow paths give the same answers, so these
# tests watch the path itself: the fallback must not be called.
def refuse(*args: object) -> None:
    raise AssertionError("the exact fallback was used for a file that does not need it")


@pytest.mark.parametrize(
    ("data", "cells"),
    [
        (b'"a",b\n1,2\n', [("1", "2", 2)]),  # a quote as the very first byte
        (b'a,b\n"x,y","p"\n2,3\n', [("x,y", "p", 2), ("2", "3", 3)]),  # four quotes
        (b'a,b\r\n"1",2\r\n', [("1", "2", 2)]),
    ],
)
def test_quotes_at_cell_edges_are_read_by_the_vectorised_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, cells: list[tuple[Any, ...]]
) -> None:
    monkeypatch.setattr(scan, "_scan_records_slow", refuse)
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    table = read_table(path)
    assert table.frame.select(*table.header, LINE).rows() == cells


def test_crlf_file_without_a_lone_cr_skips_the_line_end_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # mid-cell quotes send the record scan to its fallback, but every CR here ends a line
    monkeypatch.setattr(scan, "_check_line_ends_exact", refuse)
    path = tmp_path / "data.csv"
    path.write_bytes(b'a,b\r\n1,x"y"z\r\n2,3\r\n')
    table = read_table(path)
    assert table.frame.select("a", "b", LINE).rows() == [("1", 'x"y"z', 2), ("2", "3", 3)]


def test_a_blank_first_line_is_an_empty_header_whatever_follows(tmp_path: Path) -> None:
    # the header is line 1 alone: the bad byte on line 2 is not judged before it
    path = tmp_path / "data.csv"
    assert read_error(path, b"\n\xff,b\n1,2\n") == f"{path}: line 1: the header row is empty"


# ---------------------------------------------------------------- the scan's helpers, as typed
# The record scan's helpers promise int64 arrays (their annotations), also when there is
# nothing to find; a float array would still index and compare, but not as its type says.
INT64 = np.dtype(np.int64)


def test_positions_of_nothing_are_empty_int64_arrays() -> None:
    quotes, newlines = scan._positions(np.empty(0, dtype=np.uint8), (ord('"'), ord("\n")))
    assert (quotes.dtype, quotes.size, newlines.dtype, newlines.size) == (INT64, 0, INT64, 0)


def test_count_before_counts_the_bytes_before_each_position() -> None:
    buf = np.frombuffer(b'a,b\n"c,d",e\n', dtype=np.uint8)
    # commas at 1, 6 and 9: before the two newlines (3, 11) and past the end (12); before
    # the two quotes (4, 8)
    points = (np.array([3, 11, 12]), np.array([4, 8]))
    ends, quotes = scan._count_before(buf, ord(","), points)
    assert (ends.tolist(), quotes.tolist()) == ([1, 3, 3], [1, 2])
    assert ends.dtype == quotes.dtype == INT64


def test_ends_with_cr_flags_crlf_ends_as_int64() -> None:
    flags = scan._ends_with_cr(np.frombuffer(b"a\r\nb\n", dtype=np.uint8), np.array([2, 4]))
    assert (flags.tolist(), flags.dtype) == ([1, 0], INT64)


@pytest.mark.parametrize("data", [b"a,b\n", b'a"b,c\n'])  # the vectorised scan, the fallback
def test_a_header_alone_scans_to_empty_int64_arrays(data: bytes) -> None:
    starts, fields = scan.scan_records(Path("t.csv"), data, ord(","))
    assert (starts.size, fields.size, starts.dtype, fields.dtype) == (0, 0, INT64, INT64)


def test_records_scan_as_int64_line_numbers_and_field_counts() -> None:
    starts, fields = scan._scan_records(b"a,b\n1,2\n\n3,4\n", ord(","))
    assert starts is not None and fields is not None  # the vectorised scan answered
    assert (starts.tolist(), fields.tolist()) == ([2, 3, 4], [2, 0, 2])  # a blank line: 0
    assert starts.dtype == fields.dtype == INT64


def test_a_header_row_longer_than_64_kib_is_read_whole(tmp_path: Path) -> None:
    # found by mutation testing: the header was parsed from the first 64 KiB only
    wide = "a" * 65540
    path = tmp_path / "wide.csv"
    path.write_bytes(f"{wide},b\n1,2\n".encode())
    table = parse_table(path, path.read_bytes())
    assert table.header == (wide, "b")
    assert table.frame["b"].to_list() == ["2"]
