"""Finding and Report: the checker's output, independent of any format."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import starmap
from operator import attrgetter
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    import polars as pl

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
    line: int  # where the record is (Report.located_by): its line, sheet row or number
    record_id: str | None
    event_id: str | None
    column: str | None
    value: str | None
    message: str
    suggestion: str | None = None

    def to_dict(self) -> dict[str, Any]:
        # field by field: dataclasses.asdict deep-copies every value, 5x slower
        return dict(zip(FINDING_FIELDS, _FIELDS_OF(self), strict=True))


class Findings(Sequence[Finding]):
    """Findings held as a polars frame (one column per FINDING_FIELDS, in report order), as
    the checker makes them: Finding objects are built only when a caller reads them one by
    one (a report of 200,000 findings written as JSON never needs them)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame.select(FINDING_FIELDS)
        self._items: tuple[Finding, ...] | None = None

    def _all(self) -> tuple[Finding, ...]:
        if self._items is None:
            self._items = tuple(starmap(Finding, self.frame.iter_rows()))
        return self._items

    def __len__(self) -> int:
        return self.frame.height

    @overload
    def __getitem__(self, index: int) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Finding, ...]: ...
    def __getitem__(self, index: int | slice) -> Finding | tuple[Finding, ...]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self._all() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return f"Findings({len(self)} findings)"

    def having(self, column: str, value: str) -> int:
        """How many findings have *value* in *column* (severity, rule), from the frame."""
        return int((self.frame.get_column(column) == value).sum())


@dataclass(frozen=True)
class Report:
    """All findings for one file."""

    file: str
    rows: int
    findings: Sequence[Finding] = field(default_factory=tuple)  # a tuple, or Findings
    rule_order: tuple[str, ...] = ()  # every rule of the catalogue, in its order
    disabled: tuple[str, ...] = ()  # rules turned off for this run
    changed: tuple[str, int] | None = None  # (git revision, rows changed since) if diff-aware
    located_by: str = "line"  # what Finding.line counts: line, row or record (toolkit.readers)
    unusable: str | None = None  # why the file could not be read (then nothing was checked)
    mapping: str | None = None  # the column mapping in effect (toolkit.mapping), if any

    @property
    def errors(self) -> int:
        return self._severity_count("error")

    @property
    def warnings(self) -> int:
        return self._severity_count("warning")

    def _severity_count(self, severity: str) -> int:
        if isinstance(self.findings, Findings):
            return self.findings.having("severity", severity)
        return sum(f.severity == severity for f in self.findings)

    @property
    def valid(self) -> bool:
        return self.unusable is None and self.errors == 0

    @property
    def by_rule(self) -> dict[str, int]:
        if isinstance(self.findings, Findings):
            rules = self.findings.frame.get_column("rule").value_counts()
            counts = Counter(dict(rules.iter_rows()))
        else:
            counts = Counter(f.rule for f in self.findings)
        order = {rule: i for i, rule in enumerate(self.rule_order)}
        return dict(sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))

    def to_dict(self, failures: bool = True) -> dict[str, Any]:
        """The documented JSON shape (without the failures when *failures* is false)."""
        out = {
            "file": self.file,
            "rows": self.rows,
            "located_by": self.located_by,
            "valid": self.valid,
            "summary": {"errors": self.errors, "warnings": self.warnings, "by_rule": self.by_rule},
        }
        if self.mapping is not None:
            out["mapping"] = self.mapping
        if self.unusable is not None:
            out["unusable"] = self.unusable
        if failures:
            out["failures"] = [f.to_dict() for f in self.findings]
        return out

    def flatten(
        self, fields: tuple[str, ...] = ("line", "rule", "column")
    ) -> list[tuple[Any, ...]]:
        """Findings as plain tuples of the chosen fields: one-line assertions in tests."""
        return [tuple(getattr(f, name) for name in fields) for f in self.findings]


def unusable_report(file: str, reason: str) -> Report:
    """The report on a file that could not be read: *reason* says why."""
    return Report(file=file, rows=0, unusable=reason)


def exit_code(reports: list[Report], fail_on: str = "error") -> int:
    """2 when a file was unusable; else 1 when a report has an error (fail_on "error"), or
    any finding ("warning"); else 0."""
    if any(r.unusable is not None for r in reports):
        return 2
    if fail_on == "never":
        return 0
    if fail_on == "warning":
        return 1 if any(r.findings for r in reports) else 0
    return 0 if all(r.valid for r in reports) else 1
