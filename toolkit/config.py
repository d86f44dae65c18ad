"""Settings: contract defaults < [tool.event-toolkit] in pyproject.toml (or --config) < flags."""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from toolkit.contract import SEVERITIES, Contract, load_contract
from toolkit.errors import ConfigError
from toolkit.paths import is_dir, is_file

TABLE = "tool.event-toolkit"
KEYS = (
    "date_min",
    "date_max",
    "about_tolerance",
    "vocabularies",
    "rules",
    "gazetteer",
    "missing_values",
    "columns",
    "preset",
)


@dataclass(frozen=True)
class Settings:
    """Everything a run of the checker depends on besides the data."""

    date_min: dt.date
    date_max: dt.date
    about_tolerance: float
    vocabularies: dict[str, tuple[str, ...]]
    severities: dict[str, str]
    gazetteer: tuple[Path, ...] = ()
    # cells that mean "no value" besides blank ones ("No Information", "N/A"): read as empty
    missing_values: tuple[str, ...] = ()
    # contract column -> the file's column ([tool.event-toolkit.columns]), and a preset
    # (schemas/presets.toml): see toolkit/mapping.py
    columns: dict[str, str] = field(default_factory=dict)
    preset: str | None = None
    source: str = "defaults"
    extra: dict[str, Any] = field(default_factory=dict)

    def severity(self, rule_id: str) -> str:
        return self.severities[rule_id]

    def enabled(self, rule_id: str) -> bool:
        return self.severities[rule_id] != "off"


def default_settings(contract: Contract | None = None, today: dt.date | None = None) -> Settings:
    contract = contract or load_contract()
    params = contract.params
    return Settings(
        date_min=to_date("date_min", params["date_min"], today),
        date_max=to_date("date_max", params["date_max"], today),
        about_tolerance=float(params["about_tolerance"]),
        vocabularies=dict(contract.vocabularies),
        severities={spec.id: spec.severity for spec in contract.rules},
    )


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.event-toolkit] table, searching upward."""
    folder = start if is_dir(start) else start.parent
    for candidate in (folder.resolve(), *folder.resolve().parents):
        path = candidate / "pyproject.toml"
        if is_file(path) and _table(path, _load_toml(path), required=False) is not None:
            return path
    return None


def load_settings(
    *,
    data_path: Path | None = None,
    config_path: Path | None = None,
    overrides: dict[str, Any] | None = None,
    today: dt.date | None = None,
) -> Settings:
    """Resolve settings for validating *data_path*; *overrides* are command-line values."""
    settings = default_settings(today=today)
    if config_path is not None:
        # (a missing or unreadable file: _load_toml says which)
        settings = apply(settings, _config_table(config_path), config_path, today)
    elif data_path is not None and (found := find_pyproject(data_path)) is not None:
        settings = apply(settings, _config_table(found), found, today)
    if overrides:
        settings = apply(settings, overrides, None, today)
    if settings.date_min > settings.date_max:
        raise ConfigError(f"date_min {settings.date_min} is after date_max {settings.date_max}")
    return settings


def apply(
    settings: Settings, table: dict[str, Any], origin: Path | None, today: dt.date | None = None
) -> Settings:
    """Return *settings* with the keys of *table* applied; ConfigError names a bad key."""
    where = f"{origin}: [{TABLE}]" if origin else "option"
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key not in KEYS:
            raise ConfigError(f"{where} {key}: unknown key (known: {', '.join(KEYS)})")
        if value is None:
            continue
        label = f"{where} {key}"
        if key in ("date_min", "date_max"):
            changes[key] = to_date(label, value, today)
        elif key == "about_tolerance":
            changes[key] = _tolerance(label, value)
        elif key == "vocabularies":
            changes[key] = _vocabularies(label, value, settings.vocabularies)
        elif key == "rules":
            changes["severities"] = _severities(label, value, settings.severities)
        elif key == "gazetteer":
            base = origin.parent if origin else Path.cwd()
            changes[key] = settings.gazetteer + _paths(label, value, base)
        elif key == "missing_values":
            changes[key] = _missing_values(label, value)
        elif key == "columns":
            changes[key] = {**settings.columns, **_columns(label, value)}
        elif key == "preset":
            from toolkit.mapping import preset

            if not isinstance(value, str):
                raise ConfigError(f"{label}: must be a preset's name")
            try:
                changes[key] = preset(value).name
            except ConfigError as exc:
                raise ConfigError(f"{label}: {exc}") from None
    if origin is not None:
        changes["source"] = str(origin)
    return replace(settings, **changes)


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        return tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _table(path: Path, raw: dict[str, Any], *, required: bool) -> dict[str, Any] | None:
    tool = raw.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: `tool` must be a table ([tool]), not {_toml_type(tool)}")
    table = tool.get("event-toolkit")
    if table is None:
        if path.name == "pyproject.toml" and not required:
            return None
        if path.name != "pyproject.toml":
            return raw  # a dedicated config file may hold the keys at top level
        raise ConfigError(f"{path}: no [{TABLE}] table")
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{TABLE}] must be a table")
    return table


def _toml_type(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string"}
    names |= {list: "an array", dt.date: "a date", dt.datetime: "a date-time", dt.time: "a time"}
    return names.get(type(value), type(value).__name__)


def _config_table(path: Path) -> dict[str, Any]:
    table = _table(path, _load_toml(path), required=True)
    assert table is not None
    return table


def to_date(label: str, value: object, today: dt.date | None) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        if value.strip().lower() == "today":
            return today or dt.date.today()
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{label}: {value!r} is not a YYYY-MM-DD date (or 'today')")


def _tolerance(label: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"{label}: {value!r} is not a number")
    try:
        number = float(value)
    except ValueError:
        raise ConfigError(f"{label}: {value!r} is not a number") from None
    if not 0 <= number < 1:
        raise ConfigError(f"{label}: {number} must be at least 0 and below 1")
    return number


def _vocabularies(
    label: str, value: object, current: dict[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{label}: must be a table of lists")
    merged = dict(current)
    for name, words in value.items():
        if name not in current:
            raise ConfigError(f"{label}.{name}: unknown vocabulary (known: {', '.join(current)})")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
            raise ConfigError(f"{label}.{name}: must be a non-empty list of strings")
        fixed = {"role": current["role"], "count_qualifier": current["count_qualifier"]}
        if name in fixed and not set(words) <= set(fixed[name]):
            extra = sorted(set(words) - set(fixed[name]))
            raise ConfigError(
                f"{label}.{name}: {', '.join(extra)} cannot be added; "
                f"the checker gives meaning only to {', '.join(fixed[name])}"
            )
        if name == "role" and set(words) != set(current["role"]):
            raise ConfigError(f"{label}.role: must be exactly total and part")
        merged[name] = tuple(words)
    return merged


def _severities(label: str, value: object, current: dict[str, str]) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{label}: must be a table of rule = severity")
    merged = dict(current)
    for rule_id, severity in value.items():
        if rule_id not in current:
            raise ConfigError(
                f"{label}.{rule_id}: unknown rule id{did_you_mean(rule_id, current)} "
                f"(known: {', '.join(current)})"
            )
        if severity not in SEVERITIES:
            raise ConfigError(
                f"{label}.{rule_id}: {severity!r} is not one of {', '.join(SEVERITIES)}"
                + did_you_mean(severity, SEVERITIES)
            )
        merged[rule_id] = str(severity)
    return merged


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """'; did you mean X?' for the choice closest to *word*, or '' when none is close."""
    if not isinstance(word, str):
        return ""
    options = list(choices)
    same = [c for c in options if c.casefold() == word.strip().casefold()]  # 'WARNING'
    close = same or difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def _columns(label: str, value: object) -> dict[str, str]:
    """contract column = the file's column, for the contract's columns only."""
    contract = load_contract().names
    if not isinstance(value, dict):
        raise ConfigError(f"{label}: must be a table of contract column = the file's column")
    for column, name in value.items():
        if column not in contract:
            raise ConfigError(
                f"{label}.{column}: not a column of the contract{did_you_mean(column, contract)}"
                f" (known: {', '.join(contract)})"
            )
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{label}.{column}: must be the name of a column of the file")
    return {str(k): str(v) for k, v in value.items()}


def _missing_values(label: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{label}: must be a list of strings")
    blank = [v for v in value if not v.strip()]
    if blank:
        raise ConfigError(f"{label}: {blank[0]!r} is blank (blank cells are always empty)")
    return tuple(dict.fromkeys(v.strip() for v in value))


def _paths(label: str, value: object, base: Path) -> tuple[Path, ...]:
    items = [value] if isinstance(value, str | Path) else value
    if not isinstance(items, list | tuple) or not all(isinstance(v, str | Path) for v in items):
        raise ConfigError(f"{label}: must be a path or a list of paths")
    return tuple(p if (p := Path(v)).is_absolute() else base / p for v in items)
