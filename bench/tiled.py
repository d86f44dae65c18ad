"""The rows the benches generate from: the committed valid synthetic file's total rows,
drawn at random (seeded) as many times as asked, each row its own event."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

VALID = Path(__file__).resolve().parent.parent / "fixtures" / "synthetic" / "valid.csv"


def tiled_totals(rows: int, seed: int, prefix: str) -> pl.DataFrame:
    """*rows* total rows of the valid fixture (drawn with replacement, *seed*), record_id
    and event_id both *prefix* followed by the row's number."""
    import polars as pl

    base = pl.read_csv(VALID, infer_schema=False).filter(pl.col("role") == "total")
    frame = base.sample(rows, with_replacement=True, seed=seed)
    ids = pl.format(prefix + "{}", pl.int_range(pl.len()))
    return frame.with_columns(ids.alias("record_id"), ids.alias("event_id"))
