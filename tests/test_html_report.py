"""The HTML report: a self-contained page whose counts are the JSON report's, and whose data
(hostile cells, file names, messages) can neither add markup nor run script.

The unit tests read the page with the standard library's HTML parser; the ``browser`` tests
load it in a real headless Chromium (Debian's chromium and chromium-driver, driven by
selenium) and are skipped where those are not installed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, csv_text, rows
from toolkit.cli import main
from toolkit.formats.escaping import escape_controls
from toolkit.formats.html_format import render
from toolkit.report import Finding, Report
from toolkit.tally import Tally

if TYPE_CHECKING:
    from selenium.webdriver import Chrome as WebDriver

REAL = "fixtures/real/extraction_errors.csv"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
# every tag and attribute the page is made of: data never adds one
TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "h1",
    "h2",
    "h3",
    "h4",
    "section",
    "table",
    "tr",
    "th",
    "td",
    "p",
    "span",
    "code",
    "strong",
    "a",
    "br",
    "svg",
    "rect",
}
ATTRIBUTES = {
    "lang",
    "charset",
    "http-equiv",
    "content",
    "name",
    "id",
    "class",
    "href",
    "scope",
    "width",
    "height",
    "role",
    "aria-label",
    "x",
    "y",
    "fill",
}
# hostile cells: each would add an element (and run script) if a value reached the page raw
HOSTILE = {
    "record_id": "<script>window.__pwned=1</script>",
    "event_type": '"><img src=x onerror="window.__pwned=2">',
    "count": "<b>1</b>\n\x1b[31m2",
    "country": '"><svg onload=window.__pwned=3>',
    "admin2": "</td></tr></table><script>window.__pwned=4</script>",
}
# the file name too: a folder and a file whose path reads as markup
HOSTILE_PATH = ("<script>window.__pwned=5<", 'script>"><img src=x onerror=window.__pwned=6>.csv')


class Page(HTMLParser):
    """A page as its tags, its text, its tables (by class: rows of cell texts) and its h4s."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: list[str] = []
        self.tables: dict[str, list[list[str]]] = {}
        self.headings: list[str] = []
        self._table: list[list[str]] | None = None
        self._in_h4 = False
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self._table = self.tables.setdefault(dict(attrs).get("class") or "", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th") and self._table:
            self._table[-1].append("")
        elif tag == "h4":
            self._in_h4 = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag == "h4":
            self._in_h4 = False

    def handle_data(self, data: str) -> None:
        self.data.append(data)
        if self._table and self._table[-1]:
            self._table[-1][-1] += data
        if self._in_h4:
            self.headings[-1] += data

    @property
    def text(self) -> str:
        return "".join(self.data)


def assert_only_the_page_own_markup(page: Page) -> None:
    for tag, attrs in page.tags:
        assert tag in TAGS, tag
        assert set(attrs) <= ATTRIBUTES, (tag, attrs)
        assert (attrs.get("href") or "#").startswith("#"), attrs


def run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args, color=False)
    return result.exit_code, result.stdout


def html_and_json(path: str, tmp_path: Path, *extra: str) -> tuple[str, dict[str, Any]]:
    """The HTML report of *path* (written with --output) and its JSON report."""
    out = tmp_path / "report.html"
    code, printed = run(["validate", path, "--format", "html", "--output", str(out), *extra])
    assert code == 1 and printed == ""
    code, text = run(["validate", path, "--format", "json", *extra])
    assert code == 1
    return out.read_text(encoding="utf-8"), json.loads(text)


def json_counts(report: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """(errors, warnings) per rule of a JSON report, from its groups (exact, never capped)."""
    counts: Counter[tuple[str, str]] = Counter()
    for group in report["summary"]["groups"]:
        counts[group["rule"], group["severity"]] += group["count"]
    rules = report["summary"]["by_rule"]
    return {rule: (counts[rule, "error"], counts[rule, "warning"]) for rule in rules}


def hostile_csv(tmp_path: Path) -> Path:
    folder = tmp_path / HOSTILE_PATH[0]
    folder.mkdir()
    path = folder / HOSTILE_PATH[1]
    path.write_text(csv_text(rows(HOSTILE, {"count": "12"})), encoding="utf-8")
    return path


@pytest.fixture
def real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, dict[str, Any]]:
    monkeypatch.chdir(ROOT)
    return html_and_json(REAL, tmp_path)


# ---------------------------------------------------------------- the page, without a browser
def test_the_page_loads_nothing_and_allows_only_its_own_style(
    real: tuple[str, dict[str, Any]],
) -> None:
    html, _ = real
    assert html.startswith("<!DOCTYPE html>\n")
    external = r"https?:|[\"'=(]\s*//|src=|url\(|@import|<script|<link|<img|<iframe|<object"
    assert not re.search(external, html, re.I)
    page = Page(html)
    assert_only_the_page_own_markup(page)
    policy = next(a["content"] for tag, a in page.tags if a.get("http-equiv"))
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert policy == (
        f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )
    assert html.index("Content-Security-Policy") < html.index("<style>")


def test_counts_are_the_json_reports(real: tuple[str, dict[str, Any]]) -> None:
    html, report = real
    page = Page(html)
    summary = {row[0]: row[1] for row in page.tables["summary"]}
    assert summary == {
        "rows": str(report["rows"]),
        "errors": str(report["summary"]["errors"]),
        "warnings": str(report["summary"]["warnings"]),
    }
    by_rule = {row[0]: (int(row[1]), int(row[2])) for row in page.tables["by-rule"][1:]}
    assert by_rule == json_counts(report)
    assert list(by_rule) == list(report["summary"]["by_rule"])  # catalogue order
    countries = {row[0]: int(row[1]) for row in page.tables["by-country"][1:]}
    assert countries == {"Tajikistan": 17, "(no country)": 1}
    assert sum(countries.values()) == report["summary"]["errors"] + report["summary"]["warnings"]
    assert page.headings[:3] == [
        "row.shape (1 error)",
        "value.required (1 error)",
        "value.type (3 errors)",
    ]
    assert "place.unverified (1 warning)" in page.headings
    assert "INVALID" in page.text


def test_findings_are_shown_grouped_with_their_lines_and_suggestions(
    real: tuple[str, dict[str, Any]],
) -> None:
    findings = Page(real[0]).tables["findings"]
    assert ["lines", "record", "column", "value", "message"] in findings
    assert [
        "22",
        "err-count-comma",
        "count",
        "1,037",
        "count '1,037' is not a non-negative integer literaldid you mean: 1037",
    ] in findings
    assert [
        "41",
        "err-ragged-row",
        "",
        "",
        "16 cells where the header has 17 (the missing cells are read as empty)",
    ] in findings
    assert [
        "20",
        "err-ruzvay-in-vanj",
        "location",
        "Ruzvay",
        "Ruzvay is in Darvaz (Gorno-Badakhshan, TJ), not in Vanj [warning]",
    ] in findings
    assert len(findings) == 13 + 18  # a header per rule, and one row per finding


def test_one_value_on_many_rows_is_one_entry(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(csv_text(rows(*({"count": "x"} for _ in range(8)))), encoding="utf-8")
    html, report = html_and_json(str(path), tmp_path, "--max-findings", "7")
    page = Page(html)
    entry = [
        "2, 3, 4, 5, 6 and 2 more",
        "7 records",
        "count",
        "x",
        "count 'x' is not a non-negative integer literal",
    ]
    assert page.tables["findings"] == [["lines", "record", "column", "value", "message"], entry]
    assert page.headings == ["value.type (8 errors; the first 7 listed)"]
    assert "Listing capped at 7 findings per rule; the counts are of every finding." in page.text
    assert page.tables["summary"][1] == ["errors", str(report["summary"]["errors"])]


def test_hostile_values_and_file_names_come_out_escaped(tmp_path: Path) -> None:
    path = hostile_csv(tmp_path)
    out = tmp_path / "hostile.html"
    assert run(["validate", str(path), "--format", "html", "-o", str(out)])[0] == 1
    html = out.read_text(encoding="utf-8")
    for raw in (*HOSTILE.values(), *HOSTILE_PATH, "<script", "<img", "<b>", "<svg onload"):
        assert raw not in html, raw
    assert "\x1b" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=2&quot;&gt;" in html
    assert "&lt;b&gt;1&lt;/b&gt;\\n\\x1b[31m2" in html  # controls escaped visibly
    assert "&quot;&gt;&lt;svg onload=window.__pwned=3&gt;" in html  # the country, in its chart
    assert "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;" in html
    assert "&lt;script&gt;window.__pwned=5&lt;/script&gt;&quot;&gt;&lt;img src=x" in html
    page = Page(html)
    assert_only_the_page_own_markup(page)
    assert '<script>window.__pwned=5</script>"><img src=x onerror=window.__pwned=6>' in page.text
    assert HOSTILE["record_id"] in page.text and HOSTILE["admin2"] in page.text


def finding(**overrides: Any) -> Finding:
    fields: dict[str, Any] = {
        "rule": "value.type",
        "severity": "error",
        "line": 2,
        "record_id": "r1",
        "event_id": "e1",
        "column": "count",
        "value": "x",
        "message": "count is bad",
        "suggestion": None,
    }
    return Finding(**{**fields, **overrides})


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_any_text_anywhere_shows_as_itself_and_adds_no_markup(text: str) -> None:
    f = finding(record_id=text, column=text, value=text, message=text, suggestion=text or None)
    tally = Tally({("value.type", "error"): 1}, (), {text: 1})
    reports = [
        Report(
            file=text,
            rows=1,
            findings=(f,),
            mapping=text or None,
            baseline=text,
            accepted=(f,),
            totals=tally,
            changed=(text, 1),
        ),
        Report(file=text, rows=0, unusable=text),
    ]
    page = Page(render(reports))
    assert_only_the_page_own_markup(page)
    shown = escape_controls(text)
    row = page.tables["findings"][1]
    assert row[1:4] == [shown or "(no record_id)", shown, shown]
    assert row[4].startswith(shown)
    assert page.tables["by-country"][1][0] == (shown or "(no country)")
    assert page.tables["summary"][3][1] == f"findings on 1 row changed since {shown}"
    assert f"unusable: {shown}" in page.text


def test_several_files_unusable_mapping_baseline_and_no_countries() -> None:
    plain = Report(
        file="a.csv",
        rows=3,
        findings=(finding(), finding(line=3)),
        rule_order=("value.type",),
        mapping="Date -> event_date",
        baseline="base.json",
        accepted=(finding(line=9),),
    )
    clean = Report(file="b.csv", rows=2)
    broken = Report(file="c.xlsx", rows=0, unusable="not a zip file")
    page = Page(render([plain, clean, broken]))
    assert [row[0] for row in page.tables["overview"][1:]] == ["a.csv", "b.csv", "c.xlsx"]
    assert [row[4] for row in page.tables["overview"][1:]] == ["INVALID", "valid", "unusable"]
    sections = [attrs.get("id") for tag, attrs in page.tags if tag == "section"]
    assert sections == ["file-1", "file-2", "file-3"]
    assert ["columns", "Date -> event_date"] in page.tables["summary"]
    assert ["baseline", "1 finding accepted, not counted (base.json)"] in page.tables["summary"]
    assert "Not known for this report" in page.text  # plain Findings carry no country
    assert "by-country" not in page.tables
    assert "No findings." in page.text
    assert "unusable: not a zip file" in page.text
    assert page.headings == ["value.type (2 errors)"]
    assert page.tables["findings"][1][:2] == ["2, 3", "2 records"]


def test_long_listings_are_cut_and_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from toolkit.formats import html_format

    monkeypatch.setattr(html_format, "ENTRIES_SHOWN", 2)
    monkeypatch.setattr(html_format, "COUNTRIES_SHOWN", 1)
    findings = tuple(finding(line=n, value=f"x{n}") for n in range(2, 6))
    tally = Tally({("value.type", "error"): 4}, (), {"Tajikistan": 2, "Iran": 1, "Iraq": 1})
    report = Report(file="f.csv", rows=4, findings=findings, totals=tally)
    page = Page(render([report]))
    assert [row[3] for row in page.tables["findings"][1:]] == ["x2", "x3"]
    assert "… and 2 more entries (see the text report)." in page.text
    assert page.tables["by-country"][1:] == [
        ["Tajikistan", "2", ""],
        ["2 other countries", "2", ""],
    ]


# ---------------------------------------------------------------- the page in a real browser
@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    # CI installs both (.ci/run): there a missing browser fails the run instead of skipping
    missing = pytest.fail if os.environ.get("CI") == "true" else pytest.skip
    for program in (CHROMIUM, CHROMEDRIVER):
        if not program.exists():
            missing(f"{program} is not installed (apt-get install chromium chromium-driver)")
    try:
        import selenium.webdriver as webdriver
    except ImportError:
        missing("selenium is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="html-report-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def console(driver: WebDriver) -> list[dict[str, Any]]:
    """What the page logged to the console since the last call (errors are SEVERE)."""
    entries: list[dict[str, Any]] = driver.get_log("browser")  # type: ignore[no-untyped-call]
    return entries


def load(driver: WebDriver, page: Path) -> None:
    console(driver)  # what earlier pages logged
    driver.get(page.resolve().as_uri())
    assert driver.title.startswith("event-toolkit report")
    severe = [entry for entry in console(driver) if entry["level"] == "SEVERE"]
    assert severe == []  # no errors, and no Content-Security-Policy violation


def cells(driver: WebDriver, table: str) -> list[list[str]]:
    from selenium.webdriver.common.by import By

    return [
        [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")]
        for row in driver.find_elements(By.CSS_SELECTOR, f"table.{table} tr")
    ]


@pytest.mark.browser
def test_the_browser_shows_the_json_counts(
    browser: WebDriver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    _, report = html_and_json(REAL, tmp_path)
    load(browser, tmp_path / "report.html")
    summary = report["summary"]
    assert cells(browser, "summary") == [
        ["rows", str(report["rows"])],
        ["errors", str(summary["errors"])],
        ["warnings", str(summary["warnings"])],
    ]
    by_rule = {row[0]: (int(row[1]), int(row[2])) for row in cells(browser, "by-rule")[1:]}
    assert by_rule == json_counts(report)
    text = browser.execute_script("return document.body.innerText")
    for rule, (errors, warnings) in json_counts(report).items():
        words = [
            f"{n} {word}{'s' if n > 1 else ''}"
            for n, word in ((errors, "error"), (warnings, "warning"))
            if n
        ]
        assert f"{rule} ({', '.join(words)})" in text
    bars = browser.execute_script(
        "return [...document.querySelectorAll('table.by-rule svg')]"
        ".map(s => s.getBoundingClientRect().width)"
    )
    assert len(bars) == len(by_rule) and all(width > 0 for width in bars)  # charts drawn
    if os.environ.get("HTML_SCREENSHOT"):
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1200, min(int(height) + 150, 8000))
        browser.save_screenshot(os.environ["HTML_SCREENSHOT"])
        browser.set_window_size(1200, 900)


@pytest.mark.browser
def test_the_browser_runs_no_script_from_the_data(browser: WebDriver, tmp_path: Path) -> None:
    path = hostile_csv(tmp_path)
    out = tmp_path / "hostile.html"
    assert run(["validate", str(path), "--format", "html", "-o", str(out)])[0] == 1
    load(browser, out)
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    elements = browser.execute_script(
        "return [...document.querySelectorAll('*')].filter(e => e.localName === 'script' ||"
        " e.localName === 'img' || [...e.attributes].some(a => a.name.startsWith('on')))"
        ".length"
    )
    assert elements == 0
    text = browser.execute_script("return document.body.innerText")
    assert HOSTILE["record_id"] in text and HOSTILE["country"] in text
