"""toolkit.io.read_table: encodings, physical line numbers, quoting, unusable input."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import toolkit.readers.scan as scan
from tests.conftest import COLUMNS, REAL, ROOT, csv_text, rows, unprivileged
from toolkit.errors import InputError
from toolkit.readers import CELLS, LINE, ReadOptions, Table, parse_table, read_table

Writer = Callable[..., Path]


def write_bytes(tmp_path: Path, data: bytes | str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def cells(table: Table) -> list[tuple[object, ...]]:
    """Every row as a tuple of its cells (header order) followed by its line."""
    return table.frame.select(*table.header, LINE).rows()


def lines(table: Table) -> list[int]:
    return table.frame[LINE].to_list()


def read_error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        read_table(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message


# ------------------------------------------------------------------ the shipped fixtures


def test_events_fixture_lines_follow_crlf_records() -> None:
    table = read_table(REAL / "events.csv")
    assert table.header == COLUMNS
    assert table.rows == 12
    assert lines(table) == list(range(2, 14))
    assert table.frame["record_id"][0] == "eh-1037-total"
    # the quote cell keeps its commas and curly quotes; the CR of CRLF is not part of it
    quote = table.frame["quote"][0]
    assert quote.startswith("“In the course of armed clashes with the Taliban, 1,037 servicemen")
    assert quote.endswith("National Security of Tajikistan said.")


def test_extraction_errors_fixture_reads_40_rows() -> None:
    table = read_table(REAL / "extraction_errors.csv")
    assert table.rows == 40
    assert lines(table) == list(range(2, 42))
    record_ids = table.frame["record_id"].to_list()
    assert record_ids.count("err-dup-1037") == 2


def test_cells_are_text_never_inferred() -> None:
    table = read_table(REAL / "events.csv")
    assert all(dtype == pl.String for dtype in table.frame.select(table.header).dtypes)
    assert table.frame["count"][0] == "1037"
    assert table.frame["source_url"][0] is None or table.frame["source_url"][0] == ""


# ------------------------------------------------------------------ physical line numbers


def test_a_read_table_is_one_chunk_per_column_with_every_cell(tmp_path: Path) -> None:
    """polars parses a large file in chunks; read_table hands prepare() one chunk per
    column (copied a column at a time), every cell where it was."""
    path = tmp_path / "events.csv"
    many = [{"record_id": f"r{i}", "event_id": f"e{i}", "count": str(i)} for i in range(60_000)]
    path.write_text(csv_text(rows(*many)), encoding="utf-8")
    parsed = parse_table(path, path.read_bytes())
    assert max(parsed.frame.n_chunks("all")) > 1  # else this test proves nothing
    table = read_table(path)
    assert table.frame.n_chunks("all") == [1] * table.frame.width
    assert table.frame.equals(parsed.frame)
    assert table.frame.get_column("record_id")[[0, 59_999]].to_list() == ["r0", "r59999"]


def test_one_chunk_each_takes_the_columns_it_is_given() -> None:
    from toolkit.readers import one_chunk_each

    columns = pl.concat([pl.DataFrame({"a": ["x"], "b": [1]})] * 3, rechunk=False).get_columns()
    frame = one_chunk_each(columns)
    assert columns == []  # their chunks are no longer held by the list
    assert frame.n_chunks("all") == [1, 1]
    assert frame.to_dict(as_series=False) == {"a": ["x", "x", "x"], "b": [1, 1, 1]}


def test_lines_without_trailing_newline(tmp_path: Path) -> None:
    table = read_table(write_bytes(tmp_path, "a,b\n1,2\n3,4"))
    assert cells(table) == [("1", "2", 2), ("3", "4", 3)]


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    table = read_table(write_bytes(tmp_path, "a,b\n\n1,2\n\n\n3,4\n\n"))
    assert cells(table) == [("1", "2", 3), ("3", "4", 6)]


def test_blank_lines_counted_in_crlf_file(tmp_path: Path) -> None:
    table = read_table(write_bytes(tmp_path, "a,b\r\n\r\n1,2\r\n\r\n3,4\r\n"))
    assert cells(table) == [("1", "2", 3), ("3", "4", 5)]


def test_quoted_cell_spanning_lines(tmp_path: Path) -> None:
    data = 'a,b\n"x\ny",2\n3,"p\n\nq"\n5,6\n'
    table = read_table(write_bytes(tmp_path, data))
    assert cells(table) == [("x\ny", "2", 2), ("3", "p\n\nq", 4), ("5", "6", 7)]


def test_quoted_cell_spanning_crlf_lines_keeps_its_line_ends(tmp_path: Path) -> None:
    table = read_table(write_bytes(tmp_path, 'a,b\r\n"x\r\ny",2\r\n3,4\r\n'))
    assert cells(table) == [("x\r\ny", "2", 2), ("3", "4", 4)]


def test_quoted_cells_with_commas_and_doubled_quotes(tmp_path: Path) -> None:
    data = 'a,b\n"he said ""hi, there""",2\n",",""""\n'
    table = read_table(write_bytes(tmp_path, data))
    assert cells(table) == [('he said "hi, there"', "2", 2), (",", '"', 3)]


def test_lines_with_multiline_quotes_and_blank_lines_together(write_csv: Writer) -> None:
    text = csv_text(rows({"quote": 'He said "1,037,\nat least"\n\nthen left'}, {}, {}))
    path = write_csv([])
    path.write_text(text.replace("\nr2,", "\n\n\nr2,"), encoding="utf-8")
    table = read_table(path)
    assert table.frame["record_id"].to_list() == ["r1", "r2", "r3"]
    assert lines(table) == [2, 8, 9]
    assert table.frame["quote"][0] == 'He said "1,037,\nat least"\n\nthen left'


# ------------------------------------------------------------------ BOM, header, columns


def test_utf8_bom_is_dropped_from_the_first_column(tmp_path: Path) -> None:
    table = read_table(write_bytes(tmp_path, b"\xef\xbb\xbfa,b\n1,2\n"))
    assert table.header == ("a", "b")
    assert cells(table) == [("1", "2", 2)]


def test_header_only_file_has_zero_rows(tmp_path: Path) -> None:
    for i, data in enumerate((",".join(COLUMNS), ",".join(COLUMNS) + "\r\n")):
        table = read_table(write_bytes(tmp_path, data, f"h{i}.csv"))
        assert table.header == COLUMNS
        assert table.rows == 0


def test_header_names_are_stripped(tmp_path: Path) -> None:
    table = read_table(write_bytes(tmp_path, " a , b \n1,2\n"))
    assert table.header == ("a", "b")


def test_unknown_columns_are_kept(tmp_path: Path) -> None:
    table = read_table(write_bytes(tmp_path, "zz,record_id\nx,r1\n"))
    assert table.header == ("zz", "record_id")
    assert cells(table) == [("x", "r1", 2)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("a,a\n1,2\n", "line 1: column 'a' appears twice"),
        ("a, a\n1,2\n", "line 1: column 'a' appears twice"),
        ("a,,b\n1,2,3\n", "line 1: column 2 has no name"),
        (",,\n1,2,3\n", "line 1: the header row is empty"),
        (b"\xef\xbb\xbf", "line 1: the header row is empty"),
        (
            "a,__row\n1,2\n",
            "line 1: column '__row' starts with '__', which is reserved for the toolkit's own "
            "columns; rename it",
        ),
    ],
)
def test_bad_header(tmp_path: Path, data: str | bytes, message: str) -> None:
    path = write_bytes(tmp_path, data)
    assert read_error(path) == f"{path}: {message}"


# ------------------------------------------------------------------ unusable files


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    assert read_error(path) == f"{path}: no such file"


def test_directory(tmp_path: Path) -> None:
    assert read_error(tmp_path) == f"{tmp_path}: is a directory, not a file"


@pytest.mark.parametrize("data", [b"", b"\n", b"  \r\n\n"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    path = write_bytes(tmp_path, data)
    assert read_error(path) == f"{path}: file is empty (expected a header row)"


def read_error_unprivileged(path: Path) -> str:
    """read_table's InputError message in a real process that file permissions bind."""
    code = (
        "import sys\nfrom pathlib import Path\nfrom toolkit.errors import InputError\n"
        "from toolkit.readers import read_table\n"
        "try:\n    read_table(Path(sys.argv[1]))\nexcept InputError as exc:\n    print(exc)\n"
    )
    command = unprivileged([sys.executable, "-c", code, str(path)])
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout.rstrip("\n")


@pytest.mark.parametrize("locked", ["the file", "its folder"])
def test_unreadable_file(tmp_path: Path, locked: str) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = write_bytes(folder, "a\n1\n")
    closed = path if locked == "the file" else folder
    closed.chmod(0)
    try:
        assert read_error_unprivileged(path) == f"{path}: cannot read (Permission denied)"
    finally:
        closed.chmod(0o700)


def test_binary_file(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, bytes(range(256)) * 8)
    assert read_error(path) == f"{path}: looks like a binary file (NUL bytes), not a UTF-8 CSV"


def test_undecodable_bytes_name_the_line(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"a,b\n1,2\n\xff,4\n")
    assert read_error(path).startswith(f"{path}: line 3: bytes that are not UTF-8 at byte 8")


def test_latin1_file_names_the_first_bad_line(tmp_path: Path) -> None:
    text = csv_text(rows({}, {"source": "Spütnik"}))
    path = write_bytes(tmp_path, text.encode("latin-1"))
    assert read_error(path).startswith(f"{path}: line 3: bytes that are not UTF-8 at byte ")


def test_undecodable_bytes_inside_a_multiline_cell(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b'a,b\n"x\n\xfey",2\n')
    assert read_error(path).startswith(f"{path}: line 3: bytes that are not UTF-8 at byte 7")


def test_undecodable_bytes_in_the_header(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"a,b\xe9\n1,2\n")
    assert read_error(path).startswith(f"{path}: line 1: bytes that are not UTF-8 at byte 3")


def test_a_cp1252_file_is_named_with_the_option_to_read_it(tmp_path: Path) -> None:
    text = csv_text(rows({}, {"source": "Agence France-Presse \u2013 Kérouane, Côte d’Ivoire"}))
    path = write_bytes(tmp_path, text.encode("cp1252"))
    message = read_error(path)
    assert message.startswith(f"{path}: line 3: bytes that are not UTF-8 at byte ")
    assert message.endswith("; they look like cp1252: try --encoding cp1252")
    table = read_table(path, ReadOptions(encoding="cp1252"))
    assert table.frame["source"][1] == "Agence France-Presse \u2013 Kérouane, Côte d’Ivoire"


def test_too_few_cells_keep_the_row_with_its_line_and_count(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "a,b,c\n1,2,3\n\n4,5\n6,7\n")
    table = read_table(path)
    assert table.frame.select("a", "b", "c", LINE, CELLS).rows() == [
        ("1", "2", "3", 2, 3),
        ("4", "5", None, 4, 2),
        ("6", "7", None, 5, 2),
    ]


def test_too_few_cells_after_a_multiline_cell(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, 'a,b,c\n1,"two\nlines",3\n4,5\n')
    assert read_table(path).frame.select(LINE, CELLS).rows() == [(2, 3), (4, 2)]


def test_too_many_cells_are_cut_to_the_header(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "a,b\n1,2\n3,4,5\n6,7\n")
    table = read_table(path)
    assert table.frame.select("a", "b", LINE, CELLS).rows() == [
        ("1", "2", 2, 2),
        ("3", "4", 3, 3),
        ("6", "7", 4, 2),
    ]


def test_unterminated_quote_is_unusable_and_names_its_line(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, 'a,b\n1,"2\n3,4\n')
    assert read_error(path) == (
        f"{path}: line 2: a quoted cell starts in this record and never closes "
        "(it takes the rest of the file)"
    )


def test_cr_only_line_ends_are_input_errors(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "a,b\r1,2\r3,4\r")
    assert read_error(path) == (
        f"{path}: line 1: a lone CR (\\r) outside quotes at byte 3; "
        "only LF or CRLF line ends are supported"
    )


def test_lone_cr_after_lf_lines_names_its_line(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, 'a,b\n"x\ry",2\n3,4\r5,6\n')
    assert read_error(path) == (
        f"{path}: line 3: a lone CR (\\r) outside quotes at byte 15; "
        "only LF or CRLF line ends are supported"
    )


# ------------------------------------------------------------------ never written


def test_reading_does_not_modify_the_file(tmp_path: Path) -> None:
    data = (REAL / "extraction_errors.csv").read_bytes()
    path = write_bytes(tmp_path, b"\xef\xbb\xbf" + data)
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = path.stat()
    read_table(path)
    after = path.stat()
    assert path.read_bytes() == b"\xef\xbb\xbf" + data
    assert (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


# ---------------------------------------------------------------- record boundaries (property)
# Raw CSV text, not csv.writer output: quotes in the middle of unquoted cells, quoted cells
# with commas, doubled quotes, LF, CRLF and lone CRs, ragged rows, blank lines, both line
# ends. The answer key is Python's csv module reading lines split at LF only (a physical
# line is an LF-terminated line; a lone CR inside quotes is a character of the cell).
_plain = st.lists(st.sampled_from(["a", "b", " ", "\t", "\u00e9", "1"]), min_size=1, max_size=3)
_unquoted = st.one_of(
    st.lists(st.sampled_from(["a", "b", " ", "\u00e9", "\t"]), max_size=4).map("".join),
    st.tuples(_plain, st.lists(st.sampled_from(["a", '"', "x", '""']), min_size=1, max_size=3)).map(
        lambda parts: "".join(parts[0]) + '"' + "".join(parts[1])
    ),  # a quote mid-cell
)
_quoted = st.lists(
    st.sampled_from(["a", " ", ",", '""', "\n", "\r\n", "\r", "\u00e9"]), max_size=6
).map(lambda tokens: '"' + "".join(tokens) + '"')
_records = st.lists(st.lists(st.one_of(_unquoted, _quoted), min_size=1, max_size=5), max_size=8)


def csv_module_records(text: str) -> list[tuple[int, list[str]]]:
    """(physical start line, cells) of every record after the header, by the csv module."""
    reader = csv.reader(io.StringIO(text, newline="\n"))
    out, line = [], 1
    for row in reader:
        out.append((line, row))
        line = reader.line_num + 1
    return out[1:]


@given(
    records=_records,
    line_end=st.sampled_from(["\n", "\r\n"]),
    blank_after=st.sets(st.integers(0, 8)),
    final_newline=st.booleans(),
    chunk=st.sampled_from([1, 3, 64, 1 << 24]),
)
def test_record_boundaries_agree_with_the_csv_module(
    records: list[list[str]],
    line_end: str,
    blank_after: set[int],
    final_newline: bool,
    chunk: int,
) -> None:
    """Start line and field count of every record (vectorised scan, or its exact fallback
    when a quote stands mid-cell), and then read_table: it returns exactly the csv module's
    cells (padded or cut to the header), lines and cell counts."""
    lines = ["h1,h2,h3"]
    for number, cells in enumerate(records):
        lines.append(",".join(cells))
        if number in blank_after:
            lines.append("")
    text = line_end.join(lines) + (line_end if final_newline else "")
    data = text.encode("utf-8")
    expected = csv_module_records(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scan, "_CHUNK", chunk)
        starts, fields = scan.scan_records(Path("t.csv"), data, ord(","))
    assert starts.tolist() == [line for line, _ in expected]
    assert fields.tolist() == [len(row) for _, row in expected]

    table = parse_table(Path("t.csv"), data)
    kept = [(line, row) for line, row in expected if row]
    assert table.frame[LINE].to_list() == [line for line, _ in kept]
    assert table.frame[CELLS].to_list() == [len(row) for _, row in kept]
    # an empty cell: polars reads "" as '' and nothing as null; the csv module, '' for both
    got = [tuple(cell or None for cell in row) for row in table.frame.select(table.header).rows()]
    assert got == [tuple(cell or None for cell in (row + [""] * 3)[:3]) for _, row in kept]


def test_lone_cr_outside_quotes_beside_a_mid_cell_quote(tmp_path: Path) -> None:
    """Quote parity cannot tell inside from outside here; the exact check names the line."""
    path = write_bytes(tmp_path, 'a,b\n1,x"y\n"p\rq",4\r5,6\n')
    assert read_error(path) == (
        f"{path}: line 3: a lone CR (\\r) outside quotes; only LF or CRLF line ends are supported"
    )


def test_a_big_cell_beside_a_mid_cell_quote(tmp_path: Path) -> None:
    """The exact fallback reads cells past the csv module's 128 KiB default limit."""
    big = "x" * 200_000
    data = f'a,b\n1,"{big}"\n2,x""y\n'.encode()
    starts, fields = scan._scan_records_slow(tmp_path, data, ord(","))
    assert (starts.tolist(), fields.tolist()) == ([2, 3], [2, 2])
    assert csv.field_size_limit() == 131072  # the process-wide limit is left as it was


def test_the_property_reaches_the_exact_fallback() -> None:
    """A mid-cell quote sends the scan to the csv-module fallback (the case above covers)."""
    data = b'h1,h2,h3\n1,x"y,3\n"a\rb",2,3\n'
    assert scan._scan_records(data, ord(",")) == (None, None)
    starts, fields = scan.scan_records(Path("t.csv"), data, ord(","))
    assert (starts.tolist(), fields.tolist()) == ([2, 3], [3, 3])
