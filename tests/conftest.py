"""Shared test helpers: paths to the shipped fixtures and a writer for small CSV files."""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path

import pytest
from click.testing import Result

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "fixtures" / "real"
# CLI flags that turn the place rules off, for tests about something else
PLACE_RULES = ("place.known", "place.unverified", "place.hierarchy")
NO_PLACES = [arg for rule in PLACE_RULES for arg in ("--rule", f"{rule}=off")]
COLUMNS = (
    "record_id", "event_id", "role", "source", "source_url", "published_date", "event_date",
    "event_date_end", "event_type", "actor", "country", "admin1", "admin2", "location",
    "count", "count_qualifier", "quote",
)  # fmt: skip

# A valid total row of the seed article's 1,037 event; tests override what they need.
BASE = {
    "record_id": "r1", "event_id": "e1", "role": "total", "source": "Sputnik International",
    "source_url": "", "published_date": "2021-07-07", "event_date": "2021-07-05",
    "event_date_end": "", "event_type": "border_crossing", "actor": "Afghan government forces",
    "country": "Tajikistan", "admin1": "", "admin2": "", "location": "", "count": "1037",
    "count_qualifier": "", "quote": "",
}  # fmt: skip


def csv_text(rows: Iterable[Mapping[str, str]], columns: Iterable[str] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def rows(*overrides: Mapping[str, str]) -> list[dict[str, str]]:
    """Rows built on BASE, each its own event: record_id r1, r2, ..., event_id e1, e2, ...
    unless given."""
    return [
        {**BASE, "record_id": f"r{i}", "event_id": f"e{i}", **o}
        for i, o in enumerate(overrides, start=1)
    ]


def settings_table(tmp_path: Path) -> tuple[Path, list[dict[str, str]]]:
    """An extra gazetteer file and row overrides (for rows()) whose findings depend on the
    settings (tolerance, vocabulary, the extra place, the date window, subtotal.total): the
    engines and the published schemas must judge them alike under default and non-default
    settings."""
    gazetteer = tmp_path / "extra.csv"
    gazetteer.write_text(
        "name,level,country,admin1,admin2,aliases\nNovabad Test,location,TJ,Khatlon,Panj,\n"
    )
    return gazetteer, [
        {"count": "100", "count_qualifier": "about"},  # e1: about 100 vs parts 80+38
        {"record_id": "p1", "event_id": "e1", "role": "part", "count": "80"},
        {"record_id": "p2", "event_id": "e1", "role": "part", "count": "38"},
        {"event_type": "skirmish"},  # in the custom vocabulary only
        {"location": "Novabad Test", "admin2": "Panj", "admin1": "Khatlon"},
        {"published_date": "2019-05-01", "event_date": "2019-04-30"},  # before date_min
        {"event_id": "e5", "role": "total"},  # a second total: rule turned off
    ]


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """write_csv(rows, name=..., columns=...) -> path of a CSV under tmp_path."""

    def write(
        data: Iterable[Mapping[str, str]],
        name: str = "events.csv",
        columns: Iterable[str] = COLUMNS,
    ) -> Path:
        path = tmp_path / name
        path.write_text(csv_text(data, columns), encoding="utf-8")
        return path

    return write


def one_line_error(result: Result) -> str:
    """The message of a CLI run that failed as unusable: exit 2, one line on stderr."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    return result.stderr[len("error: ") : -1]


# The engine a test module's checks run on (see each_engine).
ENGINE: ContextVar[str] = ContextVar("ENGINE", default="pandera")


@pytest.fixture(
    params=[
        "pandera",
        pytest.param("gx", marks=pytest.mark.slow),
        pytest.param("spark", marks=pytest.mark.spark),
    ]
)
def each_engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test once per engine: ``pytestmark = pytest.mark.usefixtures("each_engine")``
    in a module whose helper reads ENGINE. The GX runs are marked slow: the default run
    keeps GX's parity in tests/test_gx.py (every rule on generated data, the real
    extractions), CI runs these too (``pytest -m slow``). The dev extra installs GX, so a
    missing GX fails here instead of skipping. The Spark runs are marked spark: CI runs
    them where the spark extra and Java are (``pytest -m spark``), in a local session."""
    if request.param == "gx":
        import great_expectations  # noqa: F401  (fails loudly without the dev extra)
    if request.param == "spark":
        import pyspark  # noqa: F401  (fails loudly without the spark extra)
    token = ENGINE.set(request.param)
    try:
        yield request.param
    finally:
        ENGINE.reset(token)


def unprivileged(command: list[str]) -> list[str]:
    """*command* run so that file permissions bind it: as is, or as root (CI runs as root)
    without the capabilities that bypass them (util-linux setpriv)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without util-linux setpriv: root reads any file")
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", *command]
