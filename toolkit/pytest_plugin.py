"""pytest plugin of event-toolkit: seeded event records as fixtures in your tests.

Installing event-toolkit registers this module (entry point ``pytest11``); nothing to
configure. Fixtures:

    event_seed      int, the seed every other fixture uses (``--event-seed=N``, default 0)
    event_factory   EventFactory: event_factory(events=10, *, seed=None, breaks=None, **options)
    valid_events    pandas DataFrame of 20 valid events
    events_csv      Path of a CSV of 20 valid events under tmp_path (manifest beside it)

Data is seeded by default, so runs repeat; the header line (``event-toolkit: --event-seed=0``)
says how to reproduce one. Override ``event_seed`` by defining a fixture of that name in a
conftest.py or test module, as with any pytest fixture.

The plugin loads in every pytest session of a project that installs event-toolkit, so it
imports only pytest here; the generator (polars, pandas, Faker) is imported when a fixture
is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    import pandas as pd

    from toolkit.fixtures import Fixture

__all__ = ["DEFAULT_SEED", "EventFactory"]

DEFAULT_SEED = 0
VALID_EVENTS = 20


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("event-toolkit", "event-toolkit: generated event records")
    group.addoption(
        "--event-seed",
        action="store",
        type=int,
        default=DEFAULT_SEED,
        dest="event_seed",
        metavar="N",
        help=f"seed of the event_* fixtures (default: {DEFAULT_SEED})",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"event-toolkit: --event-seed={config.getoption('event_seed')}"


class EventFactory:
    """Generate seeded event records (see ``toolkit.fixtures.generate``).

    ``event_factory(events=10, *, seed=None, breaks=None, **options)`` returns a
    ``toolkit.fixtures.Fixture``: ``.frame`` (pandas), ``.table`` (polars), ``.labels``
    (the findings the checker must report on the broken records), ``.write(path)``.
    *seed* None means the factory's seed (the ``event_seed`` fixture); *breaks* maps a rule
    id to the fraction of events broken for it; other *options* (``date_min``,
    ``date_max``, ``countries``, ``settings``) go to ``generate``. The same arguments give
    the same records, so pass distinct seeds for distinct data within one test.
    """

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        self.seed = seed

    def __call__(
        self,
        events: int = 10,
        *,
        seed: int | None = None,
        breaks: Mapping[str, float] | None = None,
        **options: Any,
    ) -> Fixture:
        from toolkit.fixtures import generate

        return generate(events, self.seed if seed is None else seed, breaks, **options)

    def __repr__(self) -> str:
        return f"EventFactory(seed={self.seed})"


@pytest.fixture(scope="session")
def event_seed(pytestconfig: pytest.Config) -> int:
    """The seed of the event_* fixtures: ``--event-seed=N``, default 0. Define your own
    ``event_seed`` fixture (conftest.py or test module) to override it."""
    seed: int = pytestconfig.getoption("event_seed")
    return seed


@pytest.fixture
def event_factory(event_seed: int) -> EventFactory:
    """event_factory(events=10, *, seed=None, breaks=None, **options) -> Fixture, seeded
    by ``event_seed``."""
    return EventFactory(event_seed)


@pytest.fixture
def valid_events(event_factory: EventFactory) -> pd.DataFrame:
    """A pandas DataFrame (CSV cells, strings) of 20 valid events, seeded by ``event_seed``."""
    return event_factory(VALID_EVENTS).frame


@pytest.fixture
def events_csv(event_factory: EventFactory, tmp_path: Path) -> Path:
    """Path of ``events.csv`` under tmp_path: 20 valid events, the manifest beside it."""
    path = tmp_path / "events.csv"
    event_factory(VALID_EVENTS).write(path)
    return path
