"""The published schemas (schemas/event-record.pandera.yaml, event-record.table-schema.json)
and ``event-toolkit schema``.

The pandera YAML is loaded by plain pandera after ``import toolkit`` in a fresh interpreter
and must fail exactly what the hand-written answer key of the real extractions says
(tests/golden.py) and what the checker reports. The Table Schema is checked against the
same answer key by a small reading of its constraints written here.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from click.testing import CliRunner

from tests.conftest import REAL, ROOT, one_line_error, rows, settings_table
from tests.golden import ANSWER_KEY
from tests.test_imports import run_guarded
from toolkit.categories import as_text
from toolkit.checker import mapped, validate
from toolkit.cli import main
from toolkit.config import Settings, apply, default_settings, load_settings
from toolkit.contract import load_contract
from toolkit.engines import RunOptions
from toolkit.engines.pandera_engine import run as engine_run
from toolkit.pandera_yaml import check_name, published, statistics, yaml_text
from toolkit.prepare import prepare
from toolkit.readers import read_table, table_from_frame
from toolkit.rules import all_rules
from toolkit.rules.base import Context
from toolkit.table_schema import table_schema, table_schema_json

PANDERA_FILE = ROOT / "schemas" / "event-record.pandera.yaml"
TABLE_FILE = ROOT / "schemas" / "event-record.table-schema.json"
ERRORS = REAL / "extraction_errors.csv"
REAL_SETTINGS = load_settings(data_path=ERRORS)  # date_max pinned
FRAME_WIDE = {r.id for r in all_rules() if None in r.targets(Context.of())}
Failed = set[tuple[str, str | None, int]]  # (rule, column or None, row of the prepared frame)


def prepared(path: Path, settings: Settings) -> pl.DataFrame:
    """The frame the engine checks: read, mapped and prepared as the checker does."""
    table, ctx = mapped(read_table(path), Context.of(settings))
    return prepare(table, ctx)


def failed(cases: pl.DataFrame, columns: tuple[str, ...]) -> Failed:
    """pandera's failure cases as (rule, column, row); a frame-wide check's column (pandera
    gives the schema's name) as None."""
    return {
        (check, column if column in columns else None, index)
        for check, column, index in cases.select("check", "column", "index").iter_rows()
    }


# ---------------------------------------------------------------- the pandera YAML, plain pandera

LOAD = """
import json, pathlib, sys
{before}
import toolkit
assert ("pandera" in sys.modules) == {before_pandera}, "import toolkit imported pandera"
import pandera.polars as pa
from toolkit.checker import mapped
from toolkit.config import load_settings
from toolkit.categories import as_text
from toolkit.prepare import prepare
from toolkit.readers import read_table
from toolkit.rules.base import Context

path = pathlib.Path({data!r})
table, ctx = mapped(read_table(path), Context.of(load_settings(data_path=path)))
schema = pa.DataFrameSchema.from_yaml({schema!r})
try:
    schema.validate(as_text(prepare(table, ctx)), lazy=True)  # as toolkit.schema.prepared
    cases = []
except pa.errors.SchemaErrors as exc:
    cases = exc.failure_cases.select("check", "column", "index").rows()
print(json.dumps(cases))
"""


def load_in_plain_pandera(before: str = "") -> Failed:
    """The committed YAML loaded with pandera's own from_yaml after ``import toolkit`` (in a
    fresh interpreter: nothing registered beforehand, *before* run first) and run on the
    prepared frame of the real extraction errors."""
    code = LOAD.format(
        before=before,
        before_pandera="pandera" in before,
        data=str(ERRORS),
        schema=str(PANDERA_FILE),
    )
    cases = pl.DataFrame(
        json.loads(run_python(code)), schema=["check", "column", "index"], orient="row"
    )
    return failed(cases, load_contract().names)


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def loaded_in_plain_pandera() -> Failed:
    return load_in_plain_pandera()


def test_plain_pandera_fails_the_answer_key(loaded_in_plain_pandera: Failed) -> None:
    frame = prepared(ERRORS, REAL_SETTINGS)
    ids = frame.select("record_id", "event_id").rows()
    got = {(*ids[row], rule, column) for rule, column, row in loaded_in_plain_pandera}
    key = ANSWER_KEY["extraction_errors"]
    assert len(loaded_in_plain_pandera) == len(key)  # one failing row per finding
    assert {item[:3] for item in got} == {item[:3] for item in key}
    # a column check fails on the answer key's column; a frame-wide one names none
    assert {g for g in got if g[2] not in FRAME_WIDE} == {k for k in key if k[2] not in FRAME_WIDE}
    assert all(g[3] is None for g in got if g[2] in FRAME_WIDE)


def test_plain_pandera_fails_what_the_checker_reports(loaded_in_plain_pandera: Failed) -> None:
    report = validate(ERRORS)
    lines = prepared(ERRORS, REAL_SETTINGS)["__line"].to_list()
    got = {(rule, column, lines[row]) for rule, column, row in loaded_in_plain_pandera}
    reported = {
        (f.rule, None if f.rule in FRAME_WIDE else f.column, f.line) for f in report.findings
    }
    assert got == reported


def test_importing_pandera_io_before_toolkit_registers_at_import(
    loaded_in_plain_pandera: Failed,
) -> None:
    assert load_in_plain_pandera("import pandera.io.polars_io") == loaded_in_plain_pandera


def test_the_checker_never_registers_the_checks() -> None:
    """A run of the checker imports pandera but not its serialiser: it pays nothing."""
    out = run_python(
        f"""
        import sys
        import toolkit
        toolkit.validate({str(REAL / "events.csv")!r})
        print("pandera.polars" in sys.modules, "toolkit.pandera_yaml" in sys.modules)
        """
    )
    assert out.split() == ["True", "False"]


# ---------------------------------------------------------------- the pandera YAML, in process


def test_committed_pandera_yaml_is_fresh() -> None:
    committed = yaml.safe_load(PANDERA_FILE.read_text(encoding="utf-8"))
    fresh = yaml.safe_load(yaml_text(*published()))
    for schema in (committed, fresh):  # the pandera version writing it is not the schema
        schema.pop("version", None)
    assert committed == fresh, "stale: run `event-toolkit schema --format pandera --output " + str(
        PANDERA_FILE.relative_to(ROOT)
    )


def test_every_enabled_rule_is_one_named_check_method_with_its_statistics() -> None:
    schema = yaml.safe_load(PANDERA_FILE.read_text(encoding="utf-8"))
    found: dict[str, set[str]] = {}
    for column in schema["columns"].values():
        for key, value in column.items():
            if key.startswith("event_toolkit_"):
                found.setdefault(key, set()).update(value)
    for check in schema["checks"]:
        found.setdefault(check["options"]["check_name"], set()).update(check)
    assert check_name("record_id.unique") == "event_toolkit_record_id_unique"
    assert set(found) == {check_name(rule.id) for rule in all_rules()}
    for rule in all_rules():
        names = set(statistics(rule)) if len(statistics(rule)) > 1 else {"value"}  # pandera's
        assert found[check_name(rule.id)] - {"ignore_na", "error", "options"} == names, rule.id
    assert schema["columns"]["published_date"]["event_toolkit_date_range"]["date_max"] == "today"


def test_non_default_settings_are_statistics_pandera_judges_by(tmp_path: Path) -> None:
    """Tolerance, vocabularies, date window, an extra gazetteer and a rule turned off reach
    the YAML: loaded back, it fails exactly what the engine fails under those settings."""
    gazetteer, cells = settings_table(tmp_path)
    after = {"published_date": "2031-01-01", "event_date": "2031-01-01"}  # after date_max
    table = pl.DataFrame(rows(*cells, after))
    base = default_settings()
    words = (*base.vocabularies["event_type"], "skirmish")
    loose = apply(
        base,
        {
            "about_tolerance": "0.2",
            "date_min": "2020-01-01",
            "date_max": "2030-12-31",
            "vocabularies": {"event_type": list(words)},
            "gazetteer": [str(gazetteer)],
            "rules": {"subtotal.total": "off"},
        },
        None,
    )
    import pandera.polars as pa

    results = []
    for settings in (base, loose):
        ctx = Context.of(settings)
        frame = prepare(table_from_frame(table), ctx)
        rules = tuple(r for r in all_rules() if settings.enabled(r.id))
        by_engine = {
            (f.rule, f.column, row)
            for f in engine_run(ctx, frame, rules, RunOptions(name="t"))
            for row in f.rows.to_list()
        }
        schema = pa.DataFrameSchema.from_yaml(yaml_text(settings))
        with pytest.raises(pa.errors.SchemaErrors) as caught:
            # the published schema checks text (toolkit.schema.prepared); the engine, the
            # repeated columns as categories: the same failures
            schema.validate(as_text(frame), lazy=True)
        got = failed(caught.value.failure_cases, ctx.contract.names)
        assert got == by_engine
        results.append({rule for rule, _, _ in got})
    strict, relaxed = results
    assert {"subtotal.sum", "value.enum", "place.unverified", "subtotal.total"} <= strict
    assert not {"subtotal.sum", "value.enum", "place.unverified", "subtotal.total"} & relaxed
    assert "date.range" in relaxed


def test_today_stays_today_and_a_pinned_date_is_written() -> None:
    settings, today = published()
    assert today == ("date_max",) and settings.date_max >= dt.date(2026, 1, 1)
    pinned, none = published(REAL / "pyproject.toml")
    assert none == () and pinned.date_max == dt.date(2030, 12, 31)
    schema = yaml.safe_load(yaml_text(pinned, none))
    bounds = schema["columns"]["event_date"]["event_toolkit_date_range"]
    assert (bounds["date_min"], bounds["date_max"]) == ("1900-01-01", "2030-12-31")


def test_a_date_after_today_fails_the_published_schema() -> None:
    import pandera.polars as pa

    later = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    table = pl.DataFrame(rows({"published_date": later, "event_date": later}))
    frame = as_text(prepare(table_from_frame(table), Context.of()))
    schema = pa.DataFrameSchema.from_yaml(PANDERA_FILE)
    with pytest.raises(pa.errors.SchemaErrors) as caught:
        schema.validate(frame, lazy=True)
    got = failed(caught.value.failure_cases, load_contract().names)
    assert got == {("date.range", "published_date", 0), ("date.range", "event_date", 0)}


# ---------------------------------------------------------------- the Table Schema


def test_committed_table_schema_is_fresh() -> None:
    assert TABLE_FILE.read_text(encoding="utf-8") == table_schema_json(default_settings()), (
        "stale: run `event-toolkit schema --format table-schema --output "
        + str(TABLE_FILE.relative_to(ROOT))
    )


# The part of the Table Schema spec the file uses (https://specs.frictionlessdata.io/table-schema/)
TABLE_SCHEMA_SPEC: dict[str, Any] = {
    "type": "object",
    "required": ["fields"],
    "properties": {
        "fields": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "type": {"enum": ["string", "number", "integer", "boolean", "date", "any"]},
                    "description": {"type": "string"},
                    "constraints": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "required": {"type": "boolean"},
                            "unique": {"type": "boolean"},
                            "enum": {"type": "array", "minItems": 1, "uniqueItems": True},
                            "minimum": {"type": "integer"},
                        },
                    },
                },
            },
        },
        "missingValues": {"type": "array", "items": {"type": "string"}},
    },
}


def test_table_schema_is_a_table_schema() -> None:
    schema = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    try:
        from frictionless import Schema  # type: ignore[import-not-found]
    except ImportError:
        import jsonschema

        jsonschema.validate(schema, TABLE_SCHEMA_SPEC)
    else:  # pragma: no cover (frictionless is no dependency)
        assert Schema.validate_descriptor(schema).valid
    names = [f["name"] for f in schema["fields"]]
    assert names == list(load_contract().names) and len(set(names)) == len(names)
    by_name = {f["name"]: f for f in schema["fields"]}
    assert by_name["count"]["type"] == "integer" and by_name["event_date"]["type"] == "date"
    assert by_name["role"]["constraints"]["enum"] == ["total", "part"]
    assert schema["missingValues"] == [""]


def violations(schema: dict[str, Any], path: Path) -> set[tuple[str, str, str, str]]:
    """(record_id, event_id, rule, column) of every cell breaking *schema*'s constraints, as
    a Table Schema reader would judge them (rows of the wrong width are skipped: row.shape)."""
    with path.open(encoding="utf-8", newline="") as handle:
        header, *records = list(csv.reader(handle))
    missing = set(schema["missingValues"])
    out: set[tuple[str, str, str, str]] = set()
    seen: set[tuple[str, str]] = set()
    for record in records:
        if len(record) != len(header):
            continue
        cells = dict(zip(header, record, strict=True))
        ids = (cells["record_id"], cells["event_id"])
        for field in schema["fields"]:
            name, rules = field["name"], field["constraints"]
            value = cells.get(name, "")
            if value in missing:
                if rules["required"]:
                    out.add((*ids, "value.required", name))
                continue
            if field["type"] == "date" and not _is_date(value):
                out.add((*ids, "value.type", name))
            if field["type"] == "integer" and not (
                re.fullmatch(r"[+-]?[0-9]+", value) and int(value) >= rules["minimum"]
            ):
                out.add((*ids, "value.type", name))
            if "enum" in rules and value not in rules["enum"]:
                out.add((*ids, "value.enum", name))
            if rules.get("unique"):
                if (name, value) in seen:
                    out.add((*ids, "record_id.unique", name))
                seen.add((name, value))
    return out


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) is not None


@pytest.mark.parametrize("made", ["committed", "fresh"])
def test_table_schema_judges_cells_as_the_answer_key(made: str) -> None:
    if made == "committed":
        schema = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    else:
        schema = table_schema(default_settings())
    cell_rules = {"value.required", "value.type", "value.enum", "record_id.unique"}
    key = {item for item in ANSWER_KEY["extraction_errors"] if item[2] in cell_rules}
    assert violations(schema, ERRORS) == key
    assert violations(schema, REAL / "events.csv") == set()


# ---------------------------------------------------------------- the command


@pytest.mark.parametrize(
    ("fmt", "committed"), [("pandera", PANDERA_FILE), ("table-schema", TABLE_FILE)]
)
def test_schema_command_writes_the_committed_file(
    tmp_path: Path, fmt: str, committed: Path
) -> None:
    out = tmp_path / "schema"
    result = CliRunner().invoke(main, ["schema", "--format", fmt, "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {out}\n"
    if fmt == "pandera":
        assert yaml.safe_load(out.read_text()) == yaml.safe_load(committed.read_text())
    else:
        assert out.read_text() == committed.read_text()


def test_schema_gx_is_gx_suite() -> None:
    by_schema = CliRunner().invoke(main, ["schema", "--format", "gx"])
    by_gx_suite = CliRunner().invoke(main, ["gx-suite"])
    assert by_schema.exit_code == by_gx_suite.exit_code == 0
    suite = json.loads(by_schema.stdout)
    assert suite["expectations"] and by_schema.stdout == by_gx_suite.stdout


def test_schema_command_takes_the_config(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(
        '[tool.event-toolkit]\ndate_max = "2030-12-31"\nmissing_values = ["N/A"]\n'
        '[tool.event-toolkit.vocabularies]\nevent_type = ["clash", "other"]\n'
    )
    result = CliRunner().invoke(
        main, ["schema", "--format", "table-schema", "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["missingValues"] == ["", "N/A"]
    event_type = next(f for f in schema["fields"] if f["name"] == "event_type")
    assert event_type["constraints"]["enum"] == ["clash", "other"]
    result = CliRunner().invoke(main, ["schema", "--format", "pandera", "--config", str(config)])
    assert result.exit_code == 0, result.output
    checks = yaml.safe_load(result.stdout)["columns"]["event_type"]
    assert checks["event_toolkit_value_enum"]["vocabularies"]["event_type"] == ["clash", "other"]
    dates = yaml.safe_load(result.stdout)["columns"]["event_date"]["event_toolkit_date_range"]
    assert dates["date_max"] == "2030-12-31"


def test_schema_command_errors_are_one_line(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.event-toolkit]\n")
    for args, message in [
        (["--format", "csv"], "invalid value for '--format'"),
        ([], "missing option '--format'"),
        (["--format", "pandera", "--config", str(tmp_path / "no.toml")], "config file not found"),
        (["--format", "table-schema", "--config", str(config), "-o", str(config)], "overwrite"),
        (["--format", "table-schema", "-o", str(tmp_path / "no" / "x.json")], "does not exist"),
    ]:
        assert message in one_line_error(CliRunner().invoke(main, ["schema", *args])), args
    assert config.read_text() == "[tool.event-toolkit]\n"


def test_without_pyyaml_the_pandera_format_says_how_to_install() -> None:
    done = run_guarded(["schema", "--format", "pandera"], {"yaml"})
    assert done.stdout.rstrip().endswith("exit 2"), (done.stdout, done.stderr)
    assert "pip install pyyaml" in done.stderr and done.stderr.count("\n") == 1
    done = run_guarded(["schema", "--format", "table-schema"], {"yaml", "pandera"})
    assert done.stdout.rstrip().endswith("exit 0"), done.stderr
