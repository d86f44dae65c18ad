"""The record contract and rule catalogue, loaded from schemas/contract.toml.

In a wheel the file ships as ``toolkit/_schemas/contract.toml``; in a source checkout it is
read from the top-level ``schemas/`` folder.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from toolkit.errors import ContractError

SEVERITIES = ("error", "warning", "off")
COLUMN_TYPES = ("text", "enum", "date", "count", "place")
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    required: bool
    type: str
    description: str
    vocabulary: str | None = None
    default: str | None = None
    repeated: bool = False  # values recur from row to row: held as categories in memory


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """What the catalogue says about a rule: the public, stable part."""

    id: str
    family: str
    severity: str
    summary: str
    message: str


@dataclass(frozen=True, slots=True)
class Contract:
    columns: tuple[Column, ...]
    vocabularies: dict[str, tuple[str, ...]]
    params: dict[str, Any]
    rules: tuple[RuleSpec, ...]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def repeated(self) -> tuple[str, ...]:
        """The columns whose values recur from row to row (held as polars categories)."""
        return tuple(c.name for c in self.columns if c.repeated)

    def of_type(self, type_: str) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.type == type_)

    def rule(self, rule_id: str) -> RuleSpec:
        for spec in self.rules:
            if spec.id == rule_id:
                return spec
        raise KeyError(rule_id)


def schemas_dir() -> Path:
    """The folder holding contract.toml (packaged copy first, then the source checkout)."""
    for candidate in (_PACKAGE / "_schemas", _PACKAGE.parent / "schemas"):
        if (candidate / "contract.toml").is_file():
            return candidate
    raise ContractError("schemas/contract.toml is missing from the installation")


@cache
def load_contract() -> Contract:
    path = schemas_dir() / "contract.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return _parse(raw)
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ContractError(f"{path}: invalid contract ({exc})") from None


def _parse(raw: dict[str, Any]) -> Contract:
    columns = tuple(
        Column(
            name=str(c["name"]),
            required=bool(c["required"]),
            type=str(c["type"]),
            description=str(c.get("description", "")),
            vocabulary=c.get("vocabulary"),
            default=c.get("default"),
            repeated=bool(c.get("repeated", False)),
        )
        for c in raw["columns"]
    )
    for column in columns:
        if column.type not in COLUMN_TYPES:
            raise ValueError(f"column {column.name}: unknown type {column.type!r}")
    vocabularies = {k: tuple(str(v) for v in vs) for k, vs in raw["vocabularies"].items()}
    rules = tuple(
        RuleSpec(
            id=rule_id,
            family=str(r["family"]),
            severity=str(r["severity"]),
            summary=str(r["summary"]),
            message=str(r["message"]),
        )
        for rule_id, r in raw["rules"].items()
    )
    for spec in rules:
        if spec.severity not in SEVERITIES:
            raise ValueError(f"rule {spec.id}: unknown severity {spec.severity!r}")
    return Contract(columns, vocabularies, dict(raw["params"]), rules)
