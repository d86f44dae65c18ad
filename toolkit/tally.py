"""The exact counts of a report: findings per rule and severity, and per group.

A *group* is every finding of one rule on one column with one value (one unknown name on
2,593 rows is one group): the JSON summary lists each with its count and first lines, and
the text, Markdown and HTML reports show a group as one entry. Counts are taken before a
listing is capped (``Report.capped``), so they stay exact whatever is listed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from toolkit.report import Finding

GROUP_LINES = 10  # the first lines of a group that the JSON summary keeps
LINES_SHOWN = 5  # the lines a shown entry names before "and N more" (text, Markdown, HTML)
GROUP_KEY = ("rule", "severity", "column", "value")
ENTRY_KEY = (*GROUP_KEY, "message", "suggestion")  # what one shown entry has in common


@dataclass(frozen=True, slots=True)
class Group:
    """Findings that share rule, severity, column and value (severity comes with the rule)."""

    rule: str
    severity: str
    column: str | None
    value: str | None
    count: int
    lines: tuple[int, ...]  # the first GROUP_LINES lines, in report order

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "column": self.column,
            "value": self.value,
            "count": self.count,
            "lines": list(self.lines),
        }


@dataclass(frozen=True, slots=True)
class Entry:
    """What a grouped report shows as one item: findings with the same rule, column, value,
    message and suggestion (so no message is hidden), with their count and first lines."""

    first: Finding  # the first of them (its record id, message, suggestion)
    count: int
    lines: tuple[int, ...]  # the first few lines, in report order

    def where(self, show: Callable[[int], str] = str) -> str:
        """Its lines as a report names them: "2, 3, 4, 5, 6 and 58 more" (each by *show*)."""
        text = ", ".join(show(line) for line in self.lines)
        left = self.count - len(self.lines)
        return text + (f" and {left:,} more" if left > 0 else "")


class Tally:
    """Counts per (rule, severity), the groups in report order, and per country (the
    country cell of each finding's record, where the findings know it: the checker's).

    The checker's groups come as a polars frame (GROUP_KEY, count, lines): ``groups`` makes
    Group objects of it only when asked (the JSON report writes the frame itself)."""

    def __init__(
        self,
        by_rule_severity: dict[tuple[str, str], int],
        groups: tuple[Group, ...] | pl.DataFrame,
        by_country: dict[str | None, int] | None = None,
    ) -> None:
        self.by_rule_severity = by_rule_severity
        self.by_country = by_country or {}
        self.group_frame = None if isinstance(groups, tuple) else groups
        self._groups = groups if isinstance(groups, tuple) else None

    @property
    def groups(self) -> tuple[Group, ...]:
        if self._groups is None:
            assert self.group_frame is not None
            self._groups = tuple(
                Group(rule, sev, column, value, count, tuple(lines))
                for rule, sev, column, value, count, lines in self.group_frame.iter_rows()
            )
        return self._groups

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tally):
            return NotImplemented
        mine = (self.by_rule_severity, self.groups, self.by_country)
        return mine == (other.by_rule_severity, other.groups, other.by_country)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Tally({self.by_rule_severity!r}, {len(self.groups)} groups)"

    def severity(self, severity: str) -> int:
        return sum(n for (_, sev), n in self.by_rule_severity.items() if sev == severity)

    def rule(self, rule: str, severity: str | None = None) -> int:
        return sum(
            n
            for (name, sev), n in self.by_rule_severity.items()
            if name == rule and severity in (None, sev)
        )

    @property
    def total(self) -> int:
        return sum(self.by_rule_severity.values())


def tally(findings: Sequence[Finding]) -> Tally:
    """The Tally of *findings* (a tuple, or the checker's frame-backed Findings)."""
    from toolkit.report import Findings

    if isinstance(findings, Findings):
        return _tally_frame(findings)
    counts: Counter[tuple[str, str]] = Counter((f.rule, f.severity) for f in findings)
    groups: dict[tuple[str, str, str | None, str | None], list[int]] = {}
    for f in findings:
        groups.setdefault((f.rule, f.severity, f.column, f.value), []).append(f.line)
    return Tally(
        dict(counts),
        tuple(
            Group(rule, severity, column, value, len(lines), tuple(lines[:GROUP_LINES]))
            for (rule, severity, column, value), lines in groups.items()
        ),
    )


def _tally_frame(findings: Any) -> Tally:
    import polars as pl

    from toolkit.report import COUNTRY

    frame = findings.frame
    counts = frame.group_by("rule", "severity", maintain_order=True).len()
    countries: dict[str | None, int] = {}
    if COUNTRY in frame.columns:
        per = frame.group_by(COUNTRY).len().sort("len", COUNTRY, descending=[True, False])
        countries = dict(per.iter_rows())
    groups = frame.group_by(GROUP_KEY, maintain_order=True).agg(
        pl.len().alias("count"), pl.col("line").head(GROUP_LINES).alias("lines")
    )
    return Tally({(rule, sev): n for rule, sev, n in counts.iter_rows()}, groups, countries)


def by_rule(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """*findings* per rule, in order of first appearance, each list in report order."""
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.rule, []).append(f)
    return out


def rule_entries(findings: Sequence[Finding], keep: int = LINES_SHOWN) -> dict[str, list[Entry]]:
    """``entries`` of each rule's findings, by rule in order of first appearance. The
    checker's findings are grouped by polars, and a Finding is made only for each entry's
    first (one by one, a report of 100,000 entries spent 2.5 s making and grouping them)."""
    from toolkit.report import FINDING_FIELDS, Finding, Findings

    if not isinstance(findings, Findings):
        return {rule: entries(items, keep) for rule, items in by_rule(findings).items()}
    import polars as pl

    frame = findings.frame.select(FINDING_FIELDS)
    grouped = (
        frame.with_row_index("__at")
        .group_by(list(ENTRY_KEY), maintain_order=True)  # in order of first appearance
        .agg(
            pl.col("__at").first(),
            pl.len().alias("__count"),
            pl.col("line").head(keep).alias("__lines"),
        )
        .sort("__count", descending=True, maintain_order=True)  # ties keep that order
    )
    out: dict[str, list[Entry]] = {
        r: [] for r in frame.get_column("rule").unique(maintain_order=True)
    }
    ranked = zip(
        frame[grouped.get_column("__at")].iter_rows(),
        grouped.get_column("__count").to_list(),
        grouped.get_column("__lines").to_list(),
        strict=True,
    )
    for row, count, lines in ranked:
        out[row[0]].append(Entry(Finding(*row), count, tuple(lines)))
    return out


def entries(findings: Iterable[Finding], keep: int = LINES_SHOWN) -> list[Entry]:
    """*findings* (one rule's, in report order) as grouped entries, the largest first (ties
    in order of first appearance), each keeping its first *keep* lines."""
    first: dict[tuple[Any, ...], Finding] = {}
    lines: dict[tuple[Any, ...], list[int]] = {}
    counts: Counter[tuple[Any, ...]] = Counter()
    for f in findings:
        key = (f.rule, f.severity, f.column, f.value, f.message, f.suggestion)
        if key not in first:
            first[key], lines[key] = f, []
        counts[key] += 1
        if len(lines[key]) < keep:
            lines[key].append(f.line)
    found = [Entry(first[key], counts[key], tuple(lines[key])) for key in first]
    return sorted(found, key=lambda entry: -entry.count)
