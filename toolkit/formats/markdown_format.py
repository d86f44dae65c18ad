"""Markdown for pull-request comments and GitHub step summaries.

Per file: a verdict line, a table of counts per rule, then the findings (the first
``LIMIT``), each linked to its line when the GitHub environment says where the file is
(``GITHUB_SERVER_URL``, ``GITHUB_REPOSITORY``, ``GITHUB_SHA``). Every extracted value is
escaped so it renders as itself: no table breaks, links, HTML or mentions from the data.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import quote

from toolkit.formats.escaping import escape_controls, escape_markdown
from toolkit.wording import plural

if TYPE_CHECKING:
    from toolkit.report import Finding, Report

LIMIT = 50


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
        f"{plural(report.rows, 'row')}, {plural(report.errors, 'error')}, "
        f"{plural(report.warnings, 'warning')}."
        + (f" Columns: {escape_markdown(report.mapping)}." if report.mapping else ""),
    ]
    if report.findings:
        lines += ["", "| rule | errors | warnings |", "|---|---:|---:|"]
        for rule in report.by_rule:
            errors = sum(f.rule == rule and f.severity == "error" for f in report.findings)
            warnings = sum(f.rule == rule and f.severity == "warning" for f in report.findings)
            lines.append(f"| `{rule}` | {errors} | {warnings} |")
        shown = report.findings[:LIMIT]
        lines += [
            "",
            f"| {report.located_by} | rule | record | column | value | message |",
            "|---:|---|---|---|---|---|",
        ]
        linked = report.located_by == "line"  # a sheet row or record number is no line
        lines += [_row(report.file, f, env if linked else {}) for f in shown]
        if len(report.findings) > LIMIT:
            lines += ["", f"… and {plural(len(report.findings) - LIMIT, 'more finding')}."]
    return "\n".join(lines) + "\n"


def _row(file: str, finding: Finding, env: Mapping[str, str]) -> str:
    def cell(value: str | None) -> str:
        return escape_markdown(value) if value else ""

    line = str(finding.line)
    link = _link(file, finding.line, env)
    where = f"[{line}]({link})" if link else line
    severity = "" if finding.severity == "error" else " (warning)"
    hint = f" Did you mean: {cell(finding.suggestion)}?" if finding.suggestion else ""
    return (
        f"| {where} | `{finding.rule}`{severity} | {cell(finding.record_id)} "
        f"| {cell(finding.column)} | {cell(finding.value)} | {cell(finding.message)}{hint} |"
    )


def _link(file: str, line: int, env: Mapping[str, str]) -> str | None:
    repository, sha = env.get("GITHUB_REPOSITORY"), env.get("GITHUB_SHA")
    if not repository or not sha or file.startswith("/"):
        return None
    server = env.get("GITHUB_SERVER_URL", "https://github.com")
    path = quote(file.removeprefix("./"))
    return f"{server}/{quote(repository)}/blob/{quote(sha)}/{path}#L{line}"
