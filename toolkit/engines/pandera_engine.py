"""The default engine: the rule catalogue as a Pandera (polars backend) schema.

Every rule contributes one pandera Check per target column (or one frame-wide Check),
named by its rule id; pandera runs them lazily (all failures, no early stop) and its
failure cases are mapped back to (rule, column, rows).

Lazy validation turns an exception raised inside a check into one more "failure case"
(with no row); a crashed rule must not pass for a clean file, so the exception is kept
and raised again once pandera is done: a ToolkitError as it is (a missing gazetteer file
is unusable input), anything else wrapped in a ToolkitError that names the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData
from pandera.errors import SchemaErrorReason

from toolkit.engines import Failures, RunOptions
from toolkit.errors import ToolkitError
from toolkit.rules.base import Context, Rule

Crash = tuple[str, str | None, Exception]  # rule id, column, what it raised
# makes the pandera Check of one rule on one column (None: frame-wide) under a context
MakeCheck = Callable[[Rule, Context, str | None], pa.Check]


def check_options(rule: Rule) -> dict[str, Any]:
    """What every rule's Check is given besides its function (here and in the published
    YAML schema, toolkit/pandera_yaml.py): failures named by the rule id; a null is no pass."""
    return {"error": rule.id, "ignore_na": False}


def run_check(rule: Rule, ctx: Context, data: PolarsData, column: str | None) -> pl.LazyFrame:
    """The rule's own check on the frame pandera hands a Check (collected here, so errors of
    the lazy query are raised here too)."""
    return rule.check(ctx, data.lazyframe, column).collect().lazy()


def _check(rule: Rule, ctx: Context, column: str | None, crashes: list[Crash]) -> pa.Check:
    def run(data: PolarsData) -> pl.LazyFrame:
        try:
            return run_check(rule, ctx, data, column)
        except Exception as exc:
            crashes.append((rule.id, column, exc))
            raise

    return pa.Check(run, name=rule.id, **check_options(rule))


def build_schema(
    ctx: Context,
    rules: tuple[Rule, ...],
    crashes: list[Crash] | None = None,
    make_check: MakeCheck | None = None,
    dtypes: dict[str, pl.DataType] | None = None,
) -> pa.DataFrameSchema:
    """The pandera schema for *rules* (the enabled ones) under *ctx*'s settings; what a
    check raises is appended to *crashes*. *make_check* makes each Check instead of the
    engine's closure (the published YAML schema's registered checks). Columns are text,
    but those *dtypes* names (the prepared frame's: repeated columns held as categories)."""
    crashes = [] if crashes is None else crashes
    make = make_check or (lambda rule, ctx, column: _check(rule, ctx, column, crashes))
    column_checks: dict[str, list[pa.Check]] = {name: [] for name in ctx.contract.names}
    frame_checks: list[pa.Check] = []
    for rule in rules:
        for column in rule.targets(ctx):
            target = frame_checks if column is None else column_checks[column]
            target.append(make(rule, ctx, column))
    columns = {
        name: pa.Column(
            (dtypes or {}).get(name, pl.String), nullable=True, required=True, checks=checks
        )
        for name, checks in column_checks.items()
    }
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, name="event-record")


def run(
    ctx: Context, frame: pl.DataFrame, rules: tuple[Rule, ...], options: RunOptions
) -> list[Failures]:
    crashes: list[Crash] = []
    schema = build_schema(ctx, rules, crashes, dtypes=dict(frame.schema))
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        _raise_crash(crashes)
        _raise_check_errors(exc.schema_errors)
        return _failures(exc.failure_cases, {rule.id for rule in rules}, ctx.contract.names)
    _raise_crash(crashes)
    return []


def _raise_crash(crashes: list[Crash]) -> None:
    if not crashes:
        return
    rule, column, error = crashes[0]
    if isinstance(error, ToolkitError):
        raise error
    where = f" on column {column}" if column else ""
    raise ToolkitError(f"internal error: rule {rule} crashed{where}: {error!r}") from error


def _raise_check_errors(errors: list[Any]) -> None:
    """A check pandera could not run for reasons of its own, outside our check function."""
    for error in errors:
        if getattr(error, "reason_code", None) == SchemaErrorReason.CHECK_ERROR:
            check = getattr(error.check, "name", error.check)
            raise ToolkitError(f"internal error: rule {check} could not run: {error}")


def _failures(cases: Any, rule_ids: set[str], columns: tuple[str, ...]) -> list[Failures]:
    """Failing rows per (rule, column); a frame-wide check (pandera names it by the schema)
    has column None."""
    cases = pl.DataFrame(cases) if not isinstance(cases, pl.DataFrame) else cases
    unknown = set(cases["check"].unique().to_list()) - rule_ids
    if unknown:
        raise ToolkitError(f"pandera reported checks that are not rules: {sorted(unknown)}")
    grouped = cases.group_by(["check", "column"], maintain_order=True).agg(
        pl.col("index").cast(pl.UInt32).unique().sort()
    )
    return [
        Failures(
            rule=check, column=column if column in columns else None, rows=pl.Series("rows", index)
        )
        for check, column, index in grouped.iter_rows()
    ]
