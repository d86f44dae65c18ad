"""Rules on single cells: value.required, value.type, value.enum, record_id.unique."""

from __future__ import annotations

from random import Random
from typing import Any

import polars as pl
from rapidfuzz import process

from toolkit.readers import LINE
from toolkit.rules.base import Broken, Context, GxSpec, Rule, cell_findings, repeats
from toolkit.rules.mutating import part_rows
from toolkit.rules.parsing import (
    COUNT_MAX,
    COUNT_RE,
    DATE_RE,
    parse_count,
    parse_date,
    qualifier_word,
    suggest_count,
    suggest_date,
    too_big,
    typed,
)


class Required(Rule):
    id = "value.required"

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        """The required columns but those the dataset does not record (a preset's)."""
        return tuple(c for c in ctx.contract.required if c not in ctx.absent)

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        assert column is not None
        return self.passes(frame, pl.col(column).is_not_null() & (pl.col(column) != ""))

    def gx(self, ctx: Context, column: str | None) -> tuple[GxSpec, ...]:
        # a quoted "" in a free-text column is a cell, not a null: GX sees it by its length
        return (
            GxSpec("expect_column_values_to_not_be_null", {"column": column}),
            GxSpec("expect_column_value_lengths_to_be_between", {"column": column, "min_value": 1}),
        )

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> pl.DataFrame:
        assert column is not None
        return cell_findings(self, failed, column, lambda row: (self.message(column=column), None))

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        event[0]["source"] = ""  # source: required, and judged by no other rule
        return [(0, "source")]


class ValueType(Rule):
    id = "value.type"
    gx_custom = "expect_column_values_to_match_contract_type"

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return ctx.contract.of_type("date") + ctx.contract.of_type("count")

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        """The raw text parses; the prepared frame has it parsed already, raw text (as GX
        gives it) is parsed here by the same parser."""
        assert column is not None
        raw = pl.col(column)
        if typed(column) not in frame.collect_schema():
            is_date = ctx.contract.column(column).type == "date"
            frame = frame.with_columns(parse_date(column) if is_date else parse_count(column))
        return self.passes(frame, raw.is_null() | (raw == "") | pl.col(typed(column)).is_not_null())

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> pl.DataFrame:
        assert column is not None
        is_date = ctx.contract.column(column).type == "date"
        qualifiers = ctx.vocabulary("count_qualifier")

        def build(row: dict[str, Any]) -> tuple[str, str | None]:
            value = row[column]
            if is_date:
                expected, suggestion = "a real YYYY-MM-DD date", suggest_date(value)
            else:
                expected = "a non-negative integer literal"
                if too_big(value):
                    expected += f" up to {COUNT_MAX:,}"
                suggestion = suggest_count(value, qualifiers)
            return self.message(column=column, value=value, expected=expected), suggestion

        return cell_findings(self, failed, column, build)

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        row = event[0]
        if rng.random() < 0.5:  # the anchor's count as text: no sum is judged on it
            n = int(row["count"])
            row["count"] = f"{n:,}" if n >= 1000 else rng.choice([f"{n}.0", f"~{n}", f"{n} people"])
            return [(0, "count")]
        year, month, day = row["published_date"].split("-")  # a page's dd.mm.yyyy date
        row["published_date"] = f"{day}.{month}.{year}"
        return [(0, "published_date")]


class Enum(Rule):
    id = "value.enum"
    settings_used = ("vocabularies",)

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return ctx.contract.of_type("enum")

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        assert column is not None
        raw = pl.col(column)
        return self.passes(frame, raw.is_null() | raw.is_in(list(ctx.vocabulary(column))))

    def gx(self, ctx: Context, column: str | None) -> tuple[GxSpec, ...]:
        words = list(ctx.vocabulary(column or ""))
        kwargs = {"column": column, "value_set": words}
        return (GxSpec("expect_column_values_to_be_in_set", kwargs),)

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> pl.DataFrame:
        assert column is not None
        allowed = ctx.vocabulary(column)

        def build(row: dict[str, Any]) -> tuple[str, str | None]:
            value = row[column]
            message = self.message(column=column, value=value, allowed=", ".join(allowed))
            return message, suggest_word(value, allowed)

        return cell_findings(self, failed, column, build)

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        # on the anchor, whose unknown type other rows are then not compared with
        word = event[0]["event_type"]
        allowed = set(ctx.vocabulary("event_type"))
        variants = [word.replace("_", " ").title(), word + "s", word.upper(), word + "_"]
        wrong = [v for v in variants if v not in allowed and v != word]
        event[0]["event_type"] = rng.choice(wrong)
        return [(0, "event_type")]


def suggest_word(value: str, allowed: tuple[str, ...]) -> str | None:
    """The vocabulary word meant by *value*, when that is clear; never *value* itself.
    Count qualifier words ('below', 'at least') come from parsing.QUALIFIER_WORDS."""
    key = "_".join(value.strip().lower().replace("-", " ").split())
    if key in allowed:
        suggestion: str | None = key
    elif (word := qualifier_word(key)) in allowed:
        suggestion = word
    else:
        best = process.extractOne(key, allowed, score_cutoff=70)
        if best is None:
            best = process.extractOne(key, allowed, scorer=_partial, score_cutoff=90)
        suggestion = None if best is None else str(best[0])
    return None if suggestion == value else suggestion


def _partial(a: str, b: str, **_: Any) -> float:
    from rapidfuzz import fuzz

    return float(fuzz.partial_ratio(a, b)) if len(a) >= 5 else 0.0


class UniqueRecordId(Rule):
    id = "record_id.unique"
    together = "record_id"
    gx_custom = "expect_column_values_to_be_first_occurrences"  # GX's unique flags the first too

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return ("record_id",)

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        ids = pl.col("record_id")
        if not repeats(frame, "record_id"):  # the usual file: each id once
            return self.all_pass(frame)
        return self.passes(frame, ids.is_null() | ids.is_first_distinct())

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> pl.DataFrame:
        ids = failed["record_id"].unique()
        first = (
            frame.lazy()
            .filter(pl.col("record_id").is_in(ids.implode()))
            .group_by("record_id")
            .agg(pl.col(LINE).min())
            .collect()
        )
        first_line = dict(zip(first["record_id"], first[LINE], strict=True))
        return cell_findings(
            self,
            failed,
            "record_id",
            lambda row: (
                self.message(ctx, value=row["record_id"], first_line=first_line[row["record_id"]]),
                None,
            ),
        )

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        parts = part_rows(event)
        if not parts:
            return None
        k = rng.choice(parts)  # a part that reuses its total's id; the later row is flagged
        event[k]["record_id"] = event[0]["record_id"]
        return [(k, "record_id")]


__all__ = ["COUNT_RE", "DATE_RE", "Enum", "Required", "UniqueRecordId", "ValueType"]
