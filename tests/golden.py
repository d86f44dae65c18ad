"""Expected reports of the real extractions: how they are made, and a writer.

    python -m tests.golden          # rewrite fixtures/real/expected/ (review the diff!)

Each report is what ``validate fixtures/real/<name>.csv --format <fmt>`` prints when run from
the repository root; fixtures/real/pyproject.toml pins date_max so the reports are stable.
The writer refuses to write unless every report gives exactly the hand-written ANSWER_KEY.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from toolkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "fixtures" / "real"
EXPECTED = REAL / "expected"
FILES = ("events", "extraction_errors")
FORMATS = {"text": "txt", "json": "json", "github": "github.txt", "junit": "junit.xml",
           "markdown": "md"}  # fmt: skip
# a fixed GitHub environment, so the Markdown links are the same everywhere
GITHUB_ENV: dict[str, str | None] = {
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "example/event-data",
    "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
    "GITHUB_STEP_SUMMARY": None,
}
EXIT_CODES = {"events": 0, "extraction_errors": 1}

# The answer key, written by hand from fixtures/real/README.md (never from the checker's
# output): (record_id, event_id, rule, column) of every finding each file must give.
ANSWER_KEY: dict[str, set[tuple[str, str, str, str | None]]] = {
    "events": set(),
    "extraction_errors": {
        ("err-date-dotted", "err-date-dotted", "value.type", "published_date"),
        ("err-date-1920", "err-date-1920", "date.order", "event_date"),
        ("err-drop-total", "err-drop-langar", "subtotal.sum", "count"),
        ("err-misread-total", "err-misread-tem", "subtotal.sum", "count"),
        ("err-garbled-admin2", "err-garbled-admin2", "place.known", "admin2"),
        ("err-ruzvay-in-vanj", "err-ruzvay-in-vanj", "place.unverified", "location"),
        ("err-khorog-in-khatlon", "err-khorog-in-khatlon", "place.hierarchy", "admin2"),
        ("err-count-comma", "err-count-comma", "value.type", "count"),
        ("err-count-about", "err-count-about", "value.type", "count"),
        ("err-qualifier-some", "err-qualifier-some", "value.enum", "count_qualifier"),
        ("err-type-crossing", "err-type-crossing", "value.enum", "event_type"),
        ("err-country-empty", "err-country-empty", "value.required", "country"),
        ("err-two-totals-1037", "err-two-totals", "subtotal.total", "role"),
        ("err-caption-date-humrogi", "err-caption-date", "event.consistent", "event_date"),
        ("err-dup-1037", "err-dup-sp", "record_id.unique", "record_id"),
        ("err-period-reversed", "err-period-reversed", "date.order", "event_date_end"),
        ("err-year-2201", "err-year-2201", "date.range", "published_date"),
        ("err-ragged-row", "err-ragged-row", "row.shape", None),
    },
}


def keyed(failures: list[dict[str, Any]]) -> set[tuple[str, str, str, str]]:
    """The answer-key view of a JSON report's failures."""
    return {(f["record_id"], f["event_id"], f["rule"], f["column"]) for f in failures}


@contextmanager
def _at_root() -> Iterator[None]:
    before = Path.cwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(before)


def render(name: str, fmt: str) -> tuple[int, str]:
    """(exit code, stdout) of ``validate fixtures/real/<name>.csv --format <fmt>``."""
    with _at_root():
        result = CliRunner(env=GITHUB_ENV).invoke(
            main, ["validate", f"fixtures/real/{name}.csv", "--format", fmt], color=False
        )
    return result.exit_code, result.stdout


def expected_path(name: str, fmt: str) -> Path:
    return EXPECTED / f"{name}.{FORMATS[fmt]}"


def write(folder: Path = EXPECTED) -> list[Path]:
    """Render every report, check each against the answer key, then (only if all agree)
    write them to *folder*. Raises SystemExit naming the first disagreement."""
    reports: dict[Path, str] = {}
    for name in FILES:
        for fmt in FORMATS:
            code, out = render(name, fmt)
            if code != EXIT_CODES[name]:
                raise SystemExit(f"{name} {fmt}: exit {code}, expected {EXIT_CODES[name]}")
            reports[folder / expected_path(name, fmt).name] = out
        got = keyed(json.loads(reports[folder / expected_path(name, "json").name])["failures"])
        if got != ANSWER_KEY[name]:
            missing, extra = sorted(ANSWER_KEY[name] - got), sorted(got - ANSWER_KEY[name])
            raise SystemExit(f"{name}: not the answer key; missing {missing}, unexpected {extra}")
    folder.mkdir(exist_ok=True)
    for path, text in reports.items():
        path.write_text(text, encoding="utf-8")
    return list(reports)


if __name__ == "__main__":
    for written in write():
        print(f"wrote {written.relative_to(ROOT)}")
