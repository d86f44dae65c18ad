"""Every input format gives the findings of the same records in CSV; typed cells become the
contract's text; each format locates records its own way (README: Inputs)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import zstandard
from click.testing import CliRunner

from tests.conftest import REAL, csv_text, one_line_error, rows
from toolkit.checker import validate
from toolkit.cli import validate_command
from toolkit.config import load_settings
from toolkit.errors import InputError
from toolkit.readers import CELLS, LINE, ReadOptions, read_table

Convert = Callable[[Path, Path], Path]


def _records(csv_path: Path) -> list[dict[str, str | None]]:
    """The CSV's records as dicts of text (None for an empty cell)."""
    frame = pl.read_csv(csv_path, infer_schema=False)
    return [{k: (v if v != "" else None) for k, v in r.items()} for r in frame.to_dicts()]


def _typed(value: str | None, column: str) -> Any:
    """A cell as a spreadsheet or Parquet writer would hold it: dates and counts typed
    where they parse, anything else text."""
    if value is None:
        return None
    if column.endswith("date") or column == "event_date_end":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if column == "count" and value.isdigit():
        return int(value)
    return value


def to_jsonl(source: Path, target: Path) -> Path:
    lines = []
    for record in _records(source):  # keys missing where the cell is empty
        lines.append(json.dumps({k: _typed(v, k) for k, v in record.items() if v is not None},
                                default=str, ensure_ascii=False))  # fmt: skip
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def to_parquet(source: Path, target: Path) -> Path:
    records = _records(source)
    columns = list(records[0])
    frame = pl.DataFrame({c: [r[c] for r in records] for c in columns})
    # typed columns where the whole column parses, as an analyst's table would be
    typed = []
    for c in columns:
        if c.endswith("date") or c == "event_date_end":
            typed.append(pl.col(c).str.to_date(strict=False).alias(c))
        elif c == "count":
            typed.append(pl.col(c).cast(pl.Int64, strict=False).alias(c))
    converted = frame.with_columns(typed)
    lossless = all(
        converted[c].null_count() == frame[c].null_count() for c in ("count", "event_date")
    )
    (converted if lossless else frame).write_parquet(target)
    return target


def to_xlsx(source: Path, target: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    records = _records(source)
    sheet.append(list(records[0]))
    for record in records:
        sheet.append([_typed(v, k) for k, v in record.items()])
    book.save(target)
    return target


def to_gzip_jsonl(source: Path, target: Path) -> Path:
    plain = to_jsonl(source, target.with_suffix(""))
    target.write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()
    return target


def to_zstd_csv(source: Path, target: Path) -> Path:
    target.write_bytes(zstandard.ZstdCompressor().compress(source.read_bytes()))
    return target


def to_tsv(source: Path, target: Path) -> Path:
    frame = pl.read_csv(source, infer_schema=False)
    frame.write_csv(target, separator="\t")
    return target


CONVERSIONS: dict[str, Convert] = {
    "jsonl": to_jsonl,
    "parquet": to_parquet,
    "xlsx": to_xlsx,
    "jsonl.gz": to_gzip_jsonl,
    "csv.zst": to_zstd_csv,
    "tsv": to_tsv,
}
# how each format locates the records of a CSV without multi-line cells: the word, and the
# shift from the CSV's line (JSON Lines and Parquet have no header line)
LOCATED_BY = {"parquet": ("record", -1), "xlsx": ("row", 0), "jsonl": ("line", -1),
              "jsonl.gz": ("line", -1)}  # fmt: skip


SETTINGS = load_settings(data_path=REAL / "events.csv")  # fixtures/real/pyproject.toml


def _keys(path: Path) -> list[tuple[Any, ...]]:
    """The findings, where each record is said in the words of the format."""
    report = validate(path, SETTINGS)
    keys = report.flatten(("record_id", "rule", "column", "value", "message"))
    return sorted(keys)


@pytest.mark.parametrize("name", ["events", "extraction_errors"])
@pytest.mark.parametrize("suffix", list(CONVERSIONS))
def test_every_format_gives_the_findings_of_the_csv(tmp_path: Path, name: str, suffix: str) -> None:
    source = REAL / f"{name}.csv"
    if name == "extraction_errors" and suffix != "csv.zst":
        # the ragged row is a matter of the CSV's bytes: the conversions read it padded
        source = tmp_path / "unragged.csv"
        text = (REAL / f"{name}.csv").read_text(encoding="utf-8")
        source.write_text(text.rstrip("\n") + ",\n", encoding="utf-8")
    converted = CONVERSIONS[suffix](source, tmp_path / f"{name}.{suffix}")
    expected = _keys(source)
    report = validate(converted, SETTINGS)
    located_by, shift = LOCATED_BY.get(suffix, ("line", 0))
    assert report.located_by == located_by
    assert _keys(converted) == sorted(_located(key, located_by, shift) for key in expected)
    assert report.rows == validate(source, SETTINGS).rows
    if name == "events":
        assert expected == [] and report.valid


def _located(key: tuple[Any, ...], located_by: str, shift: int) -> tuple[Any, ...]:
    """A CSV finding's key as another format says it: the lines its message names become
    that format's words and numbers (no cell of these files spans lines)."""
    import re

    def say(match: re.Match[str]) -> str:
        numbers = re.sub(r"\d+", lambda n: str(int(n.group()) + shift), match.group(2))
        return match.group(1).replace("line", located_by) + " " + numbers

    return (*key[:-1], re.sub(r"\b(lines?) ([0-9][0-9, -]*)", say, key[-1]))


def test_xlsx_rows_are_the_sheet_rows_and_typed_cells_become_text(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "notes"
    data = book.create_sheet("events")
    data.append([])  # an empty first row: the header is the first non-empty one
    data.append(["record_id", "event_date", "count", "flag", "time", "note"])
    data.append(["r1", dt.datetime(2021, 7, 5), 1037.0, True, dt.datetime(2021, 7, 5, 9, 30), None])
    data.append([])  # an empty row in between
    data.append(["r2", dt.date(2021, 7, 6), 12.5, False, None, "x", "past the header"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    table = read_table(path, ReadOptions(sheet="events"))
    assert table.located_by == "row"
    assert table.frame.select(*table.header, LINE, CELLS).rows() == [
        ("r1", "2021-07-05", "1037", "true", "2021-07-05 09:30:00", None, 3, 6),
        ("r2", "2021-07-06", "12.5", "false", None, "x", 5, 7),
    ]
    with pytest.raises(InputError, match=r"the sheet is empty \(expected a header row\)"):
        read_table(path)  # the first sheet, "notes", is empty
    with pytest.raises(InputError, match="no sheet named 'nope' \\(sheets: 'notes', 'events'\\)"):
        read_table(path, ReadOptions(sheet="nope"))


def test_parquet_typed_columns_become_text_and_records_are_numbered(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pl.DataFrame(
        {
            "record_id": ["a", "b", "c"],
            "day": [dt.date(2021, 7, 5), None, dt.date(2021, 1, 2)],
            "at": [dt.datetime(2021, 7, 5), dt.datetime(2021, 7, 5, 10, 1, 2), None],
            "n": [1037.0, 2.5, None],
            "k": [1, None, 3],
            "ok": [True, False, None],
            "tags": [["a", "b"], [], None],
        }
    ).write_parquet(path)
    table = read_table(path)
    assert table.located_by == "record"
    assert table.frame.select(*table.header, LINE).rows() == [
        ("a", "2021-07-05", "2021-07-05", "1037", "1", "true", '["a", "b"]', 1),
        ("b", None, "2021-07-05 10:01:02", "2.5", None, "false", "[]", 2),
        ("c", "2021-01-02", None, None, "3", None, None, 3),
    ]


def test_json_lines_keys_blank_lines_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"record_id": "r1", "count": 1037}\n\n  \n'
        '{"count": "1,037", "record_id": "r2", "q": null}\n'
    )
    table = read_table(path)
    assert table.header == ("record_id", "count", "q")
    assert table.frame.select(*table.header, LINE).rows() == [
        ("r1", "1037", None, 1),
        ("r2", "1,037", None, 4),
    ]
    path.write_text('{"record_id": "r1"}\n\n[1, 2]\n')
    with pytest.raises(InputError, match=r"line 3: a JSON array, not an object"):
        read_table(path)
    path.write_text('{"record_id": "r1"}\n{"record_id": \n')
    with pytest.raises(InputError, match=r"line 2: not valid JSON \(Expecting value"):
        read_table(path)


def invoke(*args: str | Path, stdin: bytes | None = None) -> Any:
    return CliRunner().invoke(validate_command, [str(a) for a in args], input=stdin)


def test_stdin_is_read_whatever_its_format(tmp_path: Path) -> None:
    data = (REAL / "extraction_errors.csv").read_bytes()
    config = ("--config", REAL / "pyproject.toml")  # stdin has no folder to find it from
    by_file = invoke(REAL / "extraction_errors.csv", "--format", "json", *config)
    by_stdin = invoke("-", "--format", "json", *config, stdin=data)
    assert by_stdin.exit_code == by_file.exit_code == 1
    one, other = json.loads(by_file.stdout), json.loads(by_stdin.stdout)
    assert other["file"] == "<stdin>"
    assert other["failures"] == one["failures"]
    compressed = invoke("-", "--format", "json", *config, stdin=gzip.compress(data))
    assert json.loads(compressed.stdout)["failures"] == one["failures"]
    jsonl = to_jsonl(REAL / "events.csv", tmp_path / "e.jsonl").read_bytes()
    assert invoke("-", stdin=jsonl).stdout.startswith("<stdin>: 12 rows, 0 errors")


def test_a_semicolon_file_names_the_delimiter_to_use(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(csv_text(rows({})).replace(",", ";"), encoding="utf-8")
    error = one_line_error(invoke(path))
    assert error.startswith(f"{path}: line 1: the header is one column holding 16 semicolons")
    assert error.endswith("the file looks semicolon-separated; try --delimiter ';'")
    assert invoke(path, "--delimiter", ";").exit_code == 0
    tabbed = tmp_path / "tabbed.csv"
    tabbed.write_text(csv_text(rows({})).replace(",", "\t"), encoding="utf-8")
    assert one_line_error(invoke(tabbed)).endswith("try --delimiter '\\t'")
    assert invoke(tabbed, "--delimiter", "\\t").exit_code == 0


def test_bad_read_options_are_usage_errors(tmp_path: Path) -> None:
    path = REAL / "events.csv"
    assert "--delimiter must be one character" in one_line_error(invoke(path, "--delimiter", ";;"))
    assert "unknown encoding" in one_line_error(invoke(path, "--encoding", "klingon"))


def test_folders_take_every_input_format_but_excluded_and_gazetteer_files(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    (folder / "old").mkdir(parents=True)
    (folder / "a.csv").write_bytes((REAL / "events.csv").read_bytes())
    to_jsonl(REAL / "events.csv", folder / "b.jsonl")
    to_zstd_csv(REAL / "events.csv", folder / "old" / "c.csv.zst")
    (folder / "notes.txt").write_text("not an input")
    places = folder / "places.csv"
    places.write_text(
        "name,level,country,admin1,admin2,aliases\nQalai Nav,location,TJ,GBAO,Vanj,\n"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.event-toolkit]\ngazetteer = ["data/places.csv"]\n'
    )
    result = invoke(folder, "--exclude", "old/*")
    assert result.exit_code == 0, result.output
    heads = [line.split(":")[0] for line in result.stdout.splitlines() if line.startswith("/")]
    assert heads == [str(folder / "a.csv"), str(folder / "b.jsonl")]
    everything = invoke(folder)
    heads = [line.split(":")[0] for line in everything.stdout.splitlines() if line.startswith("/")]
    assert heads == [str(folder / "a.csv"), str(folder / "b.jsonl"), str(folder / "old/c.csv.zst")]


def test_an_unusable_file_among_several_in_json(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b'record_id,count\nr1,"1\n')
    result = invoke(REAL / "events.csv", broken, "--format", "json")
    assert result.exit_code == 2
    reports = json.loads(result.stdout)
    assert [r["valid"] for r in reports] == [True, False]
    assert reports[1]["unusable"] == (
        f"{broken}: line 2: a quoted cell starts in this record and never closes "
        "(it takes the rest of the file)"
    )
    assert result.stderr == f"error: {reports[1]['unusable']}\n"


@pytest.mark.parametrize(
    ("fmt", "shown"),
    [
        ("text", '  row 3     r2  count="1,037"'),
        ("github", "::error file={path},title=value.type (count)::row 3: record r2: count"),
        ("junit", "row 3 count: record r2: count '1,037'"),
        ("markdown", "| rows | rule | record | column | value | message |"),
    ],
)
def test_every_format_says_what_locates_a_finding(tmp_path: Path, fmt: str, shown: str) -> None:
    source = tmp_path / "e.csv"
    source.write_text(csv_text(rows({}, {"count": "1,037"})), encoding="utf-8")
    path = to_xlsx(source, tmp_path / "e.xlsx")
    result = invoke(path, "--format", fmt)
    assert result.exit_code == 1
    assert shown.format(path=path) in result.stdout


def test_missing_columns_name_the_columns_the_file_nearly_has(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(
        "Record_ID,event id,role,source,published_date,Event-Date,event_type,country,count,Quote\n"
    )
    assert one_line_error(invoke(path)) == (
        f"{path}: missing required column(s): record_id, event_id, event_date; the file has "
        "'Record_ID' (record_id?), 'event id' (event_id?), 'Event-Date' (event_date?)"
    )
