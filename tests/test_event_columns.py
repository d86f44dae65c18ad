"""The event columns prepare() adds (toolkit.rules.events.with_events), by hand: the key and
anchor of each row, and which rows share an event, with and without repeated event ids."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit.rules.base import ROW, repeats
from toolkit.rules.events import ANCHOR, EVENT_KEY, SHARED, with_events


def events(ids: list[str | None], roles: list[str]) -> list[tuple[object, ...]]:
    frame = pl.DataFrame({"event_id": ids, "role": roles}, schema_overrides={"event_id": pl.String})
    made = with_events(frame.with_row_index(ROW))
    assert made.schema[EVENT_KEY] == made.schema[ANCHOR] == made.schema[ROW]
    return made.select(EVENT_KEY, ANCHOR, SHARED).rows()


def test_each_event_on_one_row_is_its_own_key_and_anchor() -> None:
    assert events(["a", None, "b", None], ["part", "total", "total", "part"]) == [
        (0, 0, False),
        (None, 1, False),  # no event_id: no key, its own anchor
        (2, 2, False),
        (None, 3, False),
    ]


def test_rows_of_one_event_share_its_first_row_as_key_and_its_total_as_anchor() -> None:
    ids = ["a", "b", "a", None, "a", "c", "c", None]
    roles = ["part", "total", "total", "part", "total", "part", "part", "total"]
    assert events(ids, roles) == [
        (0, 2, True),  # a: first row 0, first total row 2
        (1, 1, False),
        (0, 2, True),
        (None, 3, False),
        (0, 2, True),
        (5, 5, True),  # c has no total: its first row is the anchor
        (5, 5, True),
        (None, 7, False),  # two rows without event_id share nothing
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["a", "b", "c"], False),
        (["a", None, None, "b"], False),  # nulls are not a repeated value
        ([None, None], False),
        ([], False),
        (["a", "b", "a"], True),
        ([None, "x", "x"], True),
    ],
)
def test_repeats_counts_values_not_nulls(values: list[str | None], expected: bool) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    assert repeats(frame, "v") is expected
    assert repeats(frame.lazy(), "v") is expected
