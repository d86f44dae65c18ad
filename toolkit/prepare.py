"""From a parsed table to the frame the rules run on: contract columns, tidy cells, typed views.

The original cells are kept as they are (so findings quote them); typed companions
(``__count``, ``__event_date``, count intervals, ...) are added beside them.
"""

from __future__ import annotations

import polars as pl

from toolkit.categories import as_categories, is_categories, per_value, text
from toolkit.contract import Contract
from toolkit.errors import InputError
from toolkit.readers import WIDTH, Table
from toolkit.rules.base import ROW, Context
from toolkit.rules.events import with_events
from toolkit.rules.parsing import count_interval, parse_count, parse_date


def missing_columns(table: Table, ctx: Context) -> list[str]:
    return [c for c in ctx.contract.required if c not in table.header and c not in ctx.absent]


def prepare(table: Table, ctx: Context) -> pl.DataFrame:
    """The frame every engine checks. Raises InputError when required columns are missing."""
    missing = missing_columns(table, ctx)
    if missing:
        raise InputError(
            f"{table.path}: missing required column(s): {', '.join(missing)}"
            + _near_names(missing, table.header)
        )
    contract = ctx.contract
    absent = [c for c in contract.names if c not in table.header]
    keys = ("record_id", "event_id")
    tidied = [c for c in table.header if c in keys or (c in contract.names and _typed(ctx, c))]
    source = as_categories(table.frame, contract.repeated)
    tidy = [_tidy(c, is_categories(source, c)) for c in _untidy(source, tidied)]
    source = _without_missing_values(source, contract.names, ctx.settings.missing_values)
    frame = source.with_columns(
        *tidy,
        *(pl.lit(None, dtype=_held(contract, c)).alias(c) for c in absent),
        pl.lit(table.width, dtype=pl.Int32).alias(WIDTH),
    ).with_row_index(ROW)
    typed = [per_value(frame, c, parse_date(c)) for c in contract.of_type("date")]
    typed += [per_value(frame, c, parse_count(c)) for c in contract.of_type("count")]
    interval = count_interval(
        "count", "count_qualifier", ctx.settings.about_tolerance, "count_low", "count_high"
    )
    return with_events(frame.with_columns(*typed)).with_columns(interval)


def _without_missing_values(
    frame: pl.DataFrame, columns: tuple[str, ...], missing: tuple[str, ...]
) -> pl.DataFrame:
    """*frame* with the contract's cells that hold a missing-value marker (Settings
    .missing_values, compared without surrounding whitespace) made empty (null)."""
    if not missing:
        return frame
    markers = pl.Series(missing, dtype=pl.String).implode()

    def marked(column: str) -> pl.Expr | pl.Series:  # categories: each value judged once
        mark = text(column).str.strip_chars().is_in(markers).alias("__marked")
        return per_value(frame, column, mark)

    return frame.with_columns(
        pl.when(marked(c)).then(None).otherwise(pl.col(c)).alias(c)
        for c in columns
        if c in frame.columns
    )


def _untidy(frame: pl.DataFrame, columns: list[str]) -> list[str]:
    """The columns with a cell that is blank or has surrounding whitespace: only these are
    rewritten (a rewritten column is a new copy of its strings)."""
    if not columns:
        return []

    def untidy(column: str) -> pl.Expr:
        # a column of categories: each distinct value once
        cells = pl.col(column)
        if is_categories(frame, column):
            cells = cells.unique().cast(pl.String)
        # strip_chars() drops what regex \s matches (Unicode White_Space), in half the time
        return (cells.str.strip_chars().str.len_bytes() != cells.str.len_bytes()) | (cells == "")

    found = frame.select(untidy(c).any().alias(c) for c in columns)
    return [c for c in columns if found[c].item()]


def _tidy(column: str, categories: bool) -> pl.Expr:
    tidy = text(column).str.strip_chars().replace("", None)
    return (tidy.cast(pl.Categorical) if categories else tidy).alias(column)


def _held(contract: Contract, column: str) -> pl.DataType:
    """How the prepared frame holds a contract column: a repeated one as categories."""
    return pl.Categorical() if column in contract.repeated else pl.String()


def _typed(ctx: Context, column: str) -> bool:
    """Columns whose surrounding whitespace is noise: everything but free text."""
    return ctx.contract.column(column).type != "text"


def _near_names(missing: list[str], header: tuple[str, ...]) -> str:
    """ "; the file has 'Record_ID' (record_id?)" for the file's columns that nearly name a
    missing one: the same but for case, spaces, hyphens and underscores, or one close by
    difflib."""
    import difflib

    def key(name: str) -> str:
        return "".join(c for c in name.casefold() if c.isalnum())

    by_key = {key(name): name for name in header}
    pairs = []
    for column in missing:
        found = by_key.get(key(column))
        if found is None:
            close = difflib.get_close_matches(key(column), list(by_key), n=1, cutoff=0.85)
            found = by_key[close[0]] if close else None
        if found is not None:
            pairs.append(f"{found!r} ({column}?)")
    return f"; the file has {', '.join(pairs)}" if pairs else ""
