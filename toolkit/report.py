"""Finding and Report: the checker's output, independent of any format."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import starmap
from operator import attrgetter
from typing import TYPE_CHECKING, Any, overload

from toolkit.tally import Tally, tally

if TYPE_CHECKING:
    import polars as pl

# The version of the JSON report's shape (schemas/report.schema.json); CHANGELOG.md says
# what each version changed. 1: the shape before it had a version.
SCHEMA_VERSION = 2

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
# what the checker's findings frame also keeps, for counts (not a field of Finding): the
# country cell of the finding's record, as written
COUNTRY = "country_of_record"


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
        extra = [COUNTRY] if COUNTRY in frame.columns else []
        self.frame = frame.select(*FINDING_FIELDS, *extra)
        self._items: tuple[Finding, ...] | None = None

    def _all(self) -> tuple[Finding, ...]:
        if self._items is None:
            self._items = tuple(starmap(Finding, self.frame.select(FINDING_FIELDS).iter_rows()))
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

    def first_per_rule(self, limit: int) -> Findings:
        """The first *limit* findings of each rule, in report order."""
        import polars as pl

        return Findings(self.frame.filter(pl.int_range(pl.len()).over("rule") < limit))


def first_per_rule(findings: Sequence[Finding], limit: int) -> Sequence[Finding]:
    """The first *limit* findings of each rule of *findings*, in their order."""
    if isinstance(findings, Findings):
        return findings.first_per_rule(limit)
    seen: Counter[str] = Counter()
    kept = []
    for f in findings:
        seen[f.rule] += 1
        if seen[f.rule] <= limit:
            kept.append(f)
    return tuple(kept)


@dataclass(frozen=True)
class Report:
    """The findings for one file: those listed, and the exact counts of all of them.

    Usually every finding is listed; ``capped_to(n)`` lists the first n per rule and keeps the
    counts (``tally``) of all. With a baseline (toolkit.baseline), findings already in it
    are ``accepted``: listed apart, they neither count as errors nor fail the run.
    """

    file: str
    rows: int
    findings: Sequence[Finding] = field(default_factory=tuple)  # a tuple, or Findings
    rule_order: tuple[str, ...] = ()  # every rule of the catalogue, in its order
    disabled: tuple[str, ...] = ()  # rules turned off for this run
    changed: tuple[str, int] | None = None  # (git revision, rows changed since) if diff-aware
    located_by: str = "line"  # what Finding.line counts: line, row or record (toolkit.readers)
    unusable: str | None = None  # why the file could not be read (then nothing was checked)
    mapping: str | None = None  # the column mapping in effect (toolkit.mapping), if any
    totals: Tally | None = None  # exact counts, when not every finding is listed
    max_findings: int | None = None  # the cap on findings listed per rule, if any
    baseline: str | None = None  # the baseline report the findings were compared with
    accepted: Sequence[Finding] = ()  # findings already in the baseline (listed)
    accepted_total: int | None = None  # how many, when not every one is listed

    @cached_property
    def tally(self) -> Tally:
        """Counts of every finding (listed or not) per rule and severity, and the groups."""
        return self.totals if self.totals is not None else tally(self.findings)

    @property
    def errors(self) -> int:
        return self.tally.severity("error")

    @property
    def warnings(self) -> int:
        return self.tally.severity("warning")

    @property
    def total(self) -> int:
        """How many findings there are (not counting accepted ones), listed or not."""
        return self.tally.total

    @property
    def accepted_count(self) -> int:
        return len(self.accepted) if self.accepted_total is None else self.accepted_total

    @property
    def capped(self) -> bool:
        """Whether some findings (or accepted ones) are counted but not listed."""
        return self.total > len(self.findings) or self.accepted_count > len(self.accepted)

    def capped_to(self, limit: int | None) -> Report:
        """This report listing at most *limit* findings per rule (accepted ones too), with
        the counts of all; None: all of them."""
        if limit is None:
            return self
        return replace(
            self,
            findings=first_per_rule(self.findings, limit),
            totals=self.tally,
            max_findings=limit,
            accepted=first_per_rule(self.accepted, limit),
            accepted_total=self.accepted_count,
        )

    @property
    def valid(self) -> bool:
        return self.unusable is None and self.errors == 0

    @property
    def by_rule(self) -> dict[str, int]:
        """Findings per rule (listed or not), in catalogue order."""
        counts: Counter[str] = Counter()
        for (rule, _), n in self.tally.by_rule_severity.items():
            counts[rule] += n
        order = {rule: i for i, rule in enumerate(self.rule_order)}
        return dict(sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))

    def to_dict(self, failures: bool = True) -> dict[str, Any]:
        """The documented JSON shape, schemas/report.schema.json (when *failures* is false,
        without the lists of findings and with an empty list of groups: the JSON format
        writes those from the frames)."""
        summary: dict[str, Any] = {
            "errors": self.errors,
            "warnings": self.warnings,
            "by_rule": self.by_rule,
            "listed": len(self.findings),
            "max_findings": self.max_findings,
            "accepted": self.accepted_count,
            "groups": [group.to_dict() for group in self.tally.groups] if failures else [],
        }
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "file": self.file,
            "rows": self.rows,
            "located_by": self.located_by,
            "valid": self.valid,
            "summary": summary,
        }
        if self.mapping is not None:
            out["mapping"] = self.mapping
        if self.unusable is not None:
            out["unusable"] = self.unusable
        if self.baseline is not None:
            out["baseline"] = self.baseline
        if failures:
            out["failures"] = [f.to_dict() for f in self.findings]
            if self.baseline is not None:
                out["accepted"] = [f.to_dict() for f in self.accepted]
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
    any finding ("warning"); else 0. Findings accepted by a baseline do not count."""
    if any(r.unusable is not None for r in reports):
        return 2
    if fail_on == "never":
        return 0
    if fail_on == "warning":
        return 1 if any(r.total for r in reports) else 0
    return 0 if all(r.valid for r in reports) else 1
