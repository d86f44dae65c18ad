"""JUnit XML for CI test reporters: a test suite per file, a test case per rule.

A rule with errors is a failed test case listing its findings; a rule turned off is
skipped; warnings are listed in the case's ``system-out``. Extracted text is written with
control characters escaped, so the XML stays well-formed whatever the data holds.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from toolkit.formats.escaping import escape_controls
from toolkit.formats.github_format import describe
from toolkit.tally import by_rule
from toolkit.wording import plural

if TYPE_CHECKING:
    from toolkit.report import Finding, Report


def render(reports: list[Report], *, color: bool = False) -> str:
    root = ET.Element("testsuites", name="event-toolkit validate")
    for report in reports:
        root.append(_suite(report))
    keys = ("tests", "failures", "errors")
    totals = {key: sum(int(s.get(key, "0")) for s in root) for key in keys}
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    if totals["errors"]:  # an unusable file
        root.set("errors", str(totals["errors"]))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suite(report: Report) -> ET.Element:
    file = escape_controls(report.file)
    suite = ET.Element("testsuite", name=file)
    if report.unusable is not None:
        case = ET.SubElement(suite, "testcase", classname=file, name="read")
        ET.SubElement(case, "error", message=escape_controls(report.unusable), type="unusable")
        for key, value in (("tests", "1"), ("failures", "0"), ("skipped", "0"), ("errors", "1")):
            suite.set(key, value)
        return suite
    failures = skipped = 0
    listed = by_rule(report.findings)
    for rule in report.rule_order:
        case = ET.SubElement(suite, "testcase", classname=file, name=rule)
        found = listed.get(rule, [])
        errors = [f for f in found if f.severity == "error"]
        warnings = [f for f in found if f.severity == "warning"]
        count = report.tally.rule(rule, "error")  # exact, when the listing is capped too
        if rule in report.disabled:
            ET.SubElement(case, "skipped", message="rule turned off")
            skipped += 1
        elif count:
            message = f"{plural(count, 'finding', grouped=True)} of {rule}"
            if len(errors) < count:
                message += f" (the first {len(errors):,} listed)"
            failure = ET.SubElement(case, "failure", message=message, type=rule)
            failure.text = "\n".join(_line(f, report.located_by) for f in errors)
            failures += 1
        if warnings:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(_line(f, report.located_by) for f in warnings)
    suite.set("tests", str(len(report.rule_order)))
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    suite.set("errors", "0")
    return suite


def _line(finding: Finding, located_by: str) -> str:
    column = f" {finding.column}" if finding.column else ""
    return escape_controls(f"{located_by} {finding.line}{column}: {describe(finding)}")
