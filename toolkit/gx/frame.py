"""The frame Great Expectations validates, and back.

GX sees the prepared frame (toolkit/prepare.py) as a pandas DataFrame indexed by the file
line each record starts on (so GX's unexpected indexes and Data Docs name lines): every
contract column as text, plus the typed companions and event keys the
rules' expectations read. Dates become yyyymmdd integers (2021-07-05 -> 20210705), which
GX compares vectorised and which stay exact for any year (datetime64[ns] ends in 2262).
The custom expectations' metrics turn the columns they get back into polars with the
prepared frame's own types, then run the rule's check on them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from toolkit.categories import as_text
from toolkit.contract import Contract, load_contract
from toolkit.readers import CELLS, LINE, WIDTH
from toolkit.readers.table import table_of
from toolkit.rules.base import ROW
from toolkit.rules.events import ANCHOR, EVENT_KEY, SHARED
from toolkit.rules.parsing import typed

if TYPE_CHECKING:
    import pandas as pd


def gx_columns(contract: Contract) -> list[str]:
    """The columns of the GX frame, in order."""
    typed_columns = [typed(c) for c in (*contract.of_type("date"), *contract.of_type("count"))]
    return [*contract.names, ROW, EVENT_KEY, ANCHOR, SHARED, CELLS, WIDTH, *typed_columns]


def to_gx(
    prepared: pl.DataFrame, contract: Contract | None = None, only: set[str] | None = None
) -> pd.DataFrame:
    """The prepared frame as GX validates it (index: the line each record starts on); with
    *only*, just those columns (GX copies and hashes the whole batch: unused text costs)."""
    contract = contract or load_contract()
    columns = [c for c in gx_columns(contract) if only is None or c in only]
    dates = [typed(c) for c in contract.of_type("date") if typed(c) in columns]
    frame = as_text(prepared.select(columns)).with_columns(
        (
            pl.col(c).dt.year().cast(pl.Int64) * 10_000
            + pl.col(c).dt.month().cast(pl.Int64) * 100
            + pl.col(c).dt.day().cast(pl.Int64)
        ).alias(c)
        for c in dates
    )
    data = frame.to_pandas()
    for name in (c for c in frame.columns if c not in dates and frame[c].dtype == pl.Int64):
        # numpy would make an integer column with nulls float64 and round big counts; the
        # dates above stay numpy (GX compares those vectorised) and are exact below 2**53
        data[name] = frame[name].to_pandas(use_pyarrow_extension_array=True)
    data.index = prepared[LINE].to_numpy()  # GX reports failing rows by their file line
    return data


def from_gx(data: pd.DataFrame) -> pl.DataFrame:
    """Columns GX hands a metric, back in the prepared frame's types."""
    schema = _prepared_schema()
    frame = pl.from_pandas(data)
    out = []
    for name in frame.columns:
        dtype = schema.get(name, pl.String)
        column = pl.col(name)
        if dtype == pl.Date:
            n = column.cast(pl.Int64)
            out.append(pl.date(n // 10_000, n // 100 % 100, n % 100).alias(name))
        else:
            out.append(column.cast(dtype))
    return frame.select(out)


@cache
def _prepared_schema() -> dict[str, pl.DataType]:
    """The dtypes prepare() gives each column (from an empty table), the repeated columns
    as text: GX hands a metric text, and every rule reads either form."""
    from toolkit.prepare import prepare
    from toolkit.rules.base import Context

    contract = load_contract()
    header = tuple(contract.names)
    empty = pl.DataFrame(schema=dict.fromkeys(header, pl.String))
    table = table_of(Path("<schema>"), header, empty, [], [])
    return dict(as_text(prepare(table, Context.of())).schema)
