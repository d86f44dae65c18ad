"""Plain text for terminals: a summary line per file, then findings grouped by rule.

Within a rule, findings with the same column, value, message and suggestion are one entry
(one unknown name on 2,593 rows is one entry: its first lines, "and N more"), largest
first. Fits 80 columns; cell values are shown escaped (no raw control characters reach
the terminal); colour only when asked (the CLI asks on a TTY).
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from typing import TYPE_CHECKING

from toolkit.formats.escaping import escape_controls
from toolkit.tally import Entry, by_rule, rule_entries
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
    rows = plural(report.rows, "row", grouped=True)
    errors = plural(report.errors, "error", grouped=True)
    warnings = plural(report.warnings, "warning", grouped=True)
    since = ""
    if report.changed:
        ref, changed = escape_controls(report.changed[0]), report.changed[1]
        since = f" (findings on the {changed} rows changed since {ref})"
    mapped = f" (columns: {escape_controls(report.mapping)})" if report.mapping else ""
    accepted = ""
    if report.baseline is not None:
        accepted = f" ({plural(report.accepted_count, 'finding', grouped=True)} of the baseline"
        accepted += " accepted)"
    head = f"{escape_controls(report.file)}: {rows}, {errors}, {warnings}: {verdict}"
    return head + since + mapped + accepted


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
    listed = rule_entries(report.findings)
    for rule in report.by_rule:
        shown = listed.get(rule, [])
        counts = rule_counts(report, rule, sum(entry.count for entry in shown))
        lines += ["", _paint(f"{rule} ({counts})", "bold", color)]
        for entry in shown:
            lines += _entry_lines(entry, color, report.located_by)
    if report.accepted_count:
        found = plural(report.accepted_count, "finding", grouped=True)
        lines += ["", f"accepted: {found} already in the baseline, not counted"]
        if len(report.accepted) == report.accepted_count:  # per rule, when all are listed
            per_rule = by_rule(report.accepted)
            order = [rule for rule in report.rule_order if rule in per_rule]
            order += [rule for rule in per_rule if rule not in order]
            lines += [f"  {rule}: {len(per_rule[rule]):,}" for rule in order]
    return "\n".join(lines) + "\n"


def rule_counts(report: Report, rule: str, listed: int) -> str:
    """ "30 errors, 2 warnings; the first 4 listed": a rule's exact counts, and how many
    of its findings are *listed* when not all (a rule's heading in text and HTML)."""
    errors, warnings = report.tally.rule(rule, "error"), report.tally.rule(rule, "warning")
    pairs = ((errors, "error"), (warnings, "warning"))
    counts = ", ".join(plural(n, word, grouped=True) for n, word in pairs if n)
    if listed < errors + warnings:
        counts += f"; the first {listed:,} listed"
    return counts


def _entry_lines(entry: Entry, color: bool, located_by: str) -> list[str]:
    if entry.count == 1:
        return _finding_lines(entry.first, color, located_by)
    return _finding_lines(entry.first, color, located_by, f"{located_by}s {entry.where()}")


def _finding_lines(
    finding: Finding, color: bool, located_by: str = "line", where: str | None = None
) -> list[str]:
    """A finding's lines; with *where* (the lines of an entry of several findings), that
    instead of its line and record id."""
    # the head: line, record id, column=value, [warning]; parts that do not fit in WIDTH
    # go on a continuation line (each part is short enough to fit one on its own)
    if where is None:
        place = f"{located_by} {finding.line}"
        parts = [f"  {place:<9} {_record(finding.record_id)}"]
    else:
        parts = [f"  {where}"]
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
    return wrap(escape_controls(text), WIDTH, _TEXT_INDENT, _TEXT_INDENT + hanging)


def wrap(text: str, width: int, initial: str, subsequent: str) -> tuple[str, ...]:
    """``textwrap.wrap(text, width, initial_indent=initial, subsequent_indent=subsequent)``,
    ten times faster on the usual message: words of one space apart, no hyphen, tab or other
    whitespace, none longer than a line (else textwrap itself, which breaks such text in
    ways of its own). A report of 100,000 distinct messages spent 4 s in textwrap."""
    words = text.split(" ")
    room = width - max(len(initial), len(subsequent))
    if "-" in text or "" in words or not text.isprintable() or max(map(len, words)) > room:
        return tuple(
            textwrap.wrap(text, width, initial_indent=initial, subsequent_indent=subsequent)
        )
    if len(initial) + len(text) <= width:
        return (initial + text,)
    lines: list[str] = []
    line, size = [initial + words[0]], len(initial) + len(words[0])
    for word in words[1:]:
        if size + 1 + len(word) <= width:
            line.append(word)
            size += 1 + len(word)
        else:
            lines.append(" ".join(line))
            line, size = [subsequent + word], len(subsequent) + len(word)
    lines.append(" ".join(line))
    return tuple(lines)
