"""Reports for real volumes: grouped entries, --max-findings, --baseline, and the published
JSON Schema of the report (schemas/report.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from tests.conftest import NO_PLACES, REAL, csv_text, rows
from tests.golden import EXPECTED
from toolkit.baseline import apply_baseline, load_baseline
from toolkit.cli import main
from toolkit.report import Finding, Report
from toolkit.tally import Group, tally

SCHEMA = json.loads((REAL.parents[1] / "schemas" / "report.schema.json").read_text())
ERRORS = REAL / "extraction_errors.csv"


def run(*args: Any) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["validate", *map(str, args)], color=False)
    return result.exit_code, result.stdout, result.stderr


def as_json(*args: Any) -> Any:
    code, out, _ = run(*args, "--format", "json")
    assert code in (0, 1), out
    return json.loads(out)


def finding(line: int, rule: str = "value.type", value: str | None = "x", **kw: Any) -> Finding:
    fields: dict[str, Any] = {
        "rule": rule, "severity": "error", "line": line, "record_id": f"r{line}",
        "event_id": f"e{line}", "column": "count", "value": value, "message": f"m {value}",
    }  # fmt: skip
    return Finding(**{**fields, **kw})


# ------------------------------------------------------------------ groups


def test_groups_count_every_finding_per_rule_column_and_value() -> None:
    findings = [finding(i) for i in range(2, 15)] + [finding(15, value="y"), finding(16)]
    groups = tally(findings).groups
    # answer key by hand: 14 findings of "x" (lines 2-14 and 16), one of "y"
    assert groups == (
        Group("value.type", "error", "count", "x", 14, (2, 3, 4, 5, 6, 7, 8, 9, 10, 11)),
        Group("value.type", "error", "count", "y", 1, (15,)),
    )


def test_groups_of_the_checker_frame_equal_those_of_plain_findings(tmp_path: Path) -> None:
    from toolkit import validate

    path = tmp_path / "events.csv"
    cells = [{"count": "x"}] * 12 + [{"count": "1,037"}, {"country": ""}] * 2
    path.write_text(csv_text(rows(*cells)), encoding="utf-8")
    report = validate(path)
    plain = tally(tuple(report.findings))  # Finding objects: tallied in Python, not polars
    assert (report.tally.by_rule_severity, report.tally.groups) == (
        plain.by_rule_severity, plain.groups
    )  # fmt: skip
    # 14 findings on rows of BASE's country, 2 (value.required) on rows without one
    assert report.tally.by_country == {"Tajikistan": 14, None: 2}
    by_value = {(g.column, g.value): g.count for g in report.tally.groups}
    assert by_value[("count", "x")] == 12
    assert by_value[("count", "1,037")] == 2
    assert by_value[("country", None)] == 2


def test_text_report_shows_a_repeated_value_once(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(csv_text(rows(*([{"count": "x"}] * 40 + [{"count": "1,037"}]))))
    code, out, _ = run(path, *NO_PLACES)
    assert code == 1
    assert out.splitlines() == [
        f"{path}: 41 rows, 41 errors, 0 warnings: INVALID",
        "",
        "value.type (41 errors)",
        '  lines 2, 3, 4, 5, 6 and 35 more  count="x"',
        "      count 'x' is not a non-negative integer literal",
        '  line 42   r41  count="1,037"',
        "      count '1,037' is not a non-negative integer literal",
        "      did you mean: 1037",
    ]


def test_entries_keep_different_messages_apart() -> None:
    same_value = [finding(2, message="one"), finding(3, message="two"), finding(4, message="one")]
    out = main_render(Report("f.csv", 3, tuple(same_value)))
    assert '  lines 2, 4  count="x"' in out
    assert '  line 3    r3  count="x"' in out
    assert out.count("      one") == 1 and out.count("      two") == 1


def test_the_largest_entry_of_a_rule_comes_first() -> None:
    findings = (
        finding(2, value="y"),
        *(finding(line) for line in (3, 4, 5)),
        finding(6, value="z"),
    )
    out = main_render(Report("f.csv", 5, findings)).splitlines()
    heads = [line for line in out if line.startswith("  l")]
    assert heads == ['  lines 3, 4, 5  count="x"', '  line 2    r2  count="y"',
                     '  line 6    r6  count="z"']  # fmt: skip


def test_entries_of_the_checker_frame_equal_those_of_plain_findings() -> None:
    import polars as pl

    from toolkit.report import FINDING_FIELDS, Findings
    from toolkit.tally import rule_entries

    findings = [
        finding(2, rule="date.range", value="y"),
        finding(3),
        finding(4, value=None, suggestion=None),
        finding(5, suggestion="1"),  # another suggestion: another entry
        finding(6, rule="date.range", value="z"),
        finding(7),
        finding(8, value=None, suggestion=None),
        *(finding(line, rule="date.range", value="z") for line in range(9, 17)),
    ]
    frame = pl.DataFrame([f.to_dict() for f in findings], schema=dict.fromkeys(FINDING_FIELDS))
    plain = rule_entries(findings, keep=3)
    assert rule_entries(Findings(frame), keep=3) == plain
    # answer key by hand: rules in order of first sight; largest entry first, ties in order
    assert [(rule, [(e.first.line, e.count, e.lines) for e in found])
            for rule, found in plain.items()] == [
        ("date.range", [(6, 9, (6, 9, 10)), (2, 1, (2,))]),
        ("value.type", [(3, 2, (3, 7)), (4, 2, (4, 8)), (5, 1, (5,))]),
    ]  # fmt: skip


@pytest.mark.parametrize("seed", range(4))
def test_the_fast_wrap_wraps_as_textwrap_does(seed: int) -> None:
    import random
    import string
    import textwrap

    from toolkit.formats.text_format import wrap

    rng = random.Random(seed)
    odd = string.ascii_letters + "  '()-é\t,."
    for _ in range(3000):
        text = "".join(
            rng.choice(odd if rng.random() < 0.3 else string.ascii_lowercase + "  ")
            for _ in range(rng.randint(0, 160))
        )
        for width, first, later in ((80, "    ", "    "), (80, "    ", "      "), (12, "  ", "")):
            expected = textwrap.wrap(text, width, initial_indent=first, subsequent_indent=later)
            assert wrap(text, width, first, later) == tuple(expected), (text, width)


def main_render(report: Report, fmt: str = "text") -> str:
    from toolkit.formats import render

    return render([report], fmt)


# ------------------------------------------------------------------ --max-findings


def test_max_findings_caps_every_format_and_keeps_the_counts(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    cells = [{"count": f"x{i}"} for i in range(30)] + [{"country": ""}] * 3
    path.write_text(csv_text(rows(*cells)))
    report = as_json(path, *NO_PLACES, "--max-findings", "4")
    assert report["summary"]["errors"] == 33
    assert report["summary"]["by_rule"] == {"value.required": 3, "value.type": 30}
    assert report["summary"]["listed"] == 7  # 4 of value.type, all 3 of value.required
    assert report["summary"]["max_findings"] == 4
    assert sum(g["count"] for g in report["summary"]["groups"]) == 33  # exact, not capped
    assert [f["line"] for f in report["failures"] if f["rule"] == "value.type"] == [2, 3, 4, 5]
    jsonschema.validate(report, SCHEMA)

    code, text, _ = run(path, *NO_PLACES, "--max-findings", "4")
    assert code == 1
    assert "value.type (30 errors; the first 4 listed)" in text.splitlines()
    assert "value.required (3 errors)" in text.splitlines()
    assert text.count("is not a non-negative integer literal") == 4

    _, github, _ = run(path, *NO_PLACES, "--max-findings", "4", "--format", "github")
    assert len(github.splitlines()) == 7
    _, markdown, _ = run(path, *NO_PLACES, "--max-findings", "4", "--format", "markdown")
    assert "| `value.type` | 30 | 0 |" in markdown
    assert "Listing capped at 4 findings per rule." in markdown
    _, junit, _ = run(path, *NO_PLACES, "--max-findings", "0", "--format", "junit")
    assert '<testsuites name="event-toolkit validate" tests="13" failures="2">' in junit
    assert 'message="30 findings of value.type (the first 0 listed)"' in junit


def test_max_findings_zero_lists_nothing_and_still_fails() -> None:
    report = as_json(ERRORS, "--max-findings", "0")
    assert report["failures"] == []
    assert (report["summary"]["errors"], report["summary"]["listed"]) == (17, 0)
    assert report["valid"] is False
    assert run(ERRORS, "--max-findings", "0")[0] == 1


def test_max_findings_must_be_a_count() -> None:
    code, _, err = run(ERRORS, "--max-findings", "-1")
    assert code == 2
    assert err.startswith("error: invalid value for '--max-findings'")


# ------------------------------------------------------------------ --baseline


def test_baseline_turns_an_existing_dataset_green_and_a_new_mistake_red(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    code, out, _ = run(ERRORS, "--format", "json", "--output", baseline)
    assert code == 1 and out == ""

    code, out, _ = run(ERRORS, "--baseline", baseline)
    assert code == 0  # every finding is an old one
    assert out.splitlines()[0] == (
        f"{ERRORS}: 40 rows, 0 errors, 0 warnings: valid (18 findings of the baseline accepted)"
    )

    # the same data with rows moved (lines change) and one new mistake: only that one counts
    lines = ERRORS.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    new_row = body[0].replace("err-date-dotted,err-date-dotted", "new-1,new-1")
    new_row = new_row.replace(",1037,about,", ",1.037,about,")
    changed = tmp_path / "changed.csv"
    changed.write_text(header + new_row + "".join(body[20:] + body[:20]), encoding="utf-8")
    report = as_json(changed, "--baseline", baseline)
    assert report["valid"] is False
    assert report["summary"]["accepted"] == 18
    assert [(f["rule"], f["record_id"], f["column"]) for f in report["failures"]] == [
        ("value.type", "new-1", "published_date"),  # the copied row keeps its dotted date
        ("value.type", "new-1", "count"),
    ]
    assert report["baseline"] == str(baseline)
    jsonschema.validate(report, SCHEMA)
    assert run(changed, "--baseline", baseline)[0] == 1


def test_baseline_matches_by_count_not_by_line() -> None:
    old = Report("f.csv", 3, (finding(2), finding(3)))
    new = Report("f.csv", 4, (finding(5, record_id="r"), finding(6, record_id="r"),
                              finding(7, record_id="r")))  # fmt: skip
    earlier = (finding(9, record_id="r"), finding(10, record_id="r"))
    baseline = _baseline(Report("f.csv", 2, earlier))
    after = apply_baseline(new, baseline)
    assert [f.line for f in after.accepted] == [5, 6]  # two in the baseline: two accepted
    assert [f.line for f in after.findings] == [7]  # the third is new
    assert (after.errors, after.accepted_count, after.valid) == (1, 2, False)
    assert apply_baseline(old, baseline).accepted == ()  # other record ids: nothing matches


def _baseline(report: Report) -> Any:
    import tempfile

    from toolkit.formats import render

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.json"
        path.write_text(render([report], "json"), encoding="utf-8")
        return load_baseline(path)


def test_baseline_of_the_checker_frame_equals_the_plain_split(tmp_path: Path) -> None:
    from toolkit import validate

    path = tmp_path / "events.csv"
    path.write_text(csv_text(rows(*([{"count": "x"}] * 5 + [{"count": "y"}] * 3))))
    report = validate(path)
    earlier = Report(str(path), 8, tuple(f for f in report.findings if f.value == "x")[:3])
    baseline = _baseline(earlier)
    framed = apply_baseline(report, baseline)  # polars
    plain = apply_baseline(Report(str(path), 8, tuple(report.findings)), baseline)  # Python
    assert list(framed.findings) == list(plain.findings)
    assert list(framed.accepted) == list(plain.accepted)
    assert [f.line for f in framed.accepted] == [2, 3, 4]


def test_a_baseline_that_was_capped_or_is_no_report_is_refused(tmp_path: Path) -> None:
    capped = tmp_path / "capped.json"
    run(ERRORS, "--format", "json", "--max-findings", "1", "--output", capped)
    code, _, err = run(ERRORS, "--baseline", capped)
    assert code == 2
    assert "written with --max-findings 1 and does not list every finding" in err
    other = tmp_path / "other.json"
    other.write_text('{"rows": 3}')
    assert run(ERRORS, "--baseline", other)[2] == (
        f"error: {other}: the baseline is not a JSON report of validate\n"
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert run(ERRORS, "--baseline", broken)[0] == 2
    assert run(ERRORS, "--baseline", tmp_path / "missing.json")[0] == 2


def test_a_version_1_report_serves_as_baseline(tmp_path: Path) -> None:
    report = as_json(ERRORS)
    old = {key: report[key] for key in ("file", "rows", "located_by", "valid", "failures")}
    old["summary"] = {k: report["summary"][k] for k in ("errors", "warnings", "by_rule")}
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(old))
    assert run(ERRORS, "--baseline", path)[0] == 0


# ------------------------------------------------------------------ the JSON Schema


def test_every_golden_json_report_validates_against_the_published_schema() -> None:
    golden = sorted(EXPECTED.glob("*.json"))
    assert len(golden) == 2
    for path in golden:
        jsonschema.validate(json.loads(path.read_text()), SCHEMA)


def test_several_files_unusable_and_capped_reports_validate(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe not text")
    code, out, _ = run(ERRORS, REAL / "events.csv", bad, "--format", "json", "--max-findings", "2")
    assert code == 2
    reports = json.loads(out)
    assert [r.get("unusable") is not None for r in reports] == [False, False, True]
    jsonschema.validate(reports, SCHEMA)


@pytest.mark.parametrize(
    "spoil",
    [
        lambda r: r.pop("schema_version"),
        lambda r: r.update(schema_version=1),
        lambda r: r["summary"].pop("groups"),
        lambda r: r["failures"][0].update(severity="fatal"),
        lambda r: r["failures"][0].pop("message"),
        lambda r: r.update(extra=1),
    ],
)
def test_the_schema_rejects_a_report_of_another_shape(spoil: Any) -> None:
    report = json.loads((EXPECTED / "extraction_errors.json").read_text())
    spoil(report)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, SCHEMA)


def test_the_schema_ships_with_the_package() -> None:
    from toolkit.contract import schemas_dir

    assert json.loads((schemas_dir() / "report.schema.json").read_text()) == SCHEMA
