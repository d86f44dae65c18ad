"""The pytest plugin (entry point pytest11 event_toolkit): option, header line and fixtures,
exercised as a third-party project would use them, in pytester sessions.

The sessions run in-process (fast); ``pytest -p pytester --runpytest=subprocess`` runs them
isolated.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT
from toolkit.checker import validate, validate_frame
from toolkit.fixtures import generate
from toolkit.pytest_plugin import EventFactory

pytest_plugins = ["pytester"]

# What a project that installs event-toolkit writes (the README example).
THIRD_PARTY = """
from toolkit.checker import validate, validate_frame


def test_the_checker_finds_what_was_broken(event_factory):
    fixture = event_factory(30, breaks={"subtotal.sum": 0.2})
    report = validate_frame(fixture.frame)
    found = sorted((f.rule, f.record_id, f.column) for f in report.findings)
    assert found == sorted((x.rule, x.record_id, x.column) for x in fixture.labels)
    assert found


def test_valid_events_pass(valid_events):
    assert validate_frame(valid_events).valid


def test_events_csv_passes(events_csv):
    assert events_csv.is_file()
    assert validate(events_csv).valid
"""

# appends "SEED SHA256" of valid_events to digests.txt in the session's directory, twice
DIGEST = """
import hashlib
from pathlib import Path

import pytest


@pytest.mark.parametrize("run", [1, 2])
def test_digest(event_seed, valid_events, run):
    data = valid_events.to_csv(index=False).encode()
    with Path("digests.txt").open("a") as out:
        print(event_seed, hashlib.sha256(data).hexdigest(), file=out)
"""


# other packages' plugins stay out of the sessions (hypothesis's would import hypothesis anew
# in every in-process run: slow)
QUIET = ("randomly", "cacheprovider", "hypothesispytest", "faker")


@pytest.fixture(scope="module", autouse=True)
def _data_libraries_loaded(tmp_path_factory: pytest.TempPathFactory) -> None:
    """After an in-process run pytester drops the modules the run imported first; pandas
    imports parts lazily, and a second copy of them breaks its isinstance checks (in later
    runs and in this process). So do here first what the sessions' tests do."""
    fixture = generate(5, breaks={"subtotal.sum": 0.5})
    path = tmp_path_factory.mktemp("loaded") / "events.csv"
    fixture.write(path)
    validate(path)
    validate_frame(fixture.frame)
    fixture.frame.to_csv(index=False)


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*(f"-pno:{name}" for name in QUIET), *args)


def digest(seed: int) -> str:
    return hashlib.sha256(generate(20, seed=seed).frame.to_csv(index=False).encode()).hexdigest()


def digests(pytester: pytest.Pytester, *args: str) -> list[tuple[int, str]]:
    """Run the session; the (seed, digest) pairs its tests wrote."""
    path = pytester.path / "digests.txt"
    path.unlink(missing_ok=True)
    run(pytester, *args).assert_outcomes(passed=len(list(pytester.path.glob("test_*.py"))) * 2)
    pairs = [line.split() for line in path.read_text().splitlines()]
    return [(int(seed), value) for seed, value in pairs]


def test_the_plugin_is_registered_by_its_entry_point(pytestconfig: pytest.Config) -> None:
    # fails when event-toolkit is not installed (pip install -e .): the entry point is missing
    assert pytestconfig.pluginmanager.has_plugin("event_toolkit")


def test_a_third_party_test_file_uses_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_events=THIRD_PARTY)
    result = run(pytester)
    result.assert_outcomes(passed=3)


def test_the_header_line_shows_the_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    run(pytester).stdout.fnmatch_lines(["event-toolkit: --event-seed=0"])
    run(pytester, "--event-seed=5").stdout.fnmatch_lines(["event-toolkit: --event-seed=5"])


def test_the_option_is_in_its_own_help_group(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--help")
    result.stdout.fnmatch_lines(["event-toolkit*", "*--event-seed=N*seed of the event_*"])


def test_the_seed_option_changes_the_data_and_repeats_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_digest=DIGEST)
    seen = [digests(pytester, *args) for args in ([], ["--event-seed=5"], ["--event-seed=5"])]
    assert seen == [[(0, digest(0))] * 2, [(5, digest(5))] * 2, [(5, digest(5))] * 2]
    assert digest(0) != digest(5)


def test_a_user_event_seed_fixture_overrides_the_option(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
        import pytest

        @pytest.fixture
        def event_seed():
            return 7
        """
    )
    pytester.makepyfile(test_conftest_seed=DIGEST)
    pytester.makepyfile(
        test_module_seed=DIGEST
        + textwrap.dedent(
            """
            import pytest

            @pytest.fixture
            def event_seed():
                return 11
            """
        )
    )
    seen = digests(pytester, "--event-seed=5")
    assert sorted(set(seen)) == [(7, digest(7)), (11, digest(11))]


def test_event_factory_passes_seed_breaks_and_options(
    event_factory: EventFactory, event_seed: int
) -> None:
    assert event_factory.seed == event_seed
    assert repr(event_factory) == f"EventFactory(seed={event_seed})"
    made = event_factory(12, seed=3, breaks={"subtotal.sum": 0.5}, countries=("TJ",))
    expected = generate(12, 3, {"subtotal.sum": 0.5}, countries=("TJ",))
    assert made.frame.equals(expected.frame)
    assert made.labels == expected.labels and made.labels
    assert not validate_frame(made.frame).valid
    assert event_factory().frame.equals(generate(10, seed=event_seed).frame)


def test_importing_the_plugin_loads_no_data_library() -> None:
    code = textwrap.dedent(
        """
        import sys
        import toolkit.pytest_plugin
        heavy = {"polars", "pandas", "numpy", "pyarrow", "pandera", "faker", "toolkit.fixtures"}
        print(sorted(heavy & set(sys.modules)))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "[]", done.stderr
