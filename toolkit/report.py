"""Finding and Report: the checker's output, independent of any format."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

FINDING_FIELDS = (
    "rule",
    "severity",
    "line",
    "record_id",
    "event_id",
    "column",
    "value",
    "message",
    "suggestion",
)


_FIELDS_OF = attrgetter(*FINDING_FIELDS)


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule broken by one record (or one event, anchored at a record)."""

    rule: str
    severity: str  # "error" | "warning"
    line: int  # physical line where the record starts; the header is line 1
    record_id: str | None
    event_id: str | None
    column: str | None
    value: str | None
    message: str
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        # field by field: dataclasses.asdict deep-copies every value, 5x slower
        return dict(zip(FINDING_FIELDS, _FIELDS_OF(self), strict=True))


@dataclass(frozen=True)
class Report:
    """All findings for one file."""

    file: str
    rows: int
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    rule_order: tuple[str, ...] = ()  # every rule of the catalogue, in its order
    disabled: tuple[str, ...] = ()  # rules turned off for this run
    changed: tuple[str, int] | None = None  # (git revision, rows changed since) if diff-aware

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)

    @property
    def valid(self) -> bool:
        return self.errors == 0

    @property
    def by_rule(self) -> dict[str, int]:
        counts = Counter(f.rule for f in self.findings)
        order = {rule: i for i, rule in enumerate(self.rule_order)}
        return dict(sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape."""
        return {
            "file": self.file,
            "rows": self.rows,
            "valid": self.valid,
            "summary": {"errors": self.errors, "warnings": self.warnings, "by_rule": self.by_rule},
            "failures": [f.to_dict() for f in self.findings],
        }

    def flatten(
        self, fields: tuple[str, ...] = ("line", "rule", "column")
    ) -> list[tuple[Any, ...]]:
        """Findings as plain tuples of the chosen fields: one-line assertions in tests."""
        return [tuple(getattr(f, name) for name in fields) for f in self.findings]


def exit_code(reports: list[Report], fail_on: str = "error") -> int:
    """1 when a report has an error (fail_on "error"), or any finding ("warning"); else 0."""
    if fail_on == "never":
        return 0
    if fail_on == "warning":
        return 1 if any(r.findings for r in reports) else 0
    return 0 if all(r.valid for r in reports) else 1
