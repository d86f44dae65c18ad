"""Plain text for terminals: a summary line per file, then findings grouped by rule.

Fits 80 columns; cell values are shown escaped (no raw control characters reach the
terminal); colour only when asked (the CLI asks on a TTY).
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from itertools import groupby
from typing import TYPE_CHECKING

from toolkit.formats.escaping import escape_controls
from toolkit.wording import plural

if TYPE_CHECKING:
    from toolkit.report import Finding, Report

WIDTH = 80
RECORD_ID_LIMIT = 40  # longer record ids are trimmed, so every part fits a line
_HEAD_INDENT = " " * 12  # continuation of a finding's first line, under the record id
_TEXT_INDENT = " " * 6  # message and suggestion lines
_COLORS = {"error": "31", "warning": "33", "ok": "32", "dim": "2", "bold": "1"}


def render(reports: list[Report], *, color: bool = False) -> str:
    return "\n".join(_render_one(r, color) for r in reports)


def summary(report: Report) -> str:
    if report.unusable is not None:
        return f"{escape_controls(report.file)}: UNUSABLE: {escape_controls(report.unusable)}"
    verdict = "valid" if report.valid else "INVALID"
    rows, errors = plural(report.rows, "row"), plural(report.errors, "error")
    warnings = plural(report.warnings, "warning")
    since = ""
    if report.changed:
        ref, changed = escape_controls(report.changed[0]), report.changed[1]
        since = f" (findings on the {changed} rows changed since {ref})"
    mapped = f" (columns: {escape_controls(report.mapping)})" if report.mapping else ""
    return f"{escape_controls(report.file)}: {rows}, {errors}, {warnings}: {verdict}{since}{mapped}"


def show(value: str | None, limit: int = 40) -> str:
    """A cell value as a safe one-line literal: escapes control characters, trims."""
    if value is None:
        return "(empty)"
    escaped = escape_controls(value)
    if len(escaped) > limit:
        escaped = escaped[: limit - 3] + "..."
    return '"' + escaped.replace('"', '\\"') + '"'


def _record(record_id: str | None) -> str:
    if not record_id:
        return "(no record_id)"
    escaped = escape_controls(record_id)
    if len(escaped) > RECORD_ID_LIMIT:
        escaped = escaped[: RECORD_ID_LIMIT - 3] + "..."
    return escaped


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
        lines += [text for f in items for text in _finding_lines(f, color, report.located_by)]
    return "\n".join(lines) + "\n"


def _counts(items: list[Finding]) -> str:
    errors = sum(f.severity == "error" for f in items)
    warnings = len(items) - errors
    parts = [plural(n, word) for n, word in ((errors, "error"), (warnings, "warning")) if n]
    return ", ".join(parts)


def _finding_lines(finding: Finding, color: bool, located_by: str = "line") -> list[str]:
    where = f"{located_by} {finding.line}"
    # the head: line, record id, column=value, [warning]; parts that do not fit in WIDTH
    # go on a continuation line (each part is short enough to fit one on its own)
    parts = [f"  {where:<9} {_record(finding.record_id)}"]
    if finding.column:
        parts.append(f"{escape_controls(finding.column)}={show(finding.value)}")
    warning = finding.severity == "warning"
    if warning:
        parts.append(f"[{finding.severity}]")
    heads: list[list[str]] = [[parts[0]]]
    width = len(parts[0])
    for part in parts[1:]:
        if width + 2 + len(part) <= WIDTH:
            heads[-1].append(part)
            width += 2 + len(part)
        else:
            heads.append([_HEAD_INDENT + part])
            width = len(heads[-1][0])
    if warning:  # colour the mark only after measuring
        mark = _paint(finding.severity, finding.severity, color)
        heads[-1][-1] = heads[-1][-1].replace(f"[{finding.severity}]", f"[{mark}]")
    out = ["  ".join(head) for head in heads]
    out += _wrapped(finding.message, "")
    if finding.suggestion:
        out += _wrapped(f"did you mean: {finding.suggestion}", "  ")
    return [_paint(line, "dim", color) if i and color else line for i, line in enumerate(out)]


@lru_cache(maxsize=1 << 16)  # findings repeat messages: one unknown name on many rows
def _wrapped(text: str, hanging: str) -> tuple[str, ...]:
    """*text*, escaped, wrapped to WIDTH under _TEXT_INDENT (then *hanging* more)."""
    return tuple(
        textwrap.wrap(
            escape_controls(text),
            WIDTH,
            initial_indent=_TEXT_INDENT,
            subsequent_indent=_TEXT_INDENT + hanging,
        )
    )
