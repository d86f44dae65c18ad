"""``--fix OUT.csv``: a CSV copy of an input with its unambiguous value suggestions applied.

Only the suggestions of ``value.type`` are applied: a date as YYYY-MM-DD (``07.07.2021``,
``2021-07-05T00:00:00``), a count as its integer (``1,037``, ``1 037``, ``1037.0``,
Arabic-Indic digits), and a qualifier split out of a count (``about 1,500`` -> count 1500,
count_qualifier about, when the qualifier cell is empty or ``exact``). Never a place name,
an event type or anything a person must judge. The copy has the input's columns in its
order (a mapped file keeps its own names); the input is never written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from toolkit.readers import LINE

if TYPE_CHECKING:
    from toolkit.readers import Table
    from toolkit.report import Report

_QUALIFIED = re.compile(r"^(?P<n>\d+) \(count_qualifier=(?P<q>[a-z_]+)\)$")


@dataclass(frozen=True)
class Change:
    """One cell changed: where (the record's line, the file's column), from what, to what."""

    line: int
    column: str
    before: str | None
    after: str

    def describe(self, located_by: str = "line") -> str:
        before = "(empty)" if self.before is None else repr(self.before)
        return f"{located_by} {self.line}: {self.column} {before} -> {self.after!r}"


def changes(report: Report, table: Table, columns: dict[str, str] | None = None) -> list[Change]:
    """The changes the report's value.type suggestions make in *table* (the file as read,
    before any mapping); *columns* maps contract columns to the file's (a mapping's)."""
    named = columns or {}
    cells = {
        row[LINE]: row for row in table.frame.select(LINE, *table.header).iter_rows(named=True)
    }
    out: list[Change] = []
    for finding in report.findings:
        if finding.rule != "value.type" or finding.suggestion is None or finding.column is None:
            continue
        column = named.get(finding.column, finding.column)
        row = cells.get(finding.line)
        if row is None or column not in row:
            continue
        qualified = _QUALIFIED.match(finding.suggestion)
        if qualified is None:
            out.append(Change(finding.line, column, row[column], finding.suggestion))
            continue
        qualifier = named.get("count_qualifier", "count_qualifier")
        if qualifier not in row or (row[qualifier] or "exact").strip() != "exact":
            continue  # no column to put it in, or one already stated: a person decides
        out.append(Change(finding.line, column, row[column], qualified["n"]))
        out.append(Change(finding.line, qualifier, row[qualifier], qualified["q"]))
    return out


def fixed(table: Table, found: list[Change]) -> pl.DataFrame:
    """*table*'s columns with the changes made (every other cell as read)."""
    by_column: dict[str, dict[int, str]] = {}
    for change in found:
        by_column.setdefault(change.column, {})[change.line] = change.after
    return table.frame.select(
        pl.col(LINE)
        .replace_strict(by_column[name], default=pl.col(name), return_dtype=pl.String)
        .alias(name)
        if name in by_column
        else pl.col(name)
        for name in table.header
    )


def write_fixed(path: Path, table: Table, found: list[Change]) -> None:
    """Write the fixed copy as CSV, atomically."""
    from toolkit.output import write_atomic

    write_atomic(path, fixed(table, found).write_csv(line_terminator="\n"))
