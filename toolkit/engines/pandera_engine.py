"""The default engine: the rule catalogue as a Pandera (polars backend) schema.

Every rule contributes one pandera Check per target column (or one frame-wide Check),
named by its rule id; pandera runs them lazily (all failures, no early stop) and its
failure cases are mapped back to (rule, column, rows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from toolkit.engines import Failures
from toolkit.errors import ToolkitError
from toolkit.rules.base import Context, Rule


def _check(rule: Rule, ctx: Context, column: str | None) -> pa.Check:
    def run(data: PolarsData) -> pl.LazyFrame:
        return rule.check(ctx, data.lazyframe, column)

    return pa.Check(run, name=rule.id, error=rule.id, ignore_na=False)


def build_schema(ctx: Context, rules: tuple[Rule, ...]) -> pa.DataFrameSchema:
    """The pandera schema for *rules* (the enabled ones) under *ctx*'s settings."""
    column_checks: dict[str, list[pa.Check]] = {name: [] for name in ctx.contract.names}
    frame_checks: list[pa.Check] = []
    for rule in rules:
        for column in rule.targets(ctx):
            target = frame_checks if column is None else column_checks[column]
            target.append(_check(rule, ctx, column))
    columns = {
        name: pa.Column(pl.String, nullable=True, required=True, checks=checks)
        for name, checks in column_checks.items()
    }
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, name="event-record")


def run(ctx: Context, frame: pl.DataFrame, rules: tuple[Rule, ...]) -> list[Failures]:
    schema = build_schema(ctx, rules)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _failures(exc.failure_cases, {rule.id for rule in rules})
    return []


def _failures(cases: Any, rule_ids: set[str]) -> list[Failures]:
    cases = pl.DataFrame(cases) if not isinstance(cases, pl.DataFrame) else cases
    unknown = set(cases["check"].unique().to_list()) - rule_ids
    if unknown:
        raise ToolkitError(f"pandera reported checks that are not rules: {sorted(unknown)}")
    grouped = cases.group_by(["check", "column"], maintain_order=True).agg(
        pl.col("index").cast(pl.UInt32).unique().sort()
    )
    return [
        Failures(rule=check, column=column, rows=pl.Series("rows", index))
        for check, column, index in grouped.iter_rows()
    ]


Runner = Callable[[Context, pl.DataFrame, tuple[Rule, ...]], list[Failures]]
