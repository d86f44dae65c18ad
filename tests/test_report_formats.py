"""The CI formats: GitHub annotations and step summary, JUnit XML, Markdown; and untrusted
cell values coming out escaped in every format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import NO_PLACES, csv_text, rows
from tests.golden import GITHUB_ENV, ROOT, expected_path
from toolkit.cli import main


def run(args: list[str], env: Mapping[str, str | None] | None = None) -> tuple[int, str]:
    result = CliRunner(env={**GITHUB_ENV, **(env or {})}).invoke(main, args, color=False)
    return result.exit_code, result.stdout


def test_github_annotations_and_step_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    code, out = run(["validate", "fixtures/real/extraction_errors.csv", "--format", "github"], env)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 18
    assert [line.split(" ", 1)[0] for line in lines].count("::warning") == 1  # place.unverified
    assert all(line.startswith(("::error file=", "::warning file=")) for line in lines)
    assert lines[7] == (
        "::error file=fixtures/real/extraction_errors.csv,line=22,title=value.type (count)"
        "::record err-count-comma: count '1,037' is not a non-negative integer literal"
        " (did you mean: 1037)"
    )
    assert out == expected_path("extraction_errors", "github").read_text(encoding="utf-8")
    markdown = expected_path("extraction_errors", "markdown").read_text(encoding="utf-8")
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + markdown
    assert "| `subtotal.sum` | 2 | 0 |" in markdown
    assert (
        "[22](https://github.com/example/event-data/blob/0123456789abcdef0123456789abcdef01234567"
        "/fixtures/real/extraction_errors.csv#L22)" in markdown
    )


def test_no_step_summary_outside_the_github_format(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    run(["validate", str(ROOT / "fixtures/real/extraction_errors.csv"), "--format", "json"], env)
    assert not summary.exists()


def test_junit_one_case_per_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out = run(["validate", "fixtures/real/extraction_errors.csv", "--format", "junit",
                     "--rule", "date.range=off", "--rule", "place.known=warning"])  # fmt: skip
    assert code == 1
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert len(cases) == 13
    assert suite.get("failures") == "10" and suite.get("skipped") == "1"
    assert cases["date.range"].find("skipped") is not None
    place = cases["place.known"]
    assert place.find("failure") is None
    assert "Shohon Sh. Shokhin" in (place.findtext("system-out") or "")
    failure = cases["subtotal.sum"].find("failure")
    assert failure is not None and failure.get("message") == "2 findings of subtotal.sum"
    assert "line 4 count: record err-drop-total: parts add up to 987" in (failure.text or "")


HOSTILE = {
    "record_id": "r1\n::set-output name=pwned::yes",
    "source": "Sputnik\r\n::add-mask::secret",
    "count": "12%0A::error::fake\x1b[31mred",
    "event_type": "clash|<script>alert(1)</script>|@octocat #1",
    "admin2": "Khorog\u2028::warning::x",
}


@pytest.mark.parametrize("fmt", ["text", "json", "github", "junit", "markdown"])
def test_hostile_values_come_out_escaped(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.csv"
    path.write_text(csv_text(rows(HOSTILE)), encoding="utf-8")
    code, out = run(["validate", str(path), "--format", fmt])
    assert code == 1
    assert "\x1b" not in out and "\u2028" not in out and "\r" not in out
    for line in out.splitlines():
        assert not line.lstrip().startswith(("::set-output", "::add-mask::", "::warning::x"))
    if fmt == "github":
        assert all(line.startswith("::error file=") for line in out.splitlines())
        assert "%250A::error::fake" in out  # a literal %0A stays text
    elif fmt == "json":
        failures = json.loads(out)["failures"]
        assert {f["record_id"] for f in failures} == {HOSTILE["record_id"]}  # exact, raw
        assert any(f["value"] == HOSTILE["count"] for f in failures)
    elif fmt == "junit":
        ET.fromstring(out)  # well-formed
        assert "<script>" not in out
    elif fmt == "markdown":
        assert "<script>" not in out and "@octocat" not in out and " #1" not in out
        table = [line for line in out.splitlines() if line.startswith("| ")]
        assert table and all(line.endswith("|") for line in table)


# ------------------------------------------------------------------ counts in words


def test_one_row_one_error_is_singular_in_every_format(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text(csv_text(rows({"count": "1,037"})), encoding="utf-8")
    outputs = {
        fmt: run(["validate", str(path), "--format", fmt, *NO_PLACES])[1]
        for fmt in ("text", "markdown", "junit")
    }
    assert outputs["text"].splitlines()[0] == f"{path}: 1 row, 1 error, 0 warnings: INVALID"
    assert outputs["text"].splitlines()[2] == "value.type (1 error)"
    assert outputs["markdown"].splitlines()[2] == "1 row, 1 error, 0 warnings."
    failure = ET.fromstring(outputs["junit"]).find("testsuite/testcase[@name='value.type']/failure")
    assert failure is not None and failure.get("message") == "1 finding of value.type"


def test_markdown_counts_what_it_leaves_out(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    cells = ({"count": f"x{i}"} for i in range(51))  # 51 values: 51 entries
    path.write_text(csv_text(rows(*cells)), encoding="utf-8")
    out = run(["validate", str(path), "--format", "markdown", *NO_PLACES])[1]
    assert out.splitlines()[2] == "51 rows, 51 errors, 0 warnings."
    assert out.splitlines()[-1] == "… and 1 more row (see the text or JSON report)."  # 50 shown


def test_markdown_groups_one_value_on_many_rows(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(csv_text(rows(*({"count": "x"} for _ in range(51)))), encoding="utf-8")
    out = run(["validate", str(path), "--format", "markdown", *NO_PLACES])[1].splitlines()
    entries = [line for line in out if line.startswith("| 2, 3")]
    assert entries == [
        "| 2, 3, 4, 5, 6 and 46 more | `value.type` | 51 records | count | x "
        "| count 'x' is not a non-negative integer literal |"
    ]


def test_plural_helper() -> None:
    from toolkit.wording import plural

    assert [plural(n, "row") for n in (0, 1, 2)] == ["0 rows", "1 row", "2 rows"]
    assert plural(1234, "event", grouped=True) == "1,234 events"
