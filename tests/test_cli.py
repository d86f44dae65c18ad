"""The command line: exit codes, one-line errors, report formats, --output, imports."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.conftest import (
    COLUMNS,
    NO_PLACES,
    REAL,
    ROOT,
    csv_text,
    one_line_error,
    rows,
    unprivileged,
)
from toolkit.cli import main, validate_command

Writer = Callable[..., Path]
FINDING_KEYS = [
    "rule",
    "severity",
    "line",
    "record_id",
    "event_id",
    "column",
    "value",
    "message",
    "suggestion",
]
# extraction_errors.csv without the place rules: (line, rule, column, record_id), per README
EXTRACTION_ERRORS = [
    (2, "value.type", "published_date", "err-date-dotted"),
    (3, "date.order", "event_date", "err-date-1920"),
    (4, "subtotal.sum", "count", "err-drop-total"),
    (11, "subtotal.sum", "count", "err-misread-total"),
    (22, "value.type", "count", "err-count-comma"),
    (23, "value.type", "count", "err-count-about"),
    (24, "value.enum", "count_qualifier", "err-qualifier-some"),
    (25, "value.enum", "event_type", "err-type-crossing"),
    (26, "value.required", "country", "err-country-empty"),
    (27, "subtotal.total", "role", "err-two-totals-1037"),
    (33, "event.consistent", "event_date", "err-caption-date-humrogi"),
    (38, "record_id.unique", "record_id", "err-dup-1037"),
    (39, "date.order", "event_date_end", "err-period-reversed"),
    (40, "date.range", "published_date", "err-year-2201"),
    (41, "row.shape", None, "err-ragged-row"),
]


def invoke(*args: str | Path, command: Any = validate_command) -> Result:
    return CliRunner().invoke(command, [str(a) for a in args])


def payload(result: Result) -> Any:
    assert result.stderr == ""
    return json.loads(result.stdout)


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


# ------------------------------------------------------------------ exit codes on the fixtures


def test_faithful_fixture_exits_0() -> None:
    result = invoke(REAL / "events.csv")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"{REAL / 'events.csv'}: 12 rows, 0 errors, 0 warnings: valid\n"


def test_extraction_errors_exit_1_with_exact_findings() -> None:
    result = invoke(REAL / "extraction_errors.csv", "--format", "json", *NO_PLACES)
    assert result.exit_code == 1
    report = payload(result)
    found = [(f["line"], f["rule"], f["column"], f["record_id"]) for f in report["failures"]]
    assert found == EXTRACTION_ERRORS
    assert report["rows"] == 40
    assert report["valid"] is False
    assert report["summary"]["errors"] == len(EXTRACTION_ERRORS)


def test_group_command_and_module_entry(tmp_path: Path) -> None:
    result = invoke("validate", REAL / "events.csv", command=main)
    assert result.exit_code == 0
    error = one_line_error(invoke("validate", tmp_path / "x.csv", command=main))
    assert error == f"{tmp_path / 'x.csv'}: no such file"


def test_warnings_only_exit_0(write_csv: Writer) -> None:
    path = write_csv(rows({"count": "1,037"}))
    result = invoke(path, "--rule", "value.type=warning", *NO_PLACES)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"{path}: 1 row, 0 errors, 1 warning: valid"


# ------------------------------------------------------------------ unusable input: exit 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file is empty (expected a header row)"),
        (b"\r\n\r\n", "file is empty (expected a header row)"),
        (bytes(range(256)) * 4, "looks like a binary file (NUL bytes), not a UTF-8 CSV"),
        (
            csv_text(rows({}, {"source": "Spütnik"})).encode("latin-1"),
            "line 3: bytes that are not UTF-8 at byte 293; they look like cp1252: "
            "try --encoding cp1252",
        ),
        (
            b'record_id,event_id\nr1,"e1\n',
            "line 2: a quoted cell starts in this record and "
            "never closes (it takes the rest of the file)",
        ),
    ],
)
def test_unusable_file_exits_2(tmp_path: Path, data: bytes, message: str | None) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    error = one_line_error(invoke(path))
    assert error.startswith(f"{path}: ")
    if message is not None:
        assert error == f"{path}: {message}"


def test_a_ragged_row_is_reported_with_every_other_finding(tmp_path: Path) -> None:
    text = csv_text(rows({"quote": "two\nlines"}, {"count": "1,037"}, {}))
    path = tmp_path / "events.csv"
    # r3 loses its last cell (the empty quote): 16 cells; r1 spans lines 2-3, r2 is line 4
    path.write_text(text.replace("\nr3,", "\n\nr3,").rstrip("\n").removesuffix(",") + "\n")
    result = invoke(path, "--format", "json", *NO_PLACES)
    assert result.exit_code == 1
    report = payload(result)
    assert [(f["line"], f["rule"], f["column"], f["message"]) for f in report["failures"]] == [
        (4, "value.type", "count", "count '1,037' is not a non-negative integer literal"),
        (
            6,
            "row.shape",
            None,
            "16 cells where the header has 17 (the missing cells are read as empty)",
        ),
    ]


def test_missing_required_columns_are_named(tmp_path: Path) -> None:
    columns = [c for c in COLUMNS if c not in ("count", "country")]
    data = [{k: v for k, v in row.items() if k in columns} for row in rows({})]
    path = tmp_path / "events.csv"
    path.write_text(csv_text(data, columns))
    error = one_line_error(invoke(path))
    assert error == f"{path}: missing required column(s): country, count"


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert one_line_error(invoke(tmp_path / "no.csv")) == f"{tmp_path / 'no.csv'}: no such file"
    # a folder stands for the CSV files below it (issue 5); an empty one is unusable
    assert one_line_error(invoke(tmp_path)) == (
        f"{tmp_path}: no input files in this folder (.csv, .tsv, .jsonl, .parquet, .xlsx)"
    )


def test_one_unusable_file_among_several_exits_2_after_checking_the_others(
    tmp_path: Path,
) -> None:
    result = invoke(REAL / "events.csv", tmp_path / "no.csv", REAL / "extraction_errors.csv")
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'no.csv'}: no such file\n"
    heads = [line for line in result.stdout.splitlines() if line.startswith(("/", str(REAL)))]
    assert heads[:1] == [f"{REAL / 'events.csv'}: 12 rows, 0 errors, 0 warnings: valid"]
    assert f"{tmp_path / 'no.csv'}: UNUSABLE: {tmp_path / 'no.csv'}: no such file" in heads
    assert heads[-1].startswith(f"{REAL / 'extraction_errors.csv'}: 40 rows, ")


def test_usage_errors_exit_2() -> None:
    assert invoke().exit_code == 2
    assert invoke(REAL / "events.csv", "--format", "xml").exit_code == 2
    result = invoke(REAL / "events.csv", "--rule", "value.type")
    assert result.exit_code == 2
    assert "expected RULE=error|warning|off" in result.stderr


def test_unknown_engine_exits_2() -> None:
    error = one_line_error(invoke(REAL / "events.csv", "--engine", "nope"))
    assert error == "unknown engine 'nope' (known: pandera, gx, both)"


# ------------------------------------------------------------------ inputs that must work


def test_header_only_file_is_valid_with_a_warning_on_line_1(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(",".join(COLUMNS) + "\r\n")
    result = invoke(path, "--format", "json")
    assert result.exit_code == 0
    assert payload(result) == {
        "schema_version": 2,
        "file": str(path),
        "rows": 0,
        "located_by": "line",
        "valid": True,
        "summary": {
            "errors": 0, "warnings": 1, "by_rule": {"row.shape": 1}, "listed": 1,
            "max_findings": None, "accepted": 0,
            "groups": [
                {"rule": "row.shape", "severity": "warning", "column": None, "value": None,
                 "count": 1, "lines": [1]},
            ],
        },
        "failures": [
            {
                "rule": "row.shape", "severity": "warning", "line": 1, "record_id": None,
                "event_id": None, "column": None, "value": None,
                "message": "the file has a header row but no records", "suggestion": None,
            }
        ],
    }  # fmt: skip
    assert invoke(path, "--rule", "row.shape=off").stdout.startswith(
        f"{path}: 0 rows, 0 errors, 0 warnings: valid"
    )


def test_bom_crlf_reordered_and_extra_columns(tmp_path: Path) -> None:
    columns = ["extra_note", *reversed(COLUMNS)]
    data = [{**row, "extra_note": "kept, ignored"} for row in rows({}, {"count": "x"})]
    path = tmp_path / "events.csv"
    text = csv_text(data, columns).replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = invoke(path, "--format", "json", *NO_PLACES)
    assert result.exit_code == 1
    report = payload(result)
    assert report["rows"] == 2
    assert [(f["line"], f["rule"], f["value"]) for f in report["failures"]] == [
        (3, "value.type", "x")
    ]


def test_lines_with_multiline_quotes_and_blank_lines(tmp_path: Path) -> None:
    data = rows({"quote": 'said "1,037,\nat least"\r\n\nleft'}, {"count": "x"}, {}, {"count": "y"})
    text = csv_text(data).replace("\nr3,", "\n\n\nr3,")
    path = tmp_path / "events.csv"
    path.write_text(text.replace("\n", "\r\n"), newline="")
    result = invoke(path, "--format", "json", *NO_PLACES)
    found = [(f["line"], f["record_id"]) for f in payload(result)["failures"]]
    # r1 spans lines 2-5, r2 on 6, blank 7-8, r3 on 9, r4 on 10
    assert found == [(6, "r2"), (10, "r4")]


def test_input_file_is_never_modified(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes((REAL / "extraction_errors.csv").read_bytes())
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = snapshot(path)
    for fmt in ("text", "json"):
        invoke(path, "--format", fmt, *NO_PLACES)
    invoke(path, "--output", tmp_path / "report.txt", *NO_PLACES)
    assert snapshot(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv", "report.txt"]


# ------------------------------------------------------------------ JSON


def test_json_shape_is_exact(write_csv: Writer) -> None:
    path = write_csv(rows({}, {"count": "1,037"}))
    result = invoke(path, "--format", "json", *NO_PLACES)
    assert result.exit_code == 1
    report = payload(result)
    assert list(report) == [
        "schema_version", "file", "rows", "located_by", "valid", "summary", "failures"
    ]  # fmt: skip
    assert report["summary"] == {
        "errors": 1, "warnings": 0, "by_rule": {"value.type": 1}, "listed": 1,
        "max_findings": None, "accepted": 0,
        "groups": [
            {"rule": "value.type", "severity": "error", "column": "count", "value": "1,037",
             "count": 1, "lines": [3]},
        ],
    }  # fmt: skip
    assert [list(f) for f in report["failures"]] == [FINDING_KEYS]
    assert report["failures"][0] == {
        "rule": "value.type",
        "severity": "error",
        "line": 3,
        "record_id": "r2",
        "event_id": "e2",
        "column": "count",
        "value": "1,037",
        "message": "count '1,037' is not a non-negative integer literal",
        "suggestion": "1037",
    }


def test_json_for_several_files_is_a_list() -> None:
    files = [REAL / "events.csv", REAL / "extraction_errors.csv"]
    result = invoke(*files, "--format", "json", *NO_PLACES)
    assert result.exit_code == 1
    reports = payload(result)
    assert isinstance(reports, list)
    assert [(r["file"], r["rows"], r["valid"]) for r in reports] == [
        (str(files[0]), 12, True),
        (str(files[1]), 40, False),
    ]


def test_json_keeps_non_ascii_and_control_characters_parseable(write_csv: Writer) -> None:
    path = write_csv(rows({"count": "“1\x7f\x1b[2J\n037”"}))
    report = payload(invoke(path, "--format", "json", *NO_PLACES))
    assert report["failures"][0]["value"] == "“1\x7f\x1b[2J\n037”"


# ------------------------------------------------------------------ --output


def test_output_writes_the_report_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.json"
    out.parent.mkdir()
    out.write_text("old")
    result = invoke(REAL / "extraction_errors.csv", "--format", "json", "-o", out, *NO_PLACES)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", "")
    assert json.loads(out.read_text())["rows"] == 40
    assert [p.name for p in out.parent.iterdir()] == ["report.json"]


def test_output_text_equals_stdout_text(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    shown = invoke(REAL / "extraction_errors.csv", *NO_PLACES).stdout
    invoke(REAL / "extraction_errors.csv", "--output", out, *NO_PLACES)
    assert out.read_text(encoding="utf-8") == shown


def test_output_into_missing_folder_exits_2(tmp_path: Path) -> None:
    out = tmp_path / "nope" / "r.json"
    error = one_line_error(invoke(REAL / "events.csv", "--output", out))
    assert error == f"{out}: folder {out.parent} does not exist"
    assert list(tmp_path.iterdir()) == []


def test_output_onto_a_directory_exits_2(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    one_line_error(invoke(REAL / "events.csv", "--output", tmp_path / "d"))
    assert [p.name for p in tmp_path.iterdir()] == ["d"]


def test_output_file_mode_follows_umask(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    old = os.umask(0o022)
    try:
        invoke(REAL / "events.csv", "--output", out)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_output_onto_an_input_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes((REAL / "events.csv").read_bytes())
    before = snapshot(path)
    result = invoke(path, "--output", path)
    assert snapshot(path) == before
    assert result.exit_code == 2


# ------------------------------------------------------------------ text


def test_text_report_summary_and_groups(
    write_csv: Writer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_csv(rows({"count": "1,037"}, {"count_qualifier": "some"}, {"count": "x"}))
    monkeypatch.chdir(tmp_path)
    result = invoke("events.csv", *NO_PLACES)
    assert result.exit_code == 1
    assert result.stdout == (
        "events.csv: 3 rows, 3 errors, 0 warnings: INVALID\n"
        "\n"
        "value.type (2 errors)\n"
        '  line 2    r1  count="1,037"\n'
        "      count '1,037' is not a non-negative integer literal\n"
        "      did you mean: 1037\n"
        '  line 4    r3  count="x"\n'
        "      count 'x' is not a non-negative integer literal\n"
        "\n"
        "value.enum (1 error)\n"
        '  line 3    r2  count_qualifier="some"\n'
        "      count_qualifier 'some' is not one of: exact, about, at_least, more_than,\n"
        "      at_most, fewer_than\n"
        "      did you mean: about\n"
    )


def test_text_lines_fit_80_columns_without_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REAL)
    result = invoke("extraction_errors.csv", *NO_PLACES)
    text_lines = result.stdout.splitlines()
    assert text_lines[0] == "extraction_errors.csv: 40 rows, 15 errors, 0 warnings: INVALID"
    assert max(len(line) for line in text_lines) <= 80
    assert "\x1b" not in result.stdout


def test_control_characters_in_values_are_escaped(write_csv: Writer) -> None:
    path = write_csv(rows({"count": "1\x1b[2J\r\n\x07\t0"}))
    out = path.parent / "report.txt"
    result = invoke(path, "--output", out, *NO_PLACES)
    assert result.exit_code == 1
    text = out.read_text(encoding="utf-8")
    assert '  line 2    r1  count="1\\x1b[2J\\r\\n\\x07\\t0"\n' in text
    assert not any(ord(ch) < 32 and ch != "\n" for ch in text)


def test_control_characters_in_record_id_are_escaped(write_csv: Writer) -> None:
    path = write_csv(rows({"record_id": "r\x1b[2J\r1\nfake line", "count": "x"}))
    out = path.parent / "report.txt"
    invoke(path, "--output", out, *NO_PLACES)
    text = out.read_text(encoding="utf-8")
    assert not any(ord(ch) < 32 and ch != "\n" for ch in text)
    assert len(text.splitlines()) == 5  # summary, blank, rule, finding, message


def test_long_record_id_and_warning_fit_80_columns(
    write_csv: Writer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = rows(
        {
            "record_id": "err-caption-date-shamsiddin-shohin",
            "published_date": "07.07.2021 (inferred from the photo caption)",
        }
    )
    write_csv(data)
    monkeypatch.chdir(tmp_path)
    result = invoke("events.csv", "--rule", "value.type=warning", *NO_PLACES)
    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_color_only_when_asked(tmp_path: Path) -> None:
    out = tmp_path / "r.txt"
    invoke(REAL / "extraction_errors.csv", "--color", "--output", out, *NO_PLACES)
    assert "\x1b[31m" in out.read_text()
    invoke(REAL / "extraction_errors.csv", "--output", out, *NO_PLACES)
    assert "\x1b" not in out.read_text()
    json_out = tmp_path / "r.json"
    invoke(REAL / "extraction_errors.csv", "--color", "--format", "json", "-o", json_out)
    assert "\x1b" not in json_out.read_text()


def test_color_flag_works_on_a_pipe() -> None:
    result = invoke(REAL / "extraction_errors.csv", "--color", *NO_PLACES)
    assert "\x1b[31m" in result.stdout


# ------------------------------------------------------------------ internal failures


def test_a_crashing_rule_is_not_reported_as_valid(
    write_csv: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.rules.values import ValueType

    def boom(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(ValueType, "check", boom)
    result = invoke(write_csv(rows({})), *NO_PLACES)
    # one line, exit 2, naming the rule: never a traceback, never "valid"
    message = one_line_error(result)
    assert message == (
        "internal error: rule value.type crashed on column published_date: RuntimeError('boom')"
    )


# ------------------------------------------------------------------ real processes


def _env(tmp_path: Path) -> dict[str, str]:
    """PYTHONPATH with the checkout and a stub great_expectations that records an import."""
    stub = tmp_path / "stubs" / "great_expectations"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text("")
    paths = [str(ROOT), str(stub.parent), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def run_cli(
    *args: str, wrap: Callable[[list[str]], list[str]] = list
) -> subprocess.CompletedProcess[str]:
    """``python -m toolkit ARGS`` in a real process from the checkout's root (*wrap* may
    prefix the command, e.g. with unprivileged)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    command = wrap([sys.executable, "-m", "toolkit", *args])
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_subprocess_smoke() -> None:
    done = run_cli("validate", "fixtures/real/events.csv")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "fixtures/real/events.csv: 12 rows, 0 errors, 0 warnings: valid\n"


def test_a_real_process_ends_with_its_output_whole_and_its_exit_code(tmp_path: Path) -> None:
    """The console scripts end the process without the interpreter's teardown: what they
    printed or wrote is complete first, and the exit code is the command's."""
    errors = REAL / "extraction_errors.csv"
    printed = run_cli("validate", str(errors), "--format", "json")
    assert printed.returncode == 1, printed.stderr
    assert json.loads(printed.stdout)["rows"] == 40  # every byte arrived: the JSON is whole
    written = tmp_path / "report.md"
    to_file = run_cli("validate", str(errors), "--format", "markdown", "--output", str(written))
    assert (to_file.returncode, to_file.stdout) == (1, "")
    assert written.read_text() == run_cli("validate", str(errors), "--format", "markdown").stdout
    refused = run_cli("validate", str(tmp_path / "missing.csv"))
    assert (refused.returncode, refused.stderr) == (
        2,
        f"error: {tmp_path}/missing.csv: no such file\n",
    )


_SEES_ALLOCATOR_SETTING = """
import os, sys
seen = []
class Watch:  # notes the setting polars' allocator will read, when polars is imported
    def find_spec(self, name, path=None, target=None):
        if name == "polars":
            seen.append(os.environ.get("_RJEM_MALLOC_CONF"))
sys.meta_path.insert(0, Watch())
from toolkit.cli import _short_lived
_short_lived()
import polars
print(seen)
"""


@pytest.mark.parametrize(
    ("own", "expected"),
    [(None, "dirty_decay_ms:100,muzzy_decay_ms:0"), ("narenas:2", "narenas:2")],
)
def test_the_console_scripts_set_the_allocator_before_polars_loads(
    own: str | None, expected: str
) -> None:
    """jemalloc reads its settings once, when polars is loaded: the console scripts must
    set theirs before anything imports polars, and leave the user's own alone."""
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if own is not None:
        env["_RJEM_MALLOC_CONF"] = own
    done = subprocess.run(
        [sys.executable, "-c", _SEES_ALLOCATOR_SETTING],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"[{expected!r}]\n"


@pytest.mark.parametrize("which", ["input", "output", "config"])
def test_a_path_in_a_folder_we_may_not_enter_is_one_line(tmp_path: Path, which: str) -> None:
    """Not a PermissionError traceback (folder expansion, config search, --output, --config)
    but one line naming the path: a real process that file permissions bind, as root too."""
    locked = tmp_path / "locked"
    locked.mkdir()
    inside = locked / ("events.csv" if which == "input" else f"{which}.txt")
    data = tmp_path / "events.csv"
    data.write_text(csv_text(rows({})))
    args = {
        "input": [str(inside)],
        "output": [str(data), "--output", str(inside)],
        "config": [str(data), "--config", str(inside)],
    }[which]
    expected = {
        "input": f"{inside}: cannot read (Permission denied)",
        "output": f"{inside}: cannot write (Permission denied)",
        "config": f"{inside}: cannot read (Permission denied)",
    }[which]
    (locked / "events.csv").write_text(csv_text(rows({})))
    locked.chmod(0)
    try:
        done = run_cli("validate", *args, wrap=unprivileged)
    finally:
        locked.chmod(0o700)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"error: {expected}\n"


IMPORT_PROBE = """
import sys
from toolkit.cli import main

def run(args):
    try:
        main(args, prog_name="event-toolkit")
    except SystemExit as exc:
        return exc.code
    return None

heavy = ("great_expectations", "polars", "pandera", "pandas")
code = run(["validate", "--help"])
print("help", code, sorted(m for m in heavy if m in sys.modules))
code = run(["validate", sys.argv[1]])
print("validate", code, "great_expectations" in sys.modules)
"""


def test_help_and_validate_do_not_import_great_expectations(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE, str(REAL / "events.csv")],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    probe = [line for line in done.stdout.splitlines() if line.startswith(("help", "validate"))]
    assert probe == ["help 0 []", "validate 0 False"]


@pytest.mark.parametrize(
    ("fail_on", "rules", "code"),
    [
        ("error", [], 1),
        ("never", [], 0),
        ("error", ["place.known=warning", "place.hierarchy=off"], 0),
        ("warning", ["place.known=warning", "place.hierarchy=off"], 1),
    ],
)
def test_fail_on(tmp_path: Path, fail_on: str, rules: list[str], code: int) -> None:
    path = tmp_path / "e.csv"
    path.write_text(csv_text(rows({"admin2": "Shohon Sh. Shokhin", "admin1": "Khatlon"})))
    args = [arg for rule in rules for arg in ("--rule", rule)]
    assert invoke(path, "--fail-on", fail_on, *args).exit_code == code


# ------------------------------------------------------------------ usage errors: one line


@pytest.mark.parametrize(
    ("args", "command", "message"),
    [
        ([], validate_command, "missing argument 'FILES...' (try 'validate --help')"),
        (
            ["e.csv", "--bogus"],
            validate_command,
            "no such option '--bogus' (try 'validate --help')",
        ),
        (
            ["e.csv", "--formt", "json"],
            validate_command,
            "no such option '--formt'; did you mean '--format'? (try 'validate --help')",
        ),
        (
            ["e.csv", "--format", "xml"],
            validate_command,
            "invalid value for '--format': 'xml' is not one of 'text', 'json', 'github', "
            "'junit', 'markdown', 'html' (try 'validate --help')",
        ),
        (
            ["e.csv", "--fail-on", "sometimes"],
            validate_command,
            "invalid value for '--fail-on': 'sometimes' is not one of 'error', 'warning', "
            "'never' (try 'validate --help')",
        ),
        (
            ["e.csv", "--output"],
            validate_command,
            "option '--output' requires an argument (try 'validate --help')",
        ),
        (
            ["e.csv", "--rule", "value.type"],
            validate_command,
            "invalid value for --rule: 'value.type': expected RULE=error|warning|off "
            "(try 'validate --help')",
        ),
        (["nope"], main, "no such command 'nope' (try 'event-toolkit --help')"),
        (
            ["valdate", "e.csv"],
            main,
            "no such command 'valdate'; did you mean 'validate'? (try 'event-toolkit --help')",
        ),
        (["--bogus"], main, "no such option '--bogus' (try 'event-toolkit --help')"),
        (
            ["validate", "e.csv", "--bogus"],
            main,
            "no such option '--bogus' (try 'event-toolkit validate --help')",
        ),
        (
            ["fixtures"],
            main,
            "missing option '--output' / '-o' (try 'event-toolkit fixtures --help')",
        ),
        (
            ["fixtures", "--events", "-1", "-o", "x.csv"],
            main,
            "invalid value for '--events': -1 is not in the range x>=0 "
            "(try 'event-toolkit fixtures --help')",
        ),
        (
            ["fixtures", "--break", "value.type=abc", "-o", "x.csv"],
            main,
            "invalid value for --break: 'value.type=abc': expected RULE or RULE=FRACTION "
            "(try 'event-toolkit fixtures --help')",
        ),
        (
            ["gx-suite", "extra"],
            main,
            "got unexpected extra argument (extra) (try 'event-toolkit gx-suite --help')",
        ),
    ],
)
def test_usage_errors_are_one_line(args: list[str], command: Any, message: str) -> None:
    assert one_line_error(invoke(*args, command=command)) == message


@pytest.mark.parametrize(
    ("args", "command", "start"),
    [
        (["--help"], validate_command, "Usage: validate [OPTIONS] FILES..."),
        (["--help"], main, "Usage: event-toolkit [OPTIONS] COMMAND [ARGS]..."),
        (["validate", "--help"], main, "Usage: event-toolkit validate [OPTIONS] FILES..."),
        (["--version"], main, "event-toolkit, version 0.1.0"),
    ],
)
def test_help_and_version_are_unchanged(args: list[str], command: Any, start: str) -> None:
    result = invoke(*args, command=command)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == start


def test_usage_error_in_a_real_process() -> None:
    done = run_cli("validate", "fixtures/real/events.csv", "--bogus")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "error: no such option '--bogus' (try 'event-toolkit validate --help')\n"


# ------------------------------------------------------------------ Python API (README)


class _PathLike:
    """An os.PathLike[str] that is not a pathlib.Path."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __fspath__(self) -> str:
        return self.path


@pytest.mark.parametrize("kind", [str, _PathLike, Path])
def test_fixture_write_accepts_str_and_pathlike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: Any
) -> None:
    from toolkit.fixtures import generate, manifest_path

    monkeypatch.chdir(tmp_path)
    fixture = generate(3, seed=7)
    manifest = fixture.write(kind("out.csv"))
    assert manifest == Path("out.manifest.json")
    assert manifest_path(kind("data/out.csv")) == Path("data/out.manifest.json")
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("record_id,event_id,role,")
    saved = json.loads((tmp_path / "out.manifest.json").read_text(encoding="utf-8"))
    assert saved["rows"] == fixture.table.height


GX_INSTALL = "install it with: pip install 'event-toolkit[gx]'"


@pytest.fixture
def without_gx(monkeypatch: pytest.MonkeyPatch) -> None:
    """great_expectations unimportable, as without the gx extra (even when imported before)."""
    monkeypatch.setitem(sys.modules, "great_expectations", None)


def _gx_calls() -> dict[str, Callable[[], object]]:
    import toolkit
    from toolkit.gx import suite_json

    events = REAL / "events.csv"
    return {
        "expectation_suite": lambda: toolkit.expectation_suite(),
        "suite_json": lambda: suite_json(),
        "validate gx": lambda: toolkit.validate(events, engine="gx"),
        "validate both": lambda: toolkit.validate(events, engine="both"),
    }


@pytest.mark.parametrize(
    "name", ["expectation_suite", "suite_json", "validate gx", "validate both"]
)
@pytest.mark.usefixtures("without_gx")
def test_gx_entry_points_without_the_extra_raise_toolkit_error(name: str) -> None:
    from toolkit import ToolkitError
    from toolkit.errors import MissingExtraError

    with pytest.raises(ToolkitError) as info:
        _gx_calls()[name]()
    assert isinstance(info.value, MissingExtraError)
    # the same one line the CLI prints
    cli = one_line_error(invoke("gx-suite", command=main))
    assert str(info.value) == cli
    assert cli.endswith(GX_INSTALL)


@pytest.mark.usefixtures("without_gx")
def test_importing_the_custom_expectations_without_gx_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The README has users import toolkit.gx.expectations before loading the JSON suite."""
    import importlib

    from toolkit.errors import MissingExtraError

    monkeypatch.delitem(sys.modules, "toolkit.gx.expectations", raising=False)
    with pytest.raises(MissingExtraError) as info:
        importlib.import_module("toolkit.gx.expectations")
    assert str(info.value).endswith(GX_INSTALL)


@pytest.mark.usefixtures("without_gx")
def test_gx_frame_and_parameters_need_no_gx() -> None:
    import toolkit

    assert toolkit.gx_parameters()["date_min"] == 19000101
    frame = toolkit.gx_frame(REAL / "events.csv")
    assert len(frame) == 12
    assert one_line_error(invoke(REAL / "events.csv", "--engine", "gx")).endswith(GX_INSTALL)


def test_fixtures_says_one_event(tmp_path: Path) -> None:
    result = invoke("fixtures", "--events", "1", "-o", tmp_path / "one.csv", command=main)
    assert result.exit_code == 0, result.stderr
    assert ", 1 event) and " in result.stderr.splitlines()[0]


def test_console_scripts_exempt_the_loaded_gazetteer_from_gc_but_cli_runner_does_not(
    write_csv: Writer,
) -> None:
    """A short-lived process freezes the gazetteer it loads (gc.freeze); the command run
    in-process (as a library caller or a test would) leaves the process's GC alone."""
    from toolkit.gazetteer import lookup

    path = write_csv(rows({}))
    assert invoke(path).exit_code == 0
    assert lookup._FREEZE_WHEN_LOADED is False
    script = (  # the console script ends with os._exit (no atexit): look just before
        "import gc, os, sys\n"
        "end = os._exit\n"
        "def probe(code):\n"
        "    print('frozen', gc.get_freeze_count(), file=sys.stderr, flush=True)\n"
        "    end(code)\n"
        "os._exit = probe\n"
        f"sys.argv = ['validate', {str(path)!r}]\n"
        "from toolkit.cli import validate_main\n"
        "validate_main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    frozen = int(done.stderr.split("frozen ")[1].split()[0])
    assert frozen > 100_000  # the gazetteer's objects among them
