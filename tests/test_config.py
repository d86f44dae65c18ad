"""Settings: contract defaults < [tool.event-toolkit] (pyproject, searched upward) or --config
< command-line flags. Bad config is exit 2 with a one-line message naming the key."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.conftest import PLACE_RULES, one_line_error, rows
from toolkit.cli import validate_command
from toolkit.config import default_settings, find_pyproject, load_settings
from toolkit.errors import ConfigError

Writer = Callable[..., Path]
TODAY = dt.date(2026, 1, 1)
# rules that need the gazetteer (being written concurrently) are off where they do not matter
NO_GAZETTEER = (*PLACE_RULES, "event.consistent")
NO_GAZ_TOML = "\n".join(f'"{rule}" = "off"' for rule in NO_GAZETTEER)
NO_GAZ_FLAGS = [arg for rule in NO_GAZETTEER for arg in ("--rule", f"{rule}=off")]


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(validate_command, [str(a) for a in args])


def report(result: Result) -> dict[str, Any]:
    payload = json.loads(result.stdout)
    assert isinstance(payload, dict)
    return payload


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def pyproject(folder: Path, body: str) -> Path:
    return write(folder / "pyproject.toml", f"[tool.event-toolkit]\n{body}\n")


# a bad count (value.type) and a 1950 published date (date.range with date_min 2000)
DATA = rows({}, {"count": "many"}, {"published_date": "1950-01-01", "event_date": "1950-01-01"})


# ------------------------------------------------------------------ library: load_settings


def test_defaults_come_from_the_contract() -> None:
    settings = default_settings(today=TODAY)
    assert settings.date_min == dt.date(1900, 1, 1)
    assert settings.date_max == TODAY
    assert settings.about_tolerance == pytest.approx(0.10)
    assert settings.severity("value.type") == "error"
    assert settings.gazetteer == ()
    assert settings.source == "defaults"


def test_pyproject_found_upward_from_the_data_file(tmp_path: Path) -> None:
    config = pyproject(tmp_path, 'date_min = "2000-01-01"\nabout_tolerance = 0.2')
    data = write(tmp_path / "a" / "b" / "events.csv", "x\n")
    assert find_pyproject(data) == config.resolve()
    settings = load_settings(data_path=data, today=TODAY)
    assert settings.date_min == dt.date(2000, 1, 1)
    assert settings.about_tolerance == pytest.approx(0.2)
    assert settings.source == str(config.resolve())


def test_pyproject_without_the_table_is_skipped(tmp_path: Path) -> None:
    outer = pyproject(tmp_path, 'date_min = "2000-01-01"')
    write(tmp_path / "inner" / "pyproject.toml", '[project]\nname = "x"\n')
    data = write(tmp_path / "inner" / "events.csv", "x\n")
    assert find_pyproject(data) == outer.resolve()


def test_flags_win_over_config(tmp_path: Path) -> None:
    config = write(tmp_path / "c.toml", 'date_min = "2000-01-01"\ndate_max = "2020-01-01"')
    settings = load_settings(
        config_path=config, overrides={"date_max": "2030-01-01", "date_min": None}, today=TODAY
    )
    assert (settings.date_min, settings.date_max) == (dt.date(2000, 1, 1), dt.date(2030, 1, 1))


def test_config_file_wins_over_pyproject(tmp_path: Path) -> None:
    pyproject(tmp_path, 'date_min = "2000-01-01"')
    config = write(tmp_path / "other.toml", 'date_min = "2010-01-01"')
    data = write(tmp_path / "events.csv", "x\n")
    settings = load_settings(data_path=data, config_path=config, today=TODAY)
    assert settings.date_min == dt.date(2010, 1, 1)


def test_config_file_may_use_the_tool_table(tmp_path: Path) -> None:
    config = write(tmp_path / "c.toml", '[tool.event-toolkit]\ndate_min = "2010-01-01"\n')
    assert load_settings(config_path=config, today=TODAY).date_min == dt.date(2010, 1, 1)


def test_toml_dates_and_today(tmp_path: Path) -> None:
    config = write(tmp_path / "c.toml", 'date_min = 2001-02-03\ndate_max = "today"')
    settings = load_settings(config_path=config, today=TODAY)
    assert (settings.date_min, settings.date_max) == (dt.date(2001, 2, 3), TODAY)


def test_gazetteer_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    config = write(tmp_path / "conf" / "c.toml", 'gazetteer = ["places.csv", "/abs/g.txt"]')
    settings = load_settings(config_path=config, today=TODAY)
    assert settings.gazetteer == (tmp_path / "conf" / "places.csv", Path("/abs/g.txt"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('date_mni = "2000-01-01"', "date_mni: unknown key (known: date_min, date_max, "),
        ('date_min = "01/02/2000"', "date_min: '01/02/2000' is not a YYYY-MM-DD date"),
        ("date_max = 5", "date_max: 5 is not a YYYY-MM-DD date"),
        ("about_tolerance = 1.5", "about_tolerance: 1.5 must be at least 0 and below 1"),
        ("about_tolerance = true", "about_tolerance: True is not a number"),
        ('about_tolerance = "ten"', "about_tolerance: 'ten' is not a number"),
        ('rules = "strict"', "rules: must be a table of rule = severity"),
        ('rules = {"value.type" = "fatal"}', "rules.value.type: 'fatal' is not one of"),
        ('rules = {"value.typo" = "off"}', "rules.value.typo: unknown rule id"),
        ('vocabularies = {colour = ["red"]}', "vocabularies.colour: unknown vocabulary"),
        ("vocabularies = {event_type = []}", "vocabularies.event_type: must be a non-empty"),
        ('vocabularies = {role = ["total", "whole"]}', "vocabularies.role: whole cannot be added"),
        ("gazetteer = 3", "gazetteer: must be a path or a list of paths"),
        ('missing_values = "N/A"', "missing_values: must be a list of strings"),
        ('missing_values = ["N/A", " "]', "missing_values: ' ' is blank"),
    ],
)
def test_bad_key_is_named(tmp_path: Path, body: str, message: str) -> None:
    config = pyproject(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_settings(data_path=tmp_path / "events.csv", today=TODAY)
    assert str(info.value).startswith(f"{config.resolve()}: [tool.event-toolkit] {message}")


def test_date_min_after_date_max(tmp_path: Path) -> None:
    config = write(tmp_path / "c.toml", 'date_min = "2022-01-01"\ndate_max = "2021-01-01"')
    with pytest.raises(ConfigError, match=r"^date_min 2022-01-01 is after date_max 2021-01-01$"):
        load_settings(config_path=config, today=TODAY)


def test_invalid_toml(tmp_path: Path) -> None:
    config = write(tmp_path / "c.toml", "date_min = \n")
    with pytest.raises(ConfigError, match=r"c\.toml: not valid TOML \("):
        load_settings(config_path=config, today=TODAY)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: config file not found$"):
        load_settings(config_path=tmp_path / "nope.toml", today=TODAY)


def test_pyproject_config_file_needs_the_table(tmp_path: Path) -> None:
    config = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"pyproject\.toml: no \[tool\.event-toolkit\] table$"):
        load_settings(config_path=config, today=TODAY)


# ------------------------------------------------------------------ through the CLI


def test_cli_reads_pyproject_next_to_the_data(tmp_path: Path, write_csv: Writer) -> None:
    pyproject(tmp_path, f'date_min = "2000-01-01"\n[tool.event-toolkit.rules]\n{NO_GAZ_TOML}')
    result = invoke(write_csv(DATA), "--format", "json")
    assert result.exit_code == 1
    summary = report(result)["summary"]
    assert (summary["errors"], summary["warnings"], summary["by_rule"]) == (
        3, 0, {"value.type": 1, "date.range": 2}
    )  # fmt: skip


def test_cli_rule_set_to_warning_exits_0(tmp_path: Path, write_csv: Writer) -> None:
    pyproject(
        tmp_path,
        f'date_min = "2000-01-01"\n[tool.event-toolkit.rules]\n{NO_GAZ_TOML}\n'
        '"value.type" = "warning"\n"date.range" = "warning"',
    )
    result = invoke(write_csv(DATA), "--format", "json")
    assert result.exit_code == 0, result.output
    payload = report(result)
    assert payload["valid"] is True
    assert payload["summary"]["errors"] == 0
    assert payload["summary"]["warnings"] == 3
    assert [(f["rule"], f["severity"], f["line"], f["column"]) for f in payload["failures"]] == [
        ("value.type", "warning", 3, "count"),
        ("date.range", "warning", 4, "published_date"),
        ("date.range", "warning", 4, "event_date"),
    ]


def test_cli_rule_off_removes_its_findings(tmp_path: Path, write_csv: Writer) -> None:
    pyproject(tmp_path, 'date_min = "2000-01-01"')
    result = invoke(write_csv(DATA), "--format", "json", *NO_GAZ_FLAGS, "--rule", "date.range=off")
    assert result.exit_code == 1
    assert report(result)["summary"]["by_rule"] == {"value.type": 1}


def test_cli_flags_win_over_pyproject(tmp_path: Path, write_csv: Writer) -> None:
    pyproject(tmp_path, 'date_min = "2000-01-01"\nrules = {"value.type" = "off"}')
    path = write_csv(DATA)
    result = invoke(path, "--date-min", "1900-01-01", "--rule", "value.type=error", *NO_GAZ_FLAGS)
    assert result.exit_code == 1
    assert "value.type (1 error)" in result.stdout
    assert "date.range" not in result.stdout


def test_cli_config_option_replaces_pyproject(tmp_path: Path, write_csv: Writer) -> None:
    pyproject(tmp_path, 'date_min = "2000-01-01"')
    config = write(tmp_path / "cfg" / "strict.toml", 'rules = {"value.type" = "warning"}')
    result = invoke(write_csv(DATA), "--config", config, "--format", "json", *NO_GAZ_FLAGS)
    assert result.exit_code == 0
    assert report(result)["summary"]["by_rule"] == {"value.type": 1}


def test_cli_vocabulary_from_config(tmp_path: Path, write_csv: Writer) -> None:
    words = '["border_crossing", "riot"]'
    pyproject(tmp_path, f"vocabularies = {{event_type = {words}}}")
    path = write_csv(rows({"event_type": "riot"}, {"event_type": "clash"}))
    result = invoke(path, "--format", "json", *NO_GAZ_FLAGS)
    assert result.exit_code == 1
    failures = report(result)["failures"]
    assert [(f["rule"], f["line"], f["value"]) for f in failures] == [("value.enum", 3, "clash")]


def test_cli_about_tolerance_flag(write_csv: Writer) -> None:
    # total about 100, parts 50 + 60 = 110: inside a 10% tolerance, outside 5%
    data = rows(
        {"event_id": "e1", "count": "100", "count_qualifier": "about"},
        {"event_id": "e1", "role": "part", "count": "50"},
        {"event_id": "e1", "role": "part", "count": "60"},
    )
    path = write_csv(data)
    assert invoke(path, *NO_GAZ_FLAGS).exit_code == 0
    result = invoke(path, "--about-tolerance", "0.05", *NO_GAZ_FLAGS)
    assert result.exit_code == 1
    assert "subtotal.sum (1 error)" in result.stdout


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('date_mni = "2000-01-01"', "[tool.event-toolkit] date_mni: unknown key"),
        ('rules = {"value.type" = "fatal"}', "[tool.event-toolkit] rules.value.type: 'fatal'"),
        ("about_tolerance = -1", "[tool.event-toolkit] about_tolerance: -1.0 must be"),
        ("date_min = \n", "not valid TOML"),
    ],
)
def test_cli_malformed_pyproject_exits_2(
    tmp_path: Path, write_csv: Writer, body: str, fragment: str
) -> None:
    pyproject(tmp_path, body)
    message = one_line_error(invoke(write_csv(DATA)))
    assert message.startswith(f"{(tmp_path / 'pyproject.toml').resolve()}: ")
    assert fragment in message


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date-min", "yesterday"], "option date_min: 'yesterday' is not a YYYY-MM-DD date"),
        (["--date-max", "2021-02-30"], "option date_max: '2021-02-30' is not a YYYY-MM-DD date"),
        (["--about-tolerance", "x"], "option about_tolerance: 'x' is not a number"),
        (["--rule", "value.typo=off"], "option rules.value.typo: unknown rule id"),
        (["--rule", "value.type=loud"], "option rules.value.type: 'loud' is not one of"),
        (["--date-min", "2022-01-01", "--date-max", "2021-01-01"], "date_min 2022-01-01 is after"),
    ],
)
def test_cli_bad_flag_values_exit_2(write_csv: Writer, args: list[str], message: str) -> None:
    assert one_line_error(invoke(write_csv(DATA), *args)).startswith(message)


def test_cli_missing_config_file_exits_2(tmp_path: Path, write_csv: Writer) -> None:
    message = one_line_error(invoke(write_csv(DATA), "--config", tmp_path / "none.toml"))
    assert message == f"{tmp_path / 'none.toml'}: config file not found"


def test_cli_config_table_of_wrong_type_exits_2(tmp_path: Path, write_csv: Writer) -> None:
    write(tmp_path / "pyproject.toml", "[tool]\nevent-toolkit = 3\n")
    message = one_line_error(invoke(write_csv(DATA)))
    assert message.endswith("pyproject.toml: [tool.event-toolkit] must be a table")


def test_cli_pyproject_with_non_table_tool_exits_2(tmp_path: Path, write_csv: Writer) -> None:
    write(tmp_path / "pyproject.toml", "tool = 1\n")
    message = one_line_error(invoke(write_csv(DATA)))
    assert "pyproject.toml" in message


def test_cli_missing_gazetteer_file_exits_2(tmp_path: Path, write_csv: Writer) -> None:
    missing = tmp_path / "places.csv"
    message = one_line_error(invoke(write_csv(rows({})), "--gazetteer", missing))
    assert str(missing) in message


# ------------------------------------------------------------------ unknown rule ids, severities

# the rule catalogue, in the README's order
RULE_IDS = (
    "row.shape, value.required, value.type, value.enum, record_id.unique, date.range, date.order, "
    "event.consistent, subtotal.total, subtotal.sum, place.known, place.unverified, "
    "place.hierarchy"
)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "place.knwn=warning",
            f"option rules.place.knwn: unknown rule id; did you mean place.known? "
            f"(known: {RULE_IDS})",
        ),
        (
            "subtotal.sums=off",
            f"option rules.subtotal.sums: unknown rule id; did you mean subtotal.sum? "
            f"(known: {RULE_IDS})",
        ),
        ("nothing.alike=off", f"option rules.nothing.alike: unknown rule id (known: {RULE_IDS})"),
        (
            "place.known=warn",
            "option rules.place.known: 'warn' is not one of error, warning, off; "
            "did you mean warning?",
        ),
        (
            "place.known=fatal",
            "option rules.place.known: 'fatal' is not one of error, warning, off",
        ),
    ],
)
def test_cli_bad_rule_names_the_valid_ones(write_csv: Writer, rule: str, message: str) -> None:
    assert one_line_error(invoke(write_csv(DATA), "--rule", rule)) == message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '"place.knwn" = "warning"',
            f"rules.place.knwn: unknown rule id; did you mean place.known? (known: {RULE_IDS})",
        ),
        (
            '"value.type" = "Warning"',
            "rules.value.type: 'Warning' is not one of error, warning, off; did you mean warning?",
        ),
    ],
)
def test_config_bad_rule_names_the_valid_ones(
    tmp_path: Path, write_csv: Writer, body: str, message: str
) -> None:
    config = write(tmp_path / "pyproject.toml", f"[tool.event-toolkit.rules]\n{body}\n")
    error = one_line_error(invoke(write_csv(DATA)))
    assert error == f"{config.resolve()}: [tool.event-toolkit] {message}"
