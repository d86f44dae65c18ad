"""toolkit.io at its edges (found by mutation testing): in-memory frames and their names.

Expected lines, names and messages follow from the documented contract (README: in memory,
lines count as if the frame were written to CSV, the header being line 1).
"""

from __future__ import annotations

import pandas as pd
import polars as pl
import pytest

from tests.conftest import rows
from toolkit.checker import validate_frame
from toolkit.config import default_settings
from toolkit.errors import InputError
from toolkit.io import LINE, table_from_frame


def test_frame_cells_become_text_and_lines_start_at_2() -> None:
    table = table_from_frame(pd.DataFrame({"a": [1, 2, 3], "b": ["x", None, "z"]}))
    assert table.header == ("a", "b")
    assert str(table.path) == "<frame>"
    assert table.frame.dtypes == [pl.String, pl.String, pl.Int64]
    assert table.frame.rows() == [("1", "x", 2), ("2", None, 3), ("3", "z", 4)]


def test_empty_frame_has_no_lines() -> None:
    table = table_from_frame(pl.DataFrame({"a": []}, schema={"a": pl.String}), "empty")
    assert table.rows == 0 and table.frame[LINE].to_list() == []


@pytest.mark.parametrize(("name", "where"), [(None, "<frame>"), ("events", "events")])
def test_reserved_column_in_a_frame_names_the_frame(name: str | None, where: str) -> None:
    frame = pl.DataFrame({"record_id": ["r1"], "__row": ["1"]})
    with pytest.raises(InputError) as info:
        table_from_frame(frame) if name is None else table_from_frame(frame, name)
    assert str(info.value) == (
        f"{where}: column '__row' starts with '__', which is reserved for the toolkit's own "
        "columns; rename it"
    )


def test_report_of_a_frame_carries_its_name() -> None:
    frame = pl.DataFrame(rows({"count": "1,037"}))
    settings = default_settings()
    assert validate_frame(frame, settings).file == "<frame>"
    report = validate_frame(frame, settings, name="extractions")
    assert report.file == "extractions"
    assert report.flatten(("line", "rule", "column")) == [(2, "value.type", "count")]
