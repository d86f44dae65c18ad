"""GitHub Actions workflow commands: one ``::error``/``::warning`` annotation per finding.

    ::error file=data/events.csv,line=22,title=value.type (count)::count '1,037' is not ...

Messages and properties are escaped as GitHub's runner decodes them (``%``, CR, LF; and in
properties ``:`` and ``,``), after control characters are written as visible escapes, so
no extracted text can end the line and start a command of its own (``::set-output``,
``::add-mask::``). The Markdown step summary is written by the CLI (markdown_format).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.formats.escaping import escape_controls, github_data, github_property

if TYPE_CHECKING:
    from toolkit.report import Finding, Report


def render(reports: list[Report], *, color: bool = False) -> str:
    out = []
    for report in reports:
        if report.unusable is not None:
            props = f"file={github_property(escape_controls(report.file))},title=unusable file"
            out.append(f"::error {props}::{github_data(escape_controls(report.unusable))}\n")
        out += [annotation(report.file, f, report.located_by) + "\n" for f in report.findings]
    return "".join(out)


def annotation(file: str, finding: Finding, located_by: str = "line") -> str:
    """One workflow command; a finding located by sheet row or record number is annotated
    on the file as a whole, its row or record named in the message."""
    title = finding.rule + (f" ({finding.column})" if finding.column else "")
    properties = {"file": file, "line": str(finding.line), "title": title}
    text = describe(finding)
    if located_by != "line":
        del properties["line"]
        text = f"{located_by} {finding.line}: {text}"
    props = ",".join(
        f"{key}={github_property(escape_controls(v))}" for key, v in properties.items()
    )
    return f"::{finding.severity} {props}::{github_data(escape_controls(text))}"


def describe(finding: Finding) -> str:
    """The finding as one sentence: record, message, suggestion."""
    where = f"record {finding.record_id}: " if finding.record_id else ""
    hint = f" (did you mean: {finding.suggestion})" if finding.suggestion else ""
    return f"{where}{finding.message}{hint}"
