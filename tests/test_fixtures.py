"""The fixture generator: valid output passes every rule; output broken for a rule fails
with exactly the labelled findings; same seed, same bytes; the committed set is fresh."""

from __future__ import annotations

import json
import math
import tempfile
import warnings
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import synthetic
from tests.conftest import ENGINE, one_line_error
from toolkit.checker import validate, validate_frame
from toolkit.cli import main
from toolkit.config import apply, default_settings
from toolkit.contract import load_contract
from toolkit.errors import ConfigError
from toolkit.fixtures import generate
from toolkit.fixtures.generate import Fixture, generator_versions
from toolkit.rules.parsing import count_interval, interval, typed

RULES = [spec.id for spec in load_contract().rules]
COUNTRY_SETS = [("AF", "TJ", "UZ"), ("Tajikistan",), ("AFG",), ("Uzbekistan", "Afghanistan")]
BOUNDED = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def findings(fixture: Fixture) -> set[tuple[str, str, str | None]]:
    report = validate_frame(fixture.table)
    return {(f.rule, f.record_id or "", f.column) for f in report.findings}


@BOUNDED
@given(
    seed=st.integers(0, 2**32 - 1),
    events=st.integers(0, 80),
    countries=st.sampled_from(COUNTRY_SETS),
)
def test_valid_output_passes_every_rule(seed: int, events: int, countries: tuple[str]) -> None:
    fixture = generate(events, seed, countries=countries)
    assert fixture.labels == ()
    assert findings(fixture) == set()
    assert fixture.table["event_id"].n_unique() == events


@BOUNDED
@given(
    seed=st.integers(0, 2**32 - 1),
    events=st.integers(10, 80),
    rule=st.sampled_from(RULES),
    fraction=st.sampled_from([0.05, 0.2, 0.5]),
)
def test_broken_output_fails_with_exactly_the_labels(
    seed: int, events: int, rule: str, fraction: float
) -> None:
    fixture = generate(events, seed, {rule: fraction})
    labels = {label.key() for label in fixture.labels}
    assert {label.rule for label in fixture.labels} <= {rule}
    assert findings(fixture) == labels
    broken_events = {label.event_id for label in fixture.labels}
    asked, broken = fixture.broken_events[rule]
    assert asked == math.floor(fraction * events + 0.5)  # rounded half up
    assert len(broken_events) == broken <= asked


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_can_be_broken_and_lines_are_exact(rule: str, tmp_path: Path) -> None:
    fixture = generate(60, 3, {rule: 0.2})
    assert len({label.event_id for label in fixture.labels}) == 12  # a fifth of 60 events
    path = tmp_path / "f.csv"
    fixture.write(path)
    report = validate(path)
    got = {(f.rule, f.record_id, f.column, f.line) for f in report.findings}
    assert got == {(x.rule, x.record_id, x.column, x.line) for x in fixture.labels}


def test_several_rules_at_once_each_event_for_one_rule() -> None:
    fixture = generate(200, 11, {"subtotal.sum": 0.1, "place.known": 0.1, "value.type": 0.1})
    by_event: dict[str, set[str]] = {}
    for label in fixture.labels:
        by_event.setdefault(label.event_id, set()).add(label.rule)
    assert all(len(rules) == 1 for rules in by_event.values())
    assert findings(fixture) == {label.key() for label in fixture.labels}


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    one = generate(50, 5, {"subtotal.sum": 0.2})
    assert one.csv_text() == generate(50, 5, {"subtotal.sum": 0.2}).csv_text()
    assert one.manifest() == generate(50, 5, {"subtotal.sum": 0.2}).manifest()
    assert one.csv_text() != generate(50, 6, {"subtotal.sum": 0.2}).csv_text()


def test_realistic_cells() -> None:
    table = generate(300, 2).table
    quotes = table["quote"]
    assert quotes.str.contains(",").all() and quotes.str.contains('"').all()
    assert quotes.str.contains("\n").any()
    assert set(table["role"]) == {"total", "part"}
    qualifiers = set(table["count_qualifier"])
    assert {"exact", "about", "more_than"} <= qualifiers
    assert (table["published_date"] >= table["event_date"]).all()
    assert table.filter(pl.col("role") == "part")["location"].str.len_chars().gt(0).any()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"breaks": {"no.such": 0.1}}, "unknown rule id"),
        ({"breaks": {"subtotal.sum": 1.5}}, "fraction"),
        ({"breaks": {"subtotal.sum": 0.6, "value.type": 0.6}}, "more than 1"),
        ({"countries": ["Atlantis"]}, "Atlantis"),
        ({"events": -1}, "negative"),
        ({"seed": -1}, "negative"),
        ({"date_min": "2020-13-01"}, "date_min"),
    ],
)
def test_bad_options_are_config_errors(options: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"events": 5, "seed": 0, **options}
    with pytest.raises(ConfigError, match=message):
        generate(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize("qualifier", ["exact", "", "about", "at_least", "more_than",
                                       "at_most", "fewer_than"])  # fmt: skip
@pytest.mark.parametrize("tolerance", [0.0, 0.1, 0.15])
def test_python_interval_matches_the_checkers(qualifier: str, tolerance: float) -> None:
    """The mutators' interval() and the rule's count_interval() agree on every count."""
    counts = [*range(0, 3000, 7), 1037, 1500, 999_999]
    frame = pl.DataFrame({typed("count"): counts, "q": [qualifier or None] * len(counts)})
    got = frame.select(count_interval("count", "q", tolerance)).rows()
    assert got == [interval(n, qualifier, tolerance) for n in counts]


# ---------------------------------------------------------------- the CLI
def test_cli_writes_csv_and_manifest_that_the_checker_confirms(tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    args = ["fixtures", "--events", "200", "--seed", "7", "--break", "subtotal.sum=0.1"]
    result = CliRunner().invoke(main, [*args, "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "labelled findings: subtotal.sum 20" in result.stderr
    manifest = json.loads((tmp_path / "f.manifest.json").read_text(encoding="utf-8"))
    checked = CliRunner().invoke(main, ["validate", str(out), "--format", "json"])
    assert checked.exit_code == 1
    report = json.loads(checked.stdout)
    keys = ("rule", "record_id", "event_id", "column", "line")
    assert {tuple(f[k] for k in keys) for f in report["failures"]} == {
        tuple(x[k] for k in keys) for x in manifest["labels"]
    }
    assert report["summary"]["by_rule"] == manifest["findings_by_rule"] == {"subtotal.sum": 20}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--break", "nope.rule=0.1"], "unknown rule id"),
        (["--break", "subtotal.sum=lots"], "RULE=FRACTION"),
        (["--date-min", "2020-13-01"], "--date-min"),
        (["--country", "Atlantis"], "Atlantis"),
        (["--date-min", "1800-01-01"], "inside the validator's"),
        (["--break", "place.known", "--break", "place.known=0.2"], "given twice"),
    ],
)
def test_cli_bad_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["fixtures", *args, "--output", str(tmp_path / "x.csv")])
    if message in ("RULE=FRACTION", "given twice"):  # click's own usage errors
        assert result.exit_code == 2 and message in result.output
    else:
        assert message in one_line_error(result)
    assert not (tmp_path / "x.csv").exists()


# ---------------------------------------------------------------- the committed set
class StaleCheckSkipped(UserWarning):
    """The committed synthetic files were written with other generator versions."""


def test_committed_synthetic_fixtures_are_fresh() -> None:
    """Byte for byte, when the installed Faker, numpy and polars are the recorded ones (the
    locked CI run); otherwise a warning says so (test_committed_synthetic_fixture_means_its_
    manifest checks their meaning under any versions)."""
    recorded, installed = synthetic.recorded_versions(), generator_versions()
    if recorded != installed:
        differ = ", ".join(
            f"{name} {recorded.get(name)} (installed {installed[name]})"
            for name in installed
            if recorded.get(name) != installed[name]
        )
        warnings.warn(
            StaleCheckSkipped(
                f"fixtures/synthetic/ were written with {differ}: not compared byte for "
                "byte (their meaning is still checked); the locked run compares them"
            ),
            stacklevel=1,
        )
        return
    with tempfile.TemporaryDirectory() as folder:
        for path in synthetic.write(Path(folder)):
            for made in (path, path.with_name(path.stem + ".manifest.json")):
                committed = synthetic.SYNTHETIC / made.name
                assert committed.read_bytes() == made.read_bytes(), (
                    f"{committed} is stale: run `python -m tests.synthetic` and commit"
                )


def test_stale_check_warns_when_versions_differ(monkeypatch: pytest.MonkeyPatch) -> None:
    recorded = synthetic.recorded_versions()
    other = {**recorded, "faker": recorded["faker"] + ".post1"}
    monkeypatch.setattr("tests.test_fixtures.generator_versions", lambda: other)
    with pytest.warns(StaleCheckSkipped, match=r"faker \S+ \(installed \S+\.post1\)"):
        test_committed_synthetic_fixtures_are_fresh()


@pytest.mark.usefixtures("each_engine")
@pytest.mark.parametrize("name", list(synthetic.commands()))
def test_committed_synthetic_fixture_means_its_manifest(name: str) -> None:
    """Whatever the installed versions: the valid file passes, each broken file gives exactly
    the findings its manifest lists (rule, record, event, column, line), on each engine."""
    manifest = synthetic.manifests()[name]
    report = validate(synthetic.SYNTHETIC / name, engine=ENGINE.get())
    keys = ("rule", "record_id", "event_id", "column", "line")
    assert sorted(report.flatten(keys)) == sorted(
        tuple(label[k] for k in keys) for label in manifest["labels"]
    )
    assert report.rows == manifest["rows"]
    if name == "valid.csv":
        assert manifest["labels"] == []
    else:
        rule = name.removesuffix(".csv")
        assert manifest["options"]["breaks"] == {rule: 0.2}
        assert set(manifest["findings_by_rule"]) == {rule} and manifest["labels"]


# ---------------------------------------------------------------- the Faker provider
def test_faker_provider_draws_only_from_its_generator() -> None:
    from faker import Faker

    from toolkit.fixtures import EventProvider

    def fake(seed: int) -> Faker:
        generator = Faker()
        generator.add_provider(EventProvider)
        generator.seed_instance(seed)
        return generator

    rows = fake(3).event_rows()
    assert rows == fake(3).event_rows() != fake(4).event_rows()
    assert rows[0]["role"] == "total" and {r["event_id"] for r in rows} == {rows[0]["event_id"]}
    fixture = fake(3).event_fixture(40, breaks={"place.known": 0.25})
    assert fixture.options["seed"] is None  # the generator's random, not a seed of ours
    assert len(fixture.labels) == 10
    assert findings(fixture) == {label.key() for label in fixture.labels}


@pytest.mark.parametrize("country", ["France", "Nigeria", "United States"])
def test_other_countries_valid_and_breakable(country: str) -> None:
    """GeoNames-only countries (some without districts) work as well as the curated ones."""
    assert findings(generate(60, 4, countries=[country])) == set()
    for rule in RULES:
        fixture = generate(60, 4, {rule: 0.1}, countries=[country])
        assert len({label.event_id for label in fixture.labels}) == 6, rule
        assert findings(fixture) == {label.key() for label in fixture.labels}, rule


def test_cli_same_seed_same_options_byte_identical_files(tmp_path: Path) -> None:
    args = ["fixtures", "--events", "120", "--seed", "9", "--break", "place.known",
            "--break", "value.type=0.05", "--country", "Tajikistan"]  # fmt: skip
    for name in ("a.csv", "b.csv"):
        assert CliRunner().invoke(main, [*args, "--output", str(tmp_path / name)]).exit_code == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    a, b = (tmp_path / f"{x}.manifest.json" for x in "ab")
    assert a.read_bytes() == b.read_bytes()
    assert json.loads(a.read_text())["findings_by_rule"] == {"place.known": 12, "value.type": 6}


# ---------------------------------------------------------------- settings shape the data
def test_old_dates_and_one_day_windows() -> None:
    for low, high in (("1900-01-01", "1900-01-31"), ("1969-12-31", "1969-12-31")):
        fixture = generate(30, 1, date_min=low, date_max=high)
        assert fixture.table["published_date"].is_in(["", None]).sum() == 0
        assert findings(fixture) == set()
    for rule in ("date.order", "value.type", "date.range", "event.consistent"):
        fixture = generate(40, 2, {rule: 0.5}, date_min="1960-01-01", date_max="1969-12-31")
        assert findings(fixture) == {label.key() for label in fixture.labels}


def test_custom_vocabularies_and_tolerance_shape_the_data() -> None:
    vocabularies = {"event_type": ["attack", "Protest"], "count_qualifier": ["about"]}
    settings = apply(default_settings(), {"vocabularies": vocabularies,
                                          "about_tolerance": 0.02}, None)  # fmt: skip
    valid = generate(80, 3, settings=settings)
    assert set(valid.table["event_type"]) <= {"attack", "Protest"}
    assert set(valid.table["count_qualifier"]) <= {"about", ""}
    assert validate_frame(valid.table, settings).findings == ()
    for rule in ("value.enum", "event.consistent", "subtotal.sum"):
        broken = generate(80, 3, {rule: 0.2}, settings=settings)
        got = {(f.rule, f.record_id or "", f.column)
               for f in validate_frame(broken.table, settings).findings}  # fmt: skip
        assert got == {label.key() for label in broken.labels} != set(), rule
    one_type = apply(default_settings(), {"vocabularies": {"event_type": ["clash"]}}, None)
    assert generate(30, 1, {"event.consistent": 0.5}, settings=one_type).labels == ()


def test_a_rule_turned_off_cannot_be_broken() -> None:
    settings = apply(default_settings(), {"rules": {"place.known": "off"}}, None)
    with pytest.raises(ConfigError, match="turned off"):
        generate(10, 0, {"place.known": 0.2}, settings=settings)


def test_shortfall_is_recorded() -> None:
    fixture = generate(100, 0, {"subtotal.sum": 0.5, "record_id.unique": 0.5})
    asked = fixture.manifest()["broken_events"]
    assert asked["subtotal.sum"][0] == asked["record_id.unique"][0] == 50
    assert asked["subtotal.sum"][1] < 50  # the events with parts ran out
    assert findings(fixture) == {label.key() for label in fixture.labels}


def test_provider_calls_can_be_put_together() -> None:
    from faker import Faker

    from toolkit.fixtures import EventProvider

    fake = Faker()
    fake.add_provider(EventProvider)
    fake.seed_instance(1)
    rows = [row for _ in range(6) for row in fake.event_rows()]
    assert validate_frame(pl.DataFrame(rows)).findings == ()
    with pytest.raises(ConfigError, match="seed_instance"):
        fake.event_fixture(3, seed=5)


@pytest.mark.parametrize("output", [".", ""])
def test_cli_output_must_be_a_file(output: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["fixtures", "--events", "2", "--output", output])
    assert "--output must name a file" in one_line_error(result)


def test_cli_never_overwrites_its_config(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("about_tolerance = 0.2\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["fixtures", "--events", "2", "--config", str(config), "--output", str(config)]
    )
    assert "would overwrite" in one_line_error(result)
    assert config.read_text(encoding="utf-8") == "about_tolerance = 0.2\n"
