"""HTML: one self-contained page, a section per file, to open in a browser or attach.

Per file: the summary, a chart of findings per rule and one per country (bars drawn as
inline SVG beside the exact counts), then the findings grouped as in the text report. The
page loads nothing: no script, no external asset, and a Content-Security-Policy that allows
only its own style sheet (by hash). Every value from the data is escaped for HTML, with its
control characters written as visible escapes (\\n, \\x1b), and shown direction-isolated.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape
from typing import TYPE_CHECKING

from toolkit.formats.escaping import escape_controls
from toolkit.formats.text_format import rule_counts
from toolkit.tally import Entry, rule_entries
from toolkit.wording import plural

if TYPE_CHECKING:
    from toolkit.report import Report

ENTRIES_SHOWN = 1000  # entries shown per rule (the counts above them stay exact)
LONG = 40  # values longer than this may break anywhere (shorter ones keep their width)
COUNTRIES_SHOWN = 20  # bars of the country chart; the rest are summed in one row
BAR_WIDTH = 240  # pixels of the longest bar
COLORS = {"error": "#c62828", "warning": "#e0a100", "finding": "#1565c0"}

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.25em;border-top:2px solid #ccc;padding-top:1em}
h3{font-size:1.05em;margin-top:1.5em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
code,.v{font-family:ui-monospace,monospace}code,.v,.t{unicode-bidi:isolate}
code{white-space:nowrap}.long{white-space:normal;overflow-wrap:anywhere}
.valid{color:#1b5e20}.invalid,.unusable{color:#b71c1c}.warning{color:#8d6e00}
.note,.empty{color:#666}.bar{vertical-align:middle}
"""
_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'"
)


def render(reports: list[Report], *, color: bool = False) -> str:
    title = "event-toolkit report" + (f": {_text(reports[0].file)}" if len(reports) == 1 else "")
    body = [f"<h1>{title}</h1>"]
    if len(reports) > 1:
        body.append(_overview(reports))
    body += [_section(report, i) for i, report in enumerate(reports, start=1)]
    body.append('<p class="note">Made by event-toolkit validate; this page loads nothing.</p>')
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _text(value: str) -> str:
    """Untrusted text as HTML text or attribute: controls escaped visibly, then markup."""
    return escape(escape_controls(value), quote=True)


def _value(value: str | None) -> str:
    if value is None:
        return '<span class="empty">(empty)</span>'
    shown = _text(value)
    return f'<code class="long">{shown}</code>' if len(shown) > LONG else f"<code>{shown}</code>"


def _verdict(report: Report) -> str:
    if report.unusable is not None:
        verdict, style = "unusable", "unusable"
    else:
        verdict, style = ("valid", "valid") if report.valid else ("INVALID", "invalid")
    return f'<strong class="{style}">{verdict}</strong>'


def _overview(reports: list[Report]) -> str:
    rows = "".join(
        f'<tr><td><a href="#file-{i}" class="v">{_text(r.file)}</a></td>'
        f'<td class="n">{r.rows:,}</td><td class="n">{r.errors:,}</td>'
        f'<td class="n">{r.warnings:,}</td><td>{_verdict(r)}</td></tr>'
        for i, r in enumerate(reports, start=1)
    )
    head = "<tr><th>file</th><th>rows</th><th>errors</th><th>warnings</th><th>verdict</th></tr>"
    return f'<table class="overview">{head}{rows}</table>'


def _section(report: Report, number: int) -> str:
    out = [
        f'<section id="file-{number}">',
        f'<h2><span class="v">{_text(report.file)}</span>: {_verdict(report)}</h2>',
    ]
    if report.unusable is not None:
        out += [f'<p class="unusable">unusable: {_text(report.unusable)}</p>', "</section>"]
        return "\n".join(out)
    facts = [
        ("rows", f"{report.rows:,}"),
        ("errors", f"{report.errors:,}"),
        ("warnings", f"{report.warnings:,}"),
    ]
    if report.changed:
        ref, changed = report.changed
        rows = plural(changed, "row", grouped=True)
        facts.append(("checked", f"findings on {rows} changed since <code>{_text(ref)}</code>"))
    if report.mapping:
        facts.append(("columns", f'<span class="v">{_text(report.mapping)}</span>'))
    if report.baseline is not None:
        accepted = plural(report.accepted_count, "finding", grouped=True)
        baseline = f'<span class="v">{_text(report.baseline)}</span>'
        facts.append(("baseline", f"{accepted} accepted, not counted ({baseline})"))
    table = "".join(f"<tr><th>{key}</th><td>{value}</td></tr>" for key, value in facts)
    out.append(f'<table class="summary">{table}</table>')
    if report.capped:
        cap = report.max_findings
        at = f" at {plural(cap, 'finding', grouped=True)} per rule" if cap is not None else ""
        out.append(
            f'<p class="note capped">Listing capped{at}; the counts are of every finding.</p>'
        )
    if not report.total:
        out += ['<p class="note">No findings.</p>', "</section>"]
        return "\n".join(out)
    anchor = f"file-{number}-"
    out += [_rule_chart(report, anchor), _country_chart(report), _findings(report, anchor)]
    out.append("</section>")
    return "\n".join(out)


def _bar(parts: list[tuple[int, str]], largest: int, label: str) -> str:
    """An inline SVG bar of stacked *parts* (count, colour), scaled to *largest*, named
    *label* (untrusted text) for screen readers."""
    rects, x = [], 0.0
    for count, fill in parts:
        width = BAR_WIDTH * count / largest if largest else 0.0
        if width:
            rects.append(f'<rect x="{x:.1f}" y="2" width="{width:.1f}" height="12" fill="{fill}"/>')
        x += width
    return (
        f'<svg class="bar" width="{BAR_WIDTH}" height="16" role="img" aria-label="{_text(label)}">'
        + "".join(rects)
        + "</svg>"
    )


def _rule_chart(report: Report, anchor: str) -> str:
    largest = max(report.by_rule.values())
    rows = []
    for rule, total in report.by_rule.items():
        errors, warnings = report.tally.rule(rule, "error"), report.tally.rule(rule, "warning")
        parts = [(errors, COLORS["error"]), (warnings, COLORS["warning"])]
        rows.append(
            f'<tr><th scope="row"><a href="#{anchor}{_text(rule)}">{_text(rule)}</a></th>'
            f'<td class="n">{errors:,}</td><td class="n">{warnings:,}</td>'
            f"<td>{_bar(parts, largest, f'{rule}: {total:,}')}</td></tr>"
        )
    head = "<tr><th>rule</th><th>errors</th><th>warnings</th><th>findings</th></tr>"
    return f'<h3>Findings by rule</h3>\n<table class="by-rule">{head}{"".join(rows)}</table>'


def _country_chart(report: Report) -> str:
    counts = sorted(report.tally.by_country.items(), key=lambda kv: -kv[1])
    if not counts:
        return (
            '<h3>Findings by country</h3>\n<p class="note">Not known for this report: its '
            "findings do not carry their record's country.</p>"
        )
    shown, rest = counts[:COUNTRIES_SHOWN], counts[COUNTRIES_SHOWN:]
    largest, rows = counts[0][1], []
    for country, n in shown:
        name = _value(country) if country else '<span class="empty">(no country)</span>'
        bar = _bar([(n, COLORS["finding"])], largest, f"{country or '(no country)'}: {n:,}")
        rows.append(f'<tr><th scope="row">{name}</th><td class="n">{n:,}</td><td>{bar}</td></tr>')
    if rest:
        others = sum(n for _, n in rest)
        name = f"{len(rest):,} other countr{'y' if len(rest) == 1 else 'ies'}"
        rows.append(f'<tr><th>{name}</th><td class="n">{others:,}</td><td></td></tr>')
    head = "<tr><th>country</th><th>findings</th><th></th></tr>"
    return f'<h3>Findings by country</h3>\n<table class="by-country">{head}{"".join(rows)}</table>'


def _findings(report: Report, anchor: str) -> str:
    out = ["<h3>Findings</h3>"]
    listed = rule_entries(report.findings)
    word = report.located_by
    for rule in report.by_rule:
        found = listed.get(rule, [])
        counts = rule_counts(report, rule, sum(entry.count for entry in found))
        out.append(f'<h4 id="{anchor}{_text(rule)}">{_text(rule)} ({counts})</h4>')
        head = (
            f"<tr><th>{word}s</th><th>record</th><th>column</th><th>value</th><th>message</th></tr>"
        )
        rows = "".join(_entry(entry, word) for entry in found[:ENTRIES_SHOWN])
        out.append(f'<table class="findings">{head}{rows}</table>')
        if len(found) > ENTRIES_SHOWN:
            more = len(found) - ENTRIES_SHOWN
            entry = "entry" if more == 1 else "entries"
            out.append(f'<p class="note">… and {more:,} more {entry} (see the text report).</p>')
    return "\n".join(out)


def _entry(entry: Entry, word: str) -> str:
    finding = entry.first
    where = entry.where()
    if entry.count > 1:
        record = f"{entry.count:,} records"
    else:
        record = _value(finding.record_id) if finding.record_id else "(no record_id)"
    mark = ' <span class="warning">[warning]</span>' if finding.severity == "warning" else ""
    column = _text(finding.column) if finding.column else ""
    value = _value(finding.value) if finding.column else ""
    hint = ""
    if finding.suggestion:
        hint = f"<br>did you mean: {_value(finding.suggestion)}"
    return (
        f"<tr><td>{where}</td><td>{record}</td><td>{column}</td><td>{value}</td>"
        f'<td><span class="t">{_text(finding.message)}</span>{mark}{hint}</td></tr>'
    )
