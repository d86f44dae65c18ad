"""Scale: the real extractions copied to a quarter of a million rows, with planted mistakes.

Slow (run by CI as a separate step: ``pytest -m slow``). Every copy of the 12 real rows gets
its own record and event ids; every 997th copy has a quote spanning two lines, and a few
copies carry one known mistake each. The checker must report exactly those, on the right
physical lines.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import REAL
from toolkit.checker import validate
from toolkit.config import load_settings

COPIES = 20_000  # x 12 rows = 240,000 rows
MULTILINE_EVERY = 997
# copy number -> (row index in events.csv, column, bad value, rule)
PLANTED = {
    1_234: (0, "count", "1,037", "value.type"),
    5_000: (3, "admin2", "Nulvnd", "place.known"),
    9_999: (5, "count", "170", "subtotal.sum"),
    14_001: (11, "published_date", "2021-02-30", "value.type"),
    19_999: (7, "event_type", "crossing", "value.enum"),
}

pytestmark = pytest.mark.slow


def _write(path: Path) -> dict[tuple[int, str], str]:
    """Write the big file; return {(line, rule): record_id} of the planted mistakes."""
    with (REAL / "events.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    columns = list(rows[0])
    expected: dict[tuple[int, str], str] = {}
    line = 2
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns)
        writer.writeheader()
        for copy in range(COPIES):
            planted = PLANTED.get(copy)
            for index, row in enumerate(rows):
                out = dict(row, record_id=f"{row['record_id']}-{copy}")
                out["event_id"] = f"{row['event_id']}-{copy}"
                if copy % MULTILINE_EVERY == 0:
                    out["quote"] = row["quote"] + "\n(continued)"
                if planted and planted[0] == index:
                    out[planted[1]] = planted[2]
                    anchor = line - index if planted[3] == "subtotal.sum" else line
                    record = rows[0] if planted[3] == "subtotal.sum" else row
                    expected[(anchor, planted[3])] = f"{record['record_id']}-{copy}"
                writer.writerow(out)
                line += 1 + out["quote"].count("\n")
    return expected


def test_planted_mistakes_are_found_on_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    expected = _write(path)
    report = validate(path, load_settings(data_path=REAL / "events.csv"))
    assert report.rows == COPIES * 12
    assert {(f.line, f.rule): f.record_id for f in report.findings} == expected
