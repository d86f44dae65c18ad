"""Report formats at their edges (found by mutation testing): findings without a column or
record id, warnings beside errors, rules turned off, trimmed values, Markdown links under
every GitHub environment, and the workflow-command escapes as GitHub's runner decodes them.

Reports are built by hand (no checker run), so each expected string follows from the format's
documented layout alone.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.errors import ToolkitError
from toolkit.formats import markdown_format, render, text_format
from toolkit.formats.escaping import escape_controls, github_data, github_property
from toolkit.formats.github_format import annotation
from toolkit.report import Finding, Report

SHA = "0123456789abcdef0123456789abcdef01234567"
ENV = {"GITHUB_SERVER_URL": "https://ghe.example.org", "GITHUB_REPOSITORY": "org/data",
       "GITHUB_SHA": SHA}  # fmt: skip


def finding(**overrides: Any) -> Finding:
    """A value.type error on line 2, record r1, count 'x'; tests override what they need."""
    fields: dict[str, Any] = {
        "rule": "value.type", "severity": "error", "line": 2, "record_id": "r1",
        "event_id": "e1", "column": "count", "value": "x", "message": "count is bad",
        "suggestion": None,
    }  # fmt: skip
    return Finding(**{**fields, **overrides})


def report(*findings: Finding, file: str = "data/f.csv", rows: int = 3, **kw: Any) -> Report:
    order = ("value.required", "value.type", "subtotal.total", "place.known")
    return Report(file=file, rows=rows, findings=findings, rule_order=order, **kw)


# ---------------------------------------------------------------- workflow-command escapes
def test_github_data_escapes_percent_cr_and_lf_as_the_runner_decodes_them() -> None:
    # GitHub's runner decodes exactly %25, %0D, %0A (upper case) in a command's message
    assert github_data("50%\r\nnext\rend\n") == "50%25%0D%0Anext%0Dend%0A"
    assert github_data("a:b,c") == "a:b,c"  # the message may hold ':' and ','


def test_github_property_also_escapes_colon_and_comma() -> None:
    assert github_property("C:/x,y%\r\n") == "C%3A/x%2Cy%25%0D%0A"


def test_annotation_of_a_finding_without_column_or_record() -> None:
    f = finding(rule="subtotal.total", severity="warning", line=7, record_id=None, column=None,
                message="event e1 has 2 total rows")  # fmt: skip
    assert annotation("in,2021:x.csv", f) == (
        "::warning file=in%2C2021%3Ax.csv,line=7,title=subtotal.total::event e1 has 2 total rows"
    )


def test_annotation_names_the_record_the_column_and_the_suggestion() -> None:
    f = finding(suggestion="1037", message="count '1,037' is bad")
    assert annotation("f.csv", f) == (
        "::error file=f.csv,line=2,title=value.type (count)"
        "::record r1: count '1,037' is bad (did you mean: 1037)"
    )


# ---------------------------------------------------------------- text
def test_text_groups_errors_and_warnings_of_a_rule() -> None:
    findings = (
        finding(line=2, severity="warning"),
        finding(line=3),
        finding(line=4, severity="warning"),
    )
    out = render([report(*findings)], "text").splitlines()
    assert out[0] == "data/f.csv: 3 rows, 1 error, 2 warnings: INVALID"
    assert out[2] == "value.type (1 error, 2 warnings)"
    # the two same warnings are one entry (the larger first), the error another
    assert out[3] == '  lines 2, 4  count="x"  [warning]'
    assert out[5] == '  line 3    r1  count="x"'
    assert len(out) == 7


def test_text_only_warnings_count_only_warnings() -> None:
    out = render([report(finding(severity="warning"), file="f.csv", rows=1)], "text")
    assert out.splitlines()[:3] == ["f.csv: 1 row, 0 errors, 1 warning: valid", "",
                                    "value.type (1 warning)"]  # fmt: skip


def test_text_finding_without_record_id_or_column() -> None:
    f = finding(rule="subtotal.total", record_id=None, column=None, value=None, message="m")
    out = render([report(f)], "text").splitlines()
    assert out[3:] == ["  line 2    (no record_id)", "      m"]


@pytest.mark.parametrize(
    ("record_id", "shown"),
    [
        ("r" * 40, "r" * 40),  # 40 characters fit
        ("r" * 41, "r" * 37 + "..."),  # longer ids are trimmed to 40 with the dots
    ],
)
def test_text_record_ids_are_trimmed_to_40_characters(record_id: str, shown: str) -> None:
    out = render([report(finding(record_id=record_id))], "text").splitlines()
    assert out[3] == f'  line 2    {shown}  count="x"'


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("v" * 40, '"' + "v" * 40 + '"'),
        ("v" * 41, '"' + "v" * 37 + '..."'),
        ('say "hi"', '"say \\"hi\\""'),  # inner quotes escaped, so the literal stays one
    ],
)
def test_text_values_are_quoted_and_trimmed_to_40_characters(value: str, shown: str) -> None:
    out = render([report(finding(value=value))], "text").splitlines()
    assert out[3] == f"  line 2    r1  count={shown}"


# ---------------------------------------------------------------- JUnit
def test_junit_rules_off_are_skipped_and_warnings_go_to_system_out() -> None:
    findings = (
        finding(line=2, severity="warning"),
        finding(line=5, severity="warning", record_id=None, column=None, message="m2"),
    )
    out = render([report(*findings, disabled=("value.required", "place.known"))], "junit")
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "0", "2")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    for rule in ("value.required", "place.known"):
        skipped = cases[rule].find("skipped")
        assert skipped is not None and skipped.get("message") == "rule turned off"
    assert cases["value.type"].find("failure") is None
    assert cases["value.type"].findtext("system-out") == (
        "line 2 count: record r1: count is bad\nline 5: m2"
    )


# ---------------------------------------------------------------- Markdown
def test_markdown_layout_with_warnings_and_two_files() -> None:
    first = report(
        finding(line=2, severity="warning", suggestion="1037"),
        finding(line=3, rule="place.known", column="admin2", value="Vanj"),
        file="a`b.csv",
    )
    second = report(file="ok.csv", rows=1)
    out = markdown_format.render([first, second], env={})
    assert out == "\n".join(
        [
            "### ❌ `ab.csv`: invalid",
            "",
            "3 rows, 1 error, 1 warning.",
            "",
            "| rule | errors | warnings |",
            "|---|---:|---:|",
            "| `value.type` | 0 | 1 |",
            "| `place.known` | 1 | 0 |",
            "",
            "| lines | rule | record | column | value | message |",
            "|---|---|---|---|---|---|",
            "| 2 | `value.type` (warning) | r1 | count | x | count is bad Did you mean: 1037? |",
            "| 3 | `place.known` | r1 | admin2 | Vanj | count is bad |",
            "",
            "### ✅ `ok.csv`: valid",
            "",
            "1 row, 0 errors, 0 warnings.",
            "",
        ]
    )


@pytest.mark.parametrize(("n", "tail"), [
    (50, None),
    (51, "… and 1 more row (see the text or JSON report)."),
    (52, "… and 2 more rows (see the text or JSON report)."),
])  # fmt: skip
def test_markdown_shows_50_findings_and_counts_the_rest(n: int, tail: str | None) -> None:
    findings = [finding(line=i + 2, record_id=f"r{i}", value=f"x{i}") for i in range(n)]
    lines = markdown_format.render([report(*findings, rows=n)], env={}).splitlines()
    rows = [line for line in lines if line.startswith("| ") and "`value.type`" in line]
    assert len(rows) == 1 + min(n, 50)  # the count table's row, then the findings shown
    if tail is None:
        assert lines[-1].startswith("| ")
    else:
        assert lines[-2:] == ["", tail]


def _first_row(env: dict[str, str] | None, file: str = "data/f.csv") -> str:
    """The table row of a report's one finding (its last line)."""
    return markdown_format.render([report(finding(), file=file)], env=env).splitlines()[-1]


@pytest.mark.parametrize(
    ("env", "file", "where"),
    [
        (ENV, "data/f.csv", f"[2](https://ghe.example.org/org/data/blob/{SHA}/data/f.csv#L2)"),
        (ENV, "./data/f.csv", f"[2](https://ghe.example.org/org/data/blob/{SHA}/data/f.csv#L2)"),
        (ENV, "data/a b.csv", f"[2](https://ghe.example.org/org/data/blob/{SHA}/data/a%20b.csv#L2)"),
        ({"GITHUB_REPOSITORY": "org/data", "GITHUB_SHA": SHA}, "f.csv",
         f"[2](https://github.com/org/data/blob/{SHA}/f.csv#L2)"),  # github.com by default
        (ENV, "/abs/f.csv", "2"),  # no link to a file outside the repository
        ({"GITHUB_REPOSITORY": "org/data"}, "f.csv", "2"),  # no commit, no link
        ({"GITHUB_SHA": SHA}, "f.csv", "2"),  # no repository, no link
        ({}, "f.csv", "2"),
    ],
)  # fmt: skip
def test_markdown_links_lines_only_when_github_says_where(
    env: dict[str, str], file: str, where: str
) -> None:
    assert _first_row(env, file).startswith(f"| {where} | `value.type` |")


def test_markdown_env_argument_wins_over_the_process_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    assert _first_row({}).startswith("| 2 | ")  # an explicit env without GitHub: no link
    assert _first_row(None).startswith("| [2](https://ghe.example.org/org/data/blob/")


# ---------------------------------------------------------------- text as itself
def test_escape_controls_escapes_exactly_the_escaped_categories() -> None:
    import sys
    import unicodedata

    from toolkit.formats.escaping import ESCAPED_CATEGORIES

    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue  # lone surrogates: not text
        escaped = escape_controls(ch) != ch
        assert escaped == (unicodedata.category(ch) in ESCAPED_CATEGORIES), hex(code)
    assert escape_controls("a\x1b[31mb\u2028c\n") == "a\\x1b[31mb\\u2028c\\n"


def test_escape_controls_keeps_letters_of_every_script_and_joiners() -> None:
    # only controls and line/paragraph separators are escaped; ZWNJ (Persian) stays
    assert escape_controls("Kūlob, Душанбе, می\u200cخواهم") == "Kūlob, Душанбе, می\u200cخواهم"
    assert escape_controls("a\tb\x1b[31m\u2028c") == "a\\tb\\x1b[31m\\u2028c"


def test_text_shows_non_ascii_values_as_they_are() -> None:
    out = render([report(finding(column="admin2", value="Kūlob"))], "text").splitlines()
    assert out[3] == '  line 2    r1  admin2="Kūlob"'


def test_json_keeps_non_ascii_as_text_and_escapes_line_separators() -> None:
    value = "Kūlob\u2028next\u2029end"
    out = render([report(finding(value=value))], "json")
    assert '"value": "Kūlob\\u2028next\\u2029end"' in out  # readable, one line per failure
    assert "\u2028" not in out and "\u2029" not in out
    assert json.loads(out)["failures"][0]["value"] == value


def test_json_failure_has_every_field_of_a_finding_in_order() -> None:
    import dataclasses

    f = finding(suggestion="Kulob")
    out = json.loads(render([report(f)], "json"))["failures"][0]
    assert list(out) == [field.name for field in dataclasses.fields(Finding)]
    assert out == {field.name: getattr(f, field.name) for field in dataclasses.fields(Finding)}


CELLS = ["plain", 'quo"te', "back\\slash", "new\nline", "esc\x1b[31m", "sep\u2028x\u2029y", "tab\t",
         "é ünï 中文", "", None, "\x7f del", "\x00nul", "\\u2028 literal", "\\n"]  # fmt: skip


def _both(findings: list[Finding]) -> tuple[str, str]:
    """The JSON report of *findings* as a tuple, and as the checker's frame (Findings)."""
    import polars as pl

    from toolkit.report import FINDING_FIELDS, Findings

    schema = {name: pl.String for name in FINDING_FIELDS} | {"line": pl.Int64}
    rows = [tuple(getattr(f, name) for name in FINDING_FIELDS) for f in findings]
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    from_frame = Report(file="data/f.csv", rows=3, findings=Findings(frame))
    return render([report(*findings)], "json"), render([from_frame], "json")


def test_json_from_the_checkers_frame_is_the_same_text() -> None:
    findings = [
        finding(line=i + 2, record_id=v, value=v, message=f"m {v!r}", suggestion=v)
        for i, v in enumerate(CELLS)
    ]
    from_objects, from_frame = _both(findings)
    assert from_frame == from_objects
    assert [f["value"] for f in json.loads(from_frame)["failures"]] == CELLS


@given(st.lists(st.tuples(st.text(), st.one_of(st.none(), st.text())), max_size=5))
def test_json_from_the_checkers_frame_is_the_same_text_for_any_cells(
    cells: list[tuple[str, str | None]],
) -> None:
    findings = [finding(line=i + 2, value=v, message=m) for i, (m, v) in enumerate(cells)]
    from_objects, from_frame = _both(findings)
    assert from_frame == from_objects


# ---------------------------------------------------------------- choosing a format
def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(ToolkitError) as info:
        render([report()], "yaml")
    assert (
        str(info.value)
        == "unknown format 'yaml' (known: text, json, github, junit, markdown, html)"
    )


def test_text_is_plain_unless_colour_is_asked_for() -> None:
    reports = [report(finding())]
    assert "\x1b[" not in render(reports, "text")
    painted = render(reports, "text", color=True)
    assert painted.startswith("\x1b[31mdata/f.csv: 3 rows, 1 error, 0 warnings: INVALID\x1b[0m")


# ---------------------------------------------------------------- text: layout and colour
def test_text_reports_of_several_files_are_separated_by_a_blank_line() -> None:
    first, second = report(finding(), file="a.csv"), report(file="b.csv", rows=0)
    assert render([first, second], "text") == (
        "a.csv: 3 rows, 1 error, 0 warnings: INVALID\n\nvalue.type (1 error)\n"
        '  line 2    r1  count="x"\n      count is bad\n'
        "\nb.csv: 0 rows, 0 errors, 0 warnings: valid\n"
    )


def test_text_summary_says_since_when_rows_changed() -> None:
    changed = report(file="f.csv", changed=("origin/main", 4))
    assert render([changed], "text") == (
        "f.csv: 3 rows, 0 errors, 0 warnings: valid"
        " (findings on the 4 rows changed since origin/main)\n"
    )


def test_text_module_is_plain_by_default() -> None:
    assert "\x1b[" not in text_format.render([report(finding(severity="warning"))])


def paint(code: str, text: str) -> str:
    return f"\x1b[{code}m{text}\x1b[0m"


def test_text_colours_verdict_rule_warning_mark_and_dims_the_details() -> None:
    findings = (finding(line=2), finding(line=3, severity="warning", suggestion="1037"))
    out = render([report(*findings, file="f.csv")], "text", color=True)
    assert out.splitlines() == [
        paint("31", "f.csv: 3 rows, 1 error, 1 warning: INVALID"),
        "",
        paint("1", "value.type (1 error, 1 warning)"),
        '  line 2    r1  count="x"',
        paint("2", "      count is bad"),
        f'  line 3    r1  count="x"  [{paint("33", "warning")}]',
        paint("2", "      count is bad"),
        paint("2", "      did you mean: 1037"),
    ]
    valid = render([report(file="ok.csv")], "text", color=True)
    assert valid == paint("32", "ok.csv: 3 rows, 0 errors, 0 warnings: valid") + "\n"


def test_text_coloured_warning_mark_on_a_continuation_line() -> None:
    f = finding(severity="warning", record_id="r" * 40, value="v" * 40)
    out = render([report(f, file="f.csv")], "text", color=True).splitlines()
    rest = '            count="' + "v" * 40 + '"  [' + paint("33", "warning") + "]"
    assert out[3:5] == ["  line 2    " + "r" * 40, paint("2", rest)]


# The head of a finding is line, record id, column=value and [warning], two spaces apart, on
# one line of at most 80 characters; a part that does not fit starts a line indented by 12.
HEAD = "  line 2    " + "r" * 40  # 52 characters


@pytest.mark.parametrize(
    ("value", "severity", "heads"),
    [
        ("v" * 18, "error", [HEAD + '  count="' + "v" * 18 + '"']),  # exactly 80
        ("v" * 19, "error", [HEAD, '            count="' + "v" * 19 + '"']),  # 81
        ("v" * 7, "warning", [HEAD + '  count="' + "v" * 7 + '"  [warning]']),  # 80
        ("v" * 8, "warning", [HEAD + '  count="' + "v" * 8 + '"', "            [warning]"]),
    ],
)
def test_text_head_fits_80_columns(value: str, severity: str, heads: list[str]) -> None:
    f = finding(record_id="r" * 40, value=value, severity=severity)
    out = render([report(f)], "text").splitlines()
    assert out[3 : 3 + len(heads)] == heads
    assert out[3 + len(heads)] == "      count is bad"


def test_text_long_suggestion_wraps_at_80_under_its_own_indent() -> None:
    words = " ".join(["Shamsiddin Shohin"] * 5)  # 89 characters
    f = finding(suggestion=words)
    out = render([report(f)], "text").splitlines()
    hint = "      did you mean: " + words
    assert out[5:] == [hint[:80].rsplit(" ", 1)[0], "        " + hint[:80].rsplit(" ", 1)[1]
                       + hint[80:]]  # fmt: skip
    assert all(len(line) <= 80 for line in out)


def test_text_suggestion_of_71_to_80_characters_stays_on_one_line() -> None:
    suggestion = "x" * 56  # "      did you mean: " and it: 76 characters
    out = render([report(finding(suggestion=suggestion))], "text").splitlines()
    assert out[5:] == ["      did you mean: " + suggestion]
