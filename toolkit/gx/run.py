"""Run the suite in Great Expectations (ephemeral context, pandas datasource) and map the
results back to failing rows per (rule, column).

One ephemeral context serves the whole process (creating one costs a second or so); runs
leave nothing in it.
Every expectation must have run: one that raised inside GX is an error of the toolkit,
not a passing rule, so it is raised as a ToolkitError naming the rule.
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from typing import TYPE_CHECKING, Any

import polars as pl

from toolkit.engines import Failures, RunOptions
from toolkit.errors import ToolkitError
from toolkit.gx.frame import to_gx
from toolkit.gx.suite import SUITE_NAME, build_suite, suite_columns, suite_parameters
from toolkit.rules.base import Context, Rule

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuiteValidationResult
    from great_expectations.core.batch_definition import BatchDefinition
    from great_expectations.data_context.data_context.abstract_data_context import (
        AbstractDataContext,
    )

DATASOURCE, ASSET, BATCH = "event-toolkit", "events", "whole"
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}
DOCS_RESULT_FORMAT = {**RESULT_FORMAT, "partial_unexpected_count": 20}  # examples on the pages


@cache
def context() -> AbstractDataContext:
    """The process's shared ephemeral GX context."""
    return new_context()


def new_context() -> AbstractDataContext:
    """An ephemeral GX context, quiet, with the pandas dataframe asset runs use."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = ctx.data_sources.add_pandas(DATASOURCE).add_dataframe_asset(ASSET)
    asset.add_batch_definition_whole_dataframe(BATCH)
    return ctx


def validate(
    ctx: Context, frame: pl.DataFrame, rules: tuple[Rule, ...], options: RunOptions
) -> ExpectationSuiteValidationResult:
    """Validate the prepared *frame* with the suite of *rules* under *ctx*'s settings: a
    batch validated in the shared context (nothing is stored), or, with options.data_docs,
    a checkpoint run in that site's own context, which renders it."""
    from toolkit.gx.docs import Site
    from toolkit.gx.expectations import INPUT_ERRORS

    INPUT_ERRORS.clear()
    suite = build_suite(ctx, rules, name=f"{SUITE_NAME}-{_run_name(options.name)}")
    data = {"dataframe": to_gx(frame, ctx.contract, only=suite_columns(suite))}
    values = suite_parameters(ctx, rules)
    docs = options.data_docs
    if docs is not None:
        if docs.site is None:
            docs.site = Site(docs.directory)
        site: Site = docs.site
        return site.run(suite, data, values, DOCS_RESULT_FORMAT)
    batch = whole_frame(context()).get_batch(batch_parameters=data)
    result: ExpectationSuiteValidationResult = batch.validate(
        suite, result_format=RESULT_FORMAT, expectation_parameters=values
    )
    return result


def whole_frame(gx_ctx: AbstractDataContext) -> BatchDefinition[Any]:
    """The context's batch definition for a whole dataframe."""
    asset = gx_ctx.data_sources.get(DATASOURCE).get_asset(ASSET)
    definition: BatchDefinition[Any] = asset.get_batch_definition(BATCH)
    return definition


def _run_name(name: str) -> str:
    """A name for the run's GX objects: the file's path as given (safe as one path part,
    its last 80 characters), made unique."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")[-80:] or "frame"
    return f"{stem}-{next(_RUNS)}"


_RUNS = itertools.count(1)


def failures(result: ExpectationSuiteValidationResult, lines: pl.Series) -> list[Failures]:
    """Failing rows per (rule, column), from the expectations' meta and unexpected indexes
    (file lines, the GX frame's index; *lines* is the prepared frame's LINE, increasing).
    A ToolkitError inside a metric (unusable input) is raised as it is; any other exception
    inside GX is an internal error naming the rule."""
    from toolkit.gx.expectations import INPUT_ERRORS

    if INPUT_ERRORS:
        raise INPUT_ERRORS[0]
    rows: dict[tuple[str, str | None], set[int]] = {}
    for item in result.results:
        config = item.expectation_config
        assert config is not None  # GX sets it on every result of a suite run
        meta: dict[str, Any] = config.meta or {}
        key = (str(meta["rule"]), meta.get("column"))
        info = item.exception_info or {}
        if info.get("raised_exception") or _nested_exception(info):
            raise ToolkitError(
                f"internal error: rule {key[0]} crashed in Great Expectations "
                f"({config.type}): {_exception_message(info)}"
            )
        indexes = (item.result or {}).get("unexpected_index_list") or []
        rows.setdefault(key, set()).update(int(i) for i in indexes)
    return [
        Failures(rule=rule, column=column, rows=_positions(lines, found))
        for (rule, column), found in rows.items()
        if found
    ]


def _positions(lines: pl.Series, found: set[int]) -> pl.Series:
    """Row positions of the given file lines."""
    wanted = pl.Series("lines", sorted(found), pl.Int64)
    positions = lines.search_sorted(wanted)
    assert (lines.gather(positions) == wanted).all(), "GX reported a line that is no record"
    return positions.cast(pl.UInt32).rename("rows")


def _nested_exception(info: dict[str, Any]) -> bool:
    """GX files a metric's exception under the metric's id, one level down."""
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())


def _exception_message(info: dict[str, Any]) -> str:
    if info.get("exception_message"):
        return str(info["exception_message"])
    for value in info.values():
        if isinstance(value, dict) and value.get("exception_message"):
            return str(value["exception_message"])
    return "unknown error"
