"""How rules run. Each engine takes the prepared frame and returns the failing rows per
(rule, column); the checker turns those into findings. Engines are imported lazily."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True, slots=True)
class Failures:
    """The rows (positions in the prepared frame) where *rule* failed on *column*."""

    rule: str
    column: str | None
    rows: pl.Series


ENGINES = ("pandera",)
