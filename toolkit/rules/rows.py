"""Rules on a record's structure: row.shape (as many cells as the header has).

A reader keeps a ragged record (a cell too few: padded with empty cells; too many: cut to
the header) and counts its cells (toolkit.readers.CELLS); the prepared frame carries the
header's width beside it (WIDTH), so the check is one comparison of two columns, for both
engines. A file with a header and no records gets a row.shape finding on line 1, as a
warning (toolkit.checker), since no record is there to carry it.
"""

from __future__ import annotations

from random import Random

import polars as pl

from toolkit.readers import CELLS, WIDTH
from toolkit.rules.base import EXPLAINED, ROW, Broken, Context, GxSpec, Rule

SHAPE = "row.shape"


class RowShape(Rule):
    id = SHAPE

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return (None,)

    def reads(self, ctx: Context, column: str | None) -> tuple[str, ...]:
        return (CELLS, WIDTH)

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        return self.passes(frame, pl.col(CELLS) == pl.col(WIDTH))

    def gx(self, ctx: Context, column: str | None) -> tuple[GxSpec, ...]:
        return (
            GxSpec("expect_column_pair_values_to_be_equal", {"column_A": CELLS, "column_B": WIDTH}),
        )

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> pl.DataFrame:
        fewer = pl.col(CELLS) < pl.col(WIDTH)
        effect = (
            pl.when(fewer)
            .then(pl.lit("the missing cells are read as empty"))
            .otherwise(pl.lit("the cells past the header are not read"))
        )
        template = self.spec.message
        before, rest = template.split("{cells}", 1)
        middle, rest = rest.split("{width}", 1)
        between, after = rest.split("{effect}", 1)
        message = pl.concat_str(
            pl.lit(before), pl.col(CELLS).cast(pl.String), pl.lit(middle),
            pl.col(WIDTH).cast(pl.String), pl.lit(between), effect, pl.lit(after),
        )  # fmt: skip
        return failed.select(
            pl.col(ROW).cast(pl.Int64),
            pl.lit(None, pl.String).alias("column"),
            pl.lit(None, pl.String).alias("value"),
            message.alias("message"),
            pl.lit(None, pl.String).alias("suggestion"),
        ).cast(EXPLAINED)  # type: ignore[arg-type]

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        """One record written a cell short (its last cell, the optional quote, dropped) or
        a cell long (an empty cell added): CELLS says by how many (-1, +1), and the
        generator makes it the record's count of cells, which Fixture.write writes."""
        i = rng.randrange(len(event))
        if rng.random() < 0.5:
            event[i]["quote"] = ""
            event[i][CELLS] = -1  # type: ignore[assignment]
        else:
            event[i][CELLS] = 1  # type: ignore[assignment]
        return [(i, None)]


HEADER_ONLY = "the file has a header row but no records"  # its row.shape message, on line 1

__all__ = ["HEADER_ONLY", "SHAPE", "WIDTH", "RowShape"]
