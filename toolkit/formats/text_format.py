"""Plain text for terminals: a summary line per file, then findings grouped by rule.

Fits 80 columns; cell values are shown escaped (no raw control characters reach the
terminal); colour only when asked (the CLI asks on a TTY).
"""

from __future__ import annotations

import textwrap
from itertools import groupby
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.report import Finding, Report

WIDTH = 80
_COLORS = {"error": "31", "warning": "33", "ok": "32", "dim": "2", "bold": "1"}


def render(reports: list[Report], *, color: bool = False) -> str:
    return "\n".join(_render_one(r, color) for r in reports)


def summary(report: Report) -> str:
    verdict = "valid" if report.valid else "INVALID"
    rows = f"{report.rows} row" + ("" if report.rows == 1 else "s")
    errors = f"{report.errors} error" + ("" if report.errors == 1 else "s")
    warnings = f"{report.warnings} warning" + ("" if report.warnings == 1 else "s")
    return f"{report.file}: {rows}, {errors}, {warnings}: {verdict}"


def show(value: str | None, limit: int = 40) -> str:
    """A cell value as a safe one-line literal: escapes control characters, trims."""
    if value is None:
        return "(empty)"
    escaped = _escape_controls(value)
    if len(escaped) > limit:
        escaped = escaped[: limit - 3] + "..."
    return '"' + escaped.replace('"', '\\"') + '"'


def _escape_controls(value: str) -> str:
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if (ord(ch) < 32 or ord(ch) == 127) else ch
        for ch in value
    )


def _paint(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_COLORS[style]}m{text}\x1b[0m" if color else text


def _render_one(report: Report, color: bool) -> str:
    lines = [_paint(summary(report), "ok" if report.valid else "error", color)]
    order = {rule: i for i, rule in enumerate(report.by_rule)}
    ordered = sorted(report.findings, key=lambda f: (order[f.rule], f.line))
    for rule, group in groupby(ordered, key=lambda f: f.rule):
        items = list(group)
        counts = _counts(items)
        lines += ["", _paint(f"{rule} ({counts})", "bold", color)]
        lines += [text for finding in items for text in _finding_lines(finding, color)]
    return "\n".join(lines) + "\n"


def _counts(items: list[Finding]) -> str:
    errors = sum(f.severity == "error" for f in items)
    warnings = len(items) - errors
    parts = [
        f"{n} {word}{'' if n == 1 else 's'}"
        for n, word in ((errors, "error"), (warnings, "warning"))
        if n
    ]
    return ", ".join(parts)


def _finding_lines(finding: Finding, color: bool) -> list[str]:
    where = f"line {finding.line}"
    head = f"  {where:<9} {finding.record_id or '(no record_id)'}"
    if finding.column:
        head += f"  {finding.column}={show(finding.value)}"
    mark = _paint(finding.severity, finding.severity, color)
    out = [f"{head}  [{mark}]" if finding.severity == "warning" else head]
    message = _escape_controls(finding.message)
    out += textwrap.wrap(message, WIDTH, initial_indent="      ", subsequent_indent="      ")
    if finding.suggestion:
        hint = f"did you mean: {_escape_controls(finding.suggestion)}"
        out += textwrap.wrap(hint, WIDTH, initial_indent="      ", subsequent_indent="        ")
    return [_paint(line, "dim", color) if i and color else line for i, line in enumerate(out)]
