"""The Great Expectations engine: the same rules as a GX suite, with proven parity.

Correctness against answer keys that come from neither engine: the hand-written key of the
real extractions (tests/golden.py), the committed synthetic files' manifests
(tests/test_fixtures.py) and the hand-written edge cases of tests/test_rules.py and
tests/test_place_rules.py, which run on each engine. Parity on top: both engines, on the
real extractions, generated data broken for each rule and under non-default settings,
report identical findings. GX runs in
one ephemeral context for the whole session (toolkit.gx.run.context is cached).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

# The dev extra installs GX: without it this module fails to import (an error, never a skip).
import great_expectations  # noqa: F401
import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import COLUMNS, REAL, ROOT, one_line_error, rows, settings_table
from tests.golden import ANSWER_KEY, FILES
from tests.test_imports import run_guarded
from toolkit.checker import validate, validate_frame
from toolkit.cli import main
from toolkit.config import Settings, apply, default_settings, load_settings
from toolkit.contract import load_contract
from toolkit.errors import ConfigError, EngineDisagreement, ToolkitError
from toolkit.fixtures import generate
from toolkit.prepare import prepare
from toolkit.readers import read_table
from toolkit.report import Report
from toolkit.rules import all_rules
from toolkit.rules.base import Context

RULES = [spec.id for spec in load_contract().rules]
SUITE_FILE = ROOT / "schemas" / "event-record.gx.json"
REAL_SETTINGS = load_settings(data_path=REAL / "events.csv")  # date_max pinned


def rows_of(report: Report) -> list[tuple[Any, ...]]:
    """Every field of every finding: parity is on the whole report, messages included."""
    return list(report.flatten())


def assert_parity(table: pl.DataFrame, settings: Settings) -> Report:
    by_pandera = validate_frame(table, settings, engine="pandera")
    by_gx = validate_frame(table, settings, engine="gx")
    assert rows_of(by_gx) == rows_of(by_pandera)
    return by_gx


# ---------------------------------------------------------------- parity


@pytest.mark.parametrize("name", ["events.csv", "extraction_errors.csv"])
def test_real_extractions_same_report_from_both_engines(name: str) -> None:
    path = REAL / name
    by_pandera = validate(path, engine="pandera")
    by_gx = validate(path, engine="gx")
    assert rows_of(by_gx) == rows_of(by_pandera)
    assert by_gx.by_rule == by_pandera.by_rule
    if name == "extraction_errors.csv":
        assert len(by_gx.findings) == 18 and len(by_gx.by_rule) == 13  # every rule fires


@pytest.mark.parametrize("name", FILES)
def test_real_extractions_give_the_answer_key(name: str) -> None:
    """The hand-written key of fixtures/real/README.md, not the other engine's answer."""
    report = validate(REAL / f"{name}.csv", engine="gx")
    assert set(report.flatten(("record_id", "event_id", "rule", "column"))) == ANSWER_KEY[name]


@pytest.mark.parametrize("rule", RULES)
def test_generated_data_broken_for_each_rule(rule: str) -> None:
    fixture = generate(60, seed=11, breaks={rule: 0.25})
    report = assert_parity(fixture.table, default_settings())
    labelled = {(label.rule, label.record_id, label.column) for label in fixture.labels}
    assert {(f.rule, f.record_id, f.column) for f in report.findings} == labelled
    assert labelled, rule


def test_non_default_settings_reach_the_custom_expectations(tmp_path: Path) -> None:
    """Tolerance, vocabularies, date window, an extra gazetteer and a rule turned off are
    expectation arguments: the GX engine must judge by them as pandera does."""
    gazetteer, cells = settings_table(tmp_path)
    table = pl.DataFrame(rows(*cells))
    base = default_settings()
    words = (*base.vocabularies["event_type"], "skirmish")
    loose = apply(
        base,
        {
            "about_tolerance": "0.2",
            "date_min": "2020-01-01",
            "vocabularies": {"event_type": list(words)},
            "gazetteer": [str(gazetteer)],
            "rules": {"subtotal.total": "off", "place.unverified": "error"},
        },
        None,
    )
    strict = assert_parity(table, base)
    relaxed = assert_parity(table, loose)
    assert {"subtotal.sum", "value.enum", "place.unverified", "subtotal.total"} <= set(
        strict.by_rule
    )
    assert "subtotal.sum" not in relaxed.by_rule  # 118 fits about 100 at 20 %
    assert "value.enum" not in relaxed.by_rule and "place.unverified" not in relaxed.by_rule
    assert "subtotal.total" not in relaxed.by_rule and relaxed.by_rule["date.range"] == 2


@pytest.mark.parametrize(
    "overrides",
    [
        [],  # a header and no rows
        [{"event_id": ""}, {"event_id": "", "role": "part"}],  # rows outside any event
        [{"event_date": "", "published_date": ""}, {"record_id": ""}],  # empty dates and ids
        [  # a count at int64's edge beside an empty count (pandas would make it a float)
            {"count": "9223372036854775807"},
            {"record_id": "p1", "event_id": "e1", "role": "part", "count": "1"},
            {"count": ""},
        ],
        [
            {
                "published_date": "9999-12-31",
                "event_date": "0001-01-01",
                "event_date_end": "2300-01-01",
            }
        ],
    ],
    ids=["empty", "no-event-ids", "empty-cells", "big-count", "far-dates"],
)
def test_parity_on_edge_tables(overrides: list[dict[str, str]]) -> None:
    table = (
        pl.DataFrame(rows(*overrides))
        if overrides
        else pl.DataFrame({column: pl.Series([], dtype=pl.String) for column in COLUMNS})
    )
    assert_parity(table, default_settings())


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    events=st.integers(0, 40),
    broken=st.lists(st.sampled_from(RULES), max_size=4, unique=True),
)
def test_parity_on_generated_data(seed: int, events: int, broken: list[str]) -> None:
    fixture = generate(events, seed, breaks=dict.fromkeys(broken, 0.2))
    assert_parity(fixture.table, default_settings())


def test_every_rule_declares_what_its_check_reads() -> None:
    """The custom expectations hand a rule's check only the columns reads() names: a
    missing one would fail (polars) or change the answer; checked on the error file."""
    path = REAL / "extraction_errors.csv"
    ctx = Context(contract=load_contract(), settings=REAL_SETTINGS)
    frame = prepare(read_table(path), ctx)
    for rule in all_rules():
        if not rule.gx_custom:
            continue
        for column in rule.targets(ctx):
            full = rule.check(ctx, frame.lazy(), column).collect().to_series()
            narrow = frame.select(rule.reads(ctx, column)).lazy()
            alone = rule.check(ctx, narrow, column).collect().to_series()
            assert alone.to_list() == full.to_list(), (rule.id, column)


# ---------------------------------------------------------------- the suite


def test_committed_suite_is_fresh() -> None:
    from toolkit.gx import suite_json

    committed = json.loads(SUITE_FILE.read_text())
    fresh = json.loads(suite_json(default_settings()))
    for suite in (committed, fresh):  # the GX version writing it is not the suite
        suite["meta"].pop("great_expectations_version", None)
    assert committed == fresh, "stale: run `event-toolkit gx-suite --output " + str(
        SUITE_FILE.relative_to(ROOT)
    )


def test_suite_covers_every_rule_with_its_id_in_meta() -> None:
    suite = json.loads(SUITE_FILE.read_text())
    ids = {item["meta"]["rule"] for item in suite["expectations"]}
    assert ids == set(RULES)
    custom = {item["type"] for item in suite["expectations"] if item["type"].startswith("expect_")}
    for rule in all_rules():
        if rule.gx_custom:
            assert rule.gx_custom in custom, rule.id
    assert suite["expectations"][0]["severity"] == "critical"


def test_suite_reloads_from_json_and_validates_like_the_checker() -> None:
    """What a GX user does: load the JSON suite into their own context, validate the frame
    gx_frame() makes with gx_parameters(), and get the same failing rows."""
    import great_expectations as gx

    import toolkit
    import toolkit.gx.expectations

    data = json.loads(SUITE_FILE.read_text())
    suite = gx.ExpectationSuite(**data)
    assert [type(e).__name__ for e in suite.expectations][-1] == "ExpectPlaceChainsToNest"
    context = gx.get_context(mode="ephemeral")
    suite = context.suites.add(suite)
    batch = (
        context.data_sources.add_pandas("mine")
        .add_dataframe_asset("events")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(
            batch_parameters={
                "dataframe": toolkit.gx_frame(REAL / "extraction_errors.csv", REAL_SETTINGS)
            }
        )
    )
    result = batch.validate(
        suite,
        expectation_parameters=toolkit.gx_parameters(REAL_SETTINGS),
        result_format="COMPLETE",
    )
    failed: dict[str, set[int]] = {}
    for item in result.results:
        assert item.expectation_config is not None and item.expectation_config.meta
        rows_failed = item.result.get("unexpected_index_list") or []
        failed.setdefault(item.expectation_config.meta["rule"], set()).update(rows_failed)
    got = {(rule, line) for rule, found in failed.items() for line in found}  # index: lines
    report = validate(REAL / "extraction_errors.csv")
    assert got == {(f.rule, f.line) for f in report.findings}


def test_gx_suite_command_writes_the_committed_file(tmp_path: Path) -> None:
    out = tmp_path / "suite.json"
    result = CliRunner().invoke(main, ["gx-suite", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        json.loads(out.read_text())["expectations"]
        == json.loads(SUITE_FILE.read_text())["expectations"]
    )


# ---------------------------------------------------------------- the CLI


def invoke(*args: object) -> Any:
    return CliRunner().invoke(main, ["validate", *(str(a) for a in args)])


def test_engine_both_exits_1_with_the_golden_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for fmt, suffix in (("text", "txt"), ("json", "json")):
        result = invoke("fixtures/real/extraction_errors.csv", "--engine", "both", "--format", fmt)
        assert result.exit_code == 1, result.output
        assert result.stdout == (REAL / "expected" / f"extraction_errors.{suffix}").read_text()


def test_engine_gx_valid_file_exits_0() -> None:
    result = invoke(REAL / "events.csv", "--engine", "gx")
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.stdout


def test_engines_disagreeing_is_exit_2_naming_the_difference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from toolkit.engines import gx_engine

    real_run = gx_engine.run

    def lossy(*args: Any) -> Any:  # GX "misses" subtotal.sum
        return [f for f in real_run(*args) if f.rule != "subtotal.sum"]

    monkeypatch.setattr(gx_engine, "run", lossy)
    message = one_line_error(invoke(REAL / "extraction_errors.csv", "--engine", "both"))
    assert "disagree" in message
    assert "2 only by pandera (subtotal.sum line 4, subtotal.sum line 11)" in message
    with pytest.raises(EngineDisagreement):
        validate(REAL / "extraction_errors.csv", engine="both")


def test_a_crashing_custom_expectation_is_an_error_not_a_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from toolkit.rules.subtotals import PartsAddUp

    def boom(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(PartsAddUp, "check", boom)
    with pytest.raises(ToolkitError, match=r"rule subtotal\.sum crashed in Great Expectations"):
        validate(REAL / "events.csv", engine="gx")


def test_without_great_expectations_engine_gx_says_how_to_install() -> None:
    for engine in ("gx", "both"):
        done = run_guarded(
            ["validate", "fixtures/real/events.csv", "--engine", engine], {"great_expectations"}
        )
        assert done.stdout.rstrip().endswith("exit 2"), (done.stdout, done.stderr)
        assert "pip install 'event-toolkit[gx]'" in done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    done = run_guarded(["gx-suite"], {"great_expectations"})
    assert done.stdout.rstrip().endswith("exit 2") and "event-toolkit[gx]" in done.stderr


# ---------------------------------------------------------------- Data Docs


def docs_page(folder: Path) -> str:
    pages = sorted((folder / "validations").rglob("*.html"))
    assert pages, list(folder.rglob("*"))
    return "\n".join(page.read_text() for page in pages)


@pytest.mark.slow  # a GX Data Docs site per test: CI runs them in its slow step
def test_data_docs_list_the_failing_expectations(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    result = invoke(
        REAL / "extraction_errors.csv", REAL / "events.csv", "--engine", "gx", "--data-docs", docs
    )
    assert result.exit_code == 1, result.output
    assert (docs / "index.html").is_file()
    html = docs_page(docs)
    assert "Unsuccessful Expectations" in html
    assert "subtotal.sum: an event whose part counts cannot add up to its total" in html
    assert len(list((docs / "validations").rglob("*.html"))) == 2  # one page per file
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


@pytest.mark.slow  # a GX Data Docs site per test: CI runs them in its slow step
def test_data_docs_replace_an_earlier_site_but_never_another_folder(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    assert invoke(REAL / "events.csv", "--engine", "gx", "--data-docs", docs).exit_code == 0
    assert invoke(REAL / "events.csv", "--engine", "gx", "--data-docs", docs).exit_code == 0
    assert len(list((docs / "validations").rglob("*.html"))) == 1  # this run's only

    other = tmp_path / "notes"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    message = one_line_error(invoke(REAL / "events.csv", "--engine", "gx", "--data-docs", other))
    assert "not a Data Docs site" in message
    assert [p.name for p in other.iterdir()] == ["keep.txt"]


@pytest.mark.slow  # a GX Data Docs site per test: CI runs them in its slow step
def test_data_docs_need_a_gx_engine_and_failed_runs_leave_no_site(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    message = one_line_error(invoke(REAL / "events.csv", "--data-docs", docs))
    assert "--engine gx" in message
    missing = tmp_path / "missing.csv"
    result = invoke(REAL / "events.csv", missing, "--engine", "gx", "--data-docs", docs)
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []  # neither the site nor its staging folder


@pytest.mark.slow  # a GX Data Docs site per test: CI runs them in its slow step
def test_library_api_writes_docs_for_one_call(tmp_path: Path) -> None:
    report = validate(REAL / "extraction_errors.csv", engine="gx", data_docs=tmp_path / "d")
    assert not report.valid
    assert (tmp_path / "d" / "index.html").is_file()
    with pytest.raises(ConfigError):
        validate(REAL / "events.csv", data_docs=tmp_path / "e")


def test_suite_for_settings_with_rules_off_has_none_of_theirs() -> None:
    from toolkit.gx import expectation_suite

    off = replace(default_settings(), severities={**default_settings().severities})
    off.severities["place.known"] = "off"
    suite = expectation_suite(off)
    assert "place.known" not in {e.meta["rule"] for e in suite.expectations if e.meta}


def test_gx_suite_never_overwrites_its_config(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.event-toolkit]\nabout_tolerance = 0.2\n")
    result = CliRunner().invoke(main, ["gx-suite", "--config", str(config), "-o", str(config)])
    assert "would overwrite the input file" in one_line_error(result)
    assert config.read_text().startswith("[tool.event-toolkit]")
    result = CliRunner().invoke(main, ["gx-suite", "--config", str(config)])
    assert result.exit_code == 0
    sums = [
        e for e in json.loads(result.stdout)["expectations"] if e["meta"]["rule"] == "subtotal.sum"
    ]
    assert sums[0]["kwargs"]["parameters"] == {"about_tolerance": 0.2}


def test_a_changed_or_deleted_gazetteer_is_read_again(tmp_path: Path) -> None:
    """The metrics cache their context per run, never across runs with other files."""
    extra = tmp_path / "extra.csv"
    header = "name,level,country,admin1,admin2,aliases\n"
    extra.write_text(header + "Narnia Crossing,location,TJ,,,\n")
    table = pl.DataFrame(rows({"location": "Narnia Crossing"}))
    settings = apply(default_settings(), {"gazetteer": [str(extra)]}, None)
    assert "place.unverified" not in assert_parity(table, settings).by_rule
    extra.write_text(header + "Other Place,location,TJ,,,\n")
    assert assert_parity(table, settings).by_rule["place.unverified"] == 1
    extra.unlink()
    for engine in ("pandera", "gx"):
        with pytest.raises(ToolkitError) as raised:
            validate_frame(table, settings, engine=engine)
        assert "internal error" not in str(raised.value) and str(extra) in str(raised.value)


def test_unusable_gazetteer_is_the_same_one_line_error_for_both_engines(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    messages = {
        engine: one_line_error(
            invoke(REAL / "events.csv", "--engine", engine, "--gazetteer", missing)
        )
        for engine in ("pandera", "gx", "both")
    }
    assert len(set(messages.values())) == 1 and str(missing) in messages["gx"], messages


@pytest.mark.slow  # a GX Data Docs site per test: CI runs them in its slow step
def test_data_docs_relative_folder_permissions_and_same_file_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.csv").write_text((REAL / "events.csv").read_text())
    result = invoke("a/x.csv", "b/x.csv", "--engine", "gx", "--data-docs", "site")
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    assert (site / "index.html").is_file()
    assert site.stat().st_mode & 0o055 == 0o055  # readable by others, as the umask allows
    pages = sorted(p.name for p in (site / "expectations").iterdir())
    assert [re.sub(r"-\d+\.html$", "", page) for page in pages] == [
        "event-record-a_x_csv",
        "event-record-b_x_csv",
    ]


@pytest.mark.slow  # a GX Data Docs site per test: CI runs them in its slow step
def test_data_docs_never_replace_a_folder_with_inputs_or_another_site(tmp_path: Path) -> None:
    web = tmp_path / "web"
    web.mkdir()
    (web / "index.html").write_text("<html>someone else's site</html>")
    message = one_line_error(invoke(REAL / "events.csv", "--engine", "gx", "--data-docs", web))
    assert "not a Data Docs site written by event-toolkit" in message
    ours = tmp_path / "ours"
    assert invoke(REAL / "events.csv", "--engine", "gx", "--data-docs", ours).exit_code == 0
    data = ours / "events.csv"
    data.write_text((REAL / "events.csv").read_text())
    message = one_line_error(invoke(data, "--engine", "gx", "--data-docs", ours))
    assert "would replace a folder holding" in message and data.is_file()


@pytest.mark.slow  # a GX Data Docs site per test: CI runs them in its slow step
def test_data_docs_folder_that_cannot_be_made_is_exit_2_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    message = one_line_error(
        invoke(REAL / "events.csv", "--engine", "gx", "--data-docs", blocker / "deep" / "site")
    )
    assert "cannot write Data Docs there" in message
    missing = tmp_path / "missing.csv"
    site = tmp_path / "x" / "y" / "site"
    result = invoke(REAL / "events.csv", missing, "--engine", "gx", "--data-docs", site)
    assert result.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]  # no x/y left behind
