"""Markdown for pull-request comments and GitHub step summaries.

Per file: a verdict line, a table of counts per rule, then the findings grouped as in the
text report (one row per rule, column, value and message, with its count and first lines;
the first ``LIMIT`` rows), each line linked when the GitHub environment says where the file
is (``GITHUB_SERVER_URL``, ``GITHUB_REPOSITORY``, ``GITHUB_SHA``). Every extracted value is
escaped so it renders as itself: no table breaks, links, HTML or mentions from the data.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote

from toolkit.formats.escaping import escape_controls, escape_markdown
from toolkit.tally import Entry, rule_entries
from toolkit.wording import plural

if TYPE_CHECKING:
    from toolkit.report import Report

LIMIT = 50  # table rows (entries) shown per file


def render(
    reports: list[Report], *, color: bool = False, env: Mapping[str, str] | None = None
) -> str:
    env = os.environ if env is None else env
    return "\n".join(_file(report, env) for report in reports)


def _file(report: Report, env: Mapping[str, str]) -> str:
    name = escape_controls(report.file).replace("`", "")
    if report.unusable is not None:
        return f"### ⛔ `{name}`: unusable\n\n{escape_markdown(report.unusable)}\n"
    mark = "✅" if report.valid else "❌"
    verdict = "valid" if report.valid else "invalid"
    lines = [
        f"### {mark} `{escape_controls(report.file).replace('`', '')}`: {verdict}",
        "",
        f"{plural(report.rows, 'row', grouped=True)}, "
        f"{plural(report.errors, 'error', grouped=True)}, "
        f"{plural(report.warnings, 'warning', grouped=True)}."
        + (f" Columns: {escape_markdown(report.mapping)}." if report.mapping else ""),
    ]
    if report.accepted_count:
        found = plural(report.accepted_count, "finding", grouped=True)
        lines += ["", f"Accepted: {found} already in the baseline, not counted."]
    if report.total:
        lines += ["", "| rule | errors | warnings |", "|---|---:|---:|"]
        for rule in report.by_rule:
            errors, warnings = report.tally.rule(rule, "error"), report.tally.rule(rule, "warning")
            lines.append(f"| `{rule}` | {errors:,} | {warnings:,} |")
        if report.capped:
            lines += ["", f"Listing capped at {report.max_findings:,} findings per rule."]
        listed = rule_entries(report.findings)
        rows = [e for rule in report.by_rule for e in listed.get(rule, [])]
        lines += [
            "",
            f"| {report.located_by}s | rule | record | column | value | message |",
            "|---|---|---|---|---|---|",
        ]
        linked = report.located_by == "line"  # a sheet row or record number is no line
        lines += [_row(report.file, e, env if linked else {}) for e in rows[:LIMIT]]
        if len(rows) > LIMIT:
            more = plural(len(rows) - LIMIT, "more row", grouped=True)
            lines += ["", f"… and {more} (see the text or JSON report)."]
    return "\n".join(lines) + "\n"


def _row(file: str, entry: Entry, env: Mapping[str, str]) -> str:
    def cell(value: str | None) -> str:
        return escape_markdown(value) if value else ""

    finding = entry.first
    where = entry.where(lambda line: _line(file, line, env))
    record = cell(finding.record_id) if entry.count == 1 else f"{entry.count:,} records"
    severity = "" if finding.severity == "error" else " (warning)"
    hint = f" Did you mean: {cell(finding.suggestion)}?" if finding.suggestion else ""
    return (
        f"| {where} | `{finding.rule}`{severity} | {record} "
        f"| {cell(finding.column)} | {cell(finding.value)} | {cell(finding.message)}{hint} |"
    )


def _line(file: str, line: int, env: Mapping[str, str]) -> str:
    link = _link(file, line, env)
    return f"[{line}]({link})" if link else str(line)


def _link(file: str, line: int, env: Mapping[str, str]) -> str | None:
    repository, sha = env.get("GITHUB_REPOSITORY"), env.get("GITHUB_SHA")
    if not repository or not sha or file.startswith("/"):
        return None
    server = env.get("GITHUB_SERVER_URL", "https://github.com")
    path = quote(file.removeprefix("./"))
    return f"{server}/{quote(repository)}/blob/{quote(sha)}/{path}#L{line}"
