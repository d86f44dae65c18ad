"""The checker: file -> table -> prepared frame -> engine -> findings -> Report."""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    import pandas as pd

    from toolkit.mapping import Mapping
    from toolkit.progress import Say
    from toolkit.spark.engine import SparkRun

from toolkit.categories import as_text, text
from toolkit.config import Settings, load_settings
from toolkit.engines import ENGINES, DataDocs, Failures, RunOptions
from toolkit.errors import ConfigError, ToolkitError
from toolkit.prepare import prepare
from toolkit.readers import LINE, ReadOptions, Table, read_table, table_from_frame
from toolkit.report import COUNTRY, Finding, Findings, Report
from toolkit.rules import all_rules
from toolkit.rules.base import ROW, Context, Rule
from toolkit.rules.rows import HEADER_ONLY, SHAPE


def validate(
    path: str | Path,
    settings: Settings | None = None,
    engine: str = "pandera",
    changed_since: str | None = None,
    data_docs: str | Path | DataDocs | None = None,
    options: ReadOptions | None = None,
    progress: Say | None = None,
    spark: SparkRun | None = None,
) -> Report:
    """Check one input file (CSV, TSV, JSON Lines, Parquet, xlsx; ``-``: stdin) against every
    enabled rule. Raises ToolkitError when unusable. *options* say how to read it.

    *engine* is "pandera" (default), "gx" (Great Expectations, the ``gx`` extra) or "both"
    (both, raising EngineDisagreement unless they agree). With *changed_since* (a git
    revision), report only findings on rows added or changed since then, and event findings
    on events with such a row (see toolkit.changes). With *data_docs* (a folder, gx engines
    only), write GX Data Docs of the run there; pass one DataDocs to several calls and
    publish() it to get one site for all of them. *progress*, if given, is called with
    each phase as it starts ("reading", "checking rules", "explaining findings").

    *engine* "spark" (the ``spark`` extra) checks *path* (a file, folder, glob or URL that
    Spark reads) with Spark, as *spark* says (toolkit.spark.engine.SparkRun: master or
    session, findings listed per rule, where to write them all).
    """
    if engine == "spark":
        return _with_spark(path, settings, changed_since, data_docs, options, spark)
    path = Path(path)
    say = progress or _silent
    settings = settings or load_settings(data_path=path)
    ctx = Context.of(settings)
    with _docs(data_docs, engine) as docs:
        if docs is not None:
            from toolkit.gx.docs import refuse_inputs_inside

            refuse_inputs_inside(docs.directory, (path, *settings.gazetteer))
        say("reading")
        # the columns whose values recur, held as categories from the parse on (memory)
        reading = replace(options or ReadOptions(), categories=ctx.contract.repeated)
        table = read_table(path, reading)
        run = RunOptions(name=str(table.path), data_docs=docs)
        if changed_since is None:
            return _check_table(table, ctx, engine, run, say=say)
        return _changed(table, ctx, engine, run, changed_since, options, say)


def _with_spark(
    path: str | Path,
    settings: Settings | None,
    changed_since: str | None,
    data_docs: str | Path | DataDocs | None,
    options: ReadOptions | None,
    spark: SparkRun | None,
) -> Report:
    for option, value in (("changed_since", changed_since), ("data_docs", data_docs)):
        if value is not None:
            raise ConfigError(f"{option} is not available with the spark engine")
    from toolkit.spark.engine import validate_spark

    return validate_spark(str(path), settings, options, spark)


def _changed(
    table: Table,
    ctx: Context,
    engine: str,
    run: RunOptions,
    changed_since: str,
    options: ReadOptions | None,
    say: Say,
) -> Report:
    from toolkit.changes import changes_since

    changes = changes_since(table, changed_since, options)
    report = _check_table(table, ctx, engine, run, say=say)
    whole_event = {spec.id for spec in ctx.contract.rules if spec.family in EVENT_FAMILIES}
    kept = tuple(
        f
        for f in report.findings
        if f.line in changes.lines or (f.rule in whole_event and f.event_id in changes.events)
    )
    return replace(report, findings=kept, changed=(changed_since, len(changes.lines)))


def validate_frame(
    frame: pd.DataFrame | pl.DataFrame,
    settings: Settings | None = None,
    engine: str = "pandera",
    name: str = "<frame>",
) -> Report:
    """Check an in-memory table (pandas or polars); lines count as if written to CSV
    with a header row (the first record is line 2)."""
    return check_table(table_from_frame(frame, name), settings or load_settings(), engine)


def _silent(phase: str) -> None:
    """No progress display."""


EVENT_FAMILIES = ("events", "subtotals")  # rules that judge an event as a whole


def check_table(table: Table, settings: Settings, engine: str = "pandera") -> Report:
    """Check a parsed table (see toolkit.readers) against every enabled rule."""
    ctx = Context.of(settings)
    return _check_table(table, ctx, engine, RunOptions(name=str(table.path)), file=False)


def _check_table(
    table: Table,
    ctx: Context,
    engine: str,
    options: RunOptions,
    file: bool = True,
    say: Say | None = None,
) -> Report:
    """The report on a table; of a *file* with no records, a row.shape warning."""
    table, ctx = mapped(table, ctx)
    located_by = table.located_by
    report = check_mapped(table, ctx, engine, options, say)
    if file and report.rows == 0 and ctx.settings.enabled(SHAPE):
        report = replace(report, findings=(header_only(),))
    return replace(report, located_by=located_by, mapping=table.mapping)


def check_mapped(
    table: Table, ctx: Context, engine: str, options: RunOptions, say: Say | None = None
) -> Report:
    """The report on a table already in the contract's columns, under the context of its
    mapping (``mapped``): the rules' findings, no more (the Spark engine checks its parts
    of a file with it)."""
    # the parsed table is dropped as soon as the prepared frame exists (peak memory)
    with _meanwhile(engine, ctx):
        frame = prepare(table, ctx)
    return _check(frame, ctx, engine, options, say or _silent)


@contextmanager
def _meanwhile(engine: str, ctx: Context) -> Iterator[None]:
    """What the checks will need, made ready on another thread while prepare() runs polars
    (without the GIL, leaving a core mostly idle): the engine's module imported (pandera
    brings pandas: 0.45 s of imports on one core) and the shipped gazetteer loaded (0.1 s)
    when an enabled rule reads it. What they raise is left for where they are needed."""
    jobs: list[Callable[[], object]] = []
    module = f"toolkit.engines.{engine}_engine"
    if engine in ENGINES and module not in sys.modules:
        jobs.append(partial(importlib.import_module, module))
    rules = (r for r in all_rules(ctx.contract) if ctx.settings.enabled(r.id))
    if any("gazetteer" in rule.settings_used for rule in rules):
        from toolkit.gazetteer import Gazetteer

        jobs.append(Gazetteer.default)
    if not jobs:
        yield
        return
    worker = threading.Thread(target=_try_each, args=(jobs,), daemon=True)
    worker.start()
    try:
        yield
    finally:
        worker.join()


def _try_each(jobs: list[Callable[[], object]]) -> None:
    for job in jobs:
        with suppress(Exception):
            job()


def _check(frame: pl.DataFrame, ctx: Context, engine: str, options: RunOptions, say: Say) -> Report:
    rules = tuple(rule for rule in all_rules(ctx.contract) if ctx.settings.enabled(rule.id))
    say("checking rules")
    failures = _engine(engine)(ctx, frame, rules, options)
    say("explaining findings")
    findings = explain(ctx, frame, rules, failures)
    return Report(
        file=options.name,
        rows=frame.height,
        findings=findings,
        rule_order=tuple(spec.id for spec in ctx.contract.rules),
        disabled=tuple(s.id for s in ctx.contract.rules if not ctx.settings.enabled(s.id)),
    )


def mapped(table: Table, ctx: Context) -> tuple[Table, Context]:
    """The table in the contract's columns (toolkit.mapping) and the context that goes with
    it: where its records are, the columns its dataset does not record, its vocabulary."""
    table, ctx, _ = mapped_with(table, ctx)
    return table, ctx


def mapped_with(table: Table, ctx: Context) -> tuple[Table, Context, Mapping | None]:
    """``mapped``, and the mapping itself (None: the file has the contract's columns)."""
    from toolkit.mapping import resolve, with_mapping

    table, mapping = resolve(table, ctx.settings)
    absent = mapping.absent if mapping is not None else ()
    settings = with_mapping(ctx.settings, mapping)
    context = replace(ctx, located_by=table.located_by, absent=absent, settings=settings)
    return table, context, mapping


def header_only() -> Finding:
    """A file with a header and no records: a row.shape warning on line 1 (whatever the
    rule's severity, unless off: the file is not wrong, but checks nothing)."""
    return Finding(SHAPE, "warning", 1, None, None, None, None, HEADER_ONLY)


_RANK, _COLUMN_RANK = "__rank", "__column_rank"
Engine = Callable[[Context, pl.DataFrame, tuple[Rule, ...], RunOptions], list[Failures]]


@contextmanager
def _docs(request: str | Path | DataDocs | None, engine: str) -> Iterator[DataDocs | None]:
    """The DataDocs of a call: a folder given is published when the call succeeds (and
    left as it was when it fails); a DataDocs given is the caller's to publish."""
    if request is None:
        yield None
        return
    if engine == "pandera":
        raise ConfigError("Data Docs are made by Great Expectations: use --engine gx or both")
    if isinstance(request, DataDocs):
        yield request
        return
    with DataDocs(Path(request)).publishing() as docs:
        yield docs


def _engine(name: str) -> Engine:
    if name not in ENGINES:
        raise ToolkitError(f"unknown engine {name!r} (known: {', '.join(ENGINES)})")
    run: Engine = importlib.import_module(f"toolkit.engines.{name}_engine").run
    return run


def explain(
    ctx: Context, frame: pl.DataFrame, rules: tuple[Rule, ...], failures: list[Failures]
) -> Sequence[Finding]:
    """Findings for the failing rows, ordered by line, then rule, then column (stable)."""
    by_id = {rule.id: rule for rule in rules}
    order = {rule.id: i for i, rule in enumerate(rules)}
    parts = [
        by_id[failure.rule]
        .explain(ctx, frame, as_text(frame.select(pl.all().gather(failure.rows))), failure.column)
        .with_columns(
            pl.lit(failure.rule).alias("rule"),
            pl.lit(ctx.settings.severity(failure.rule)).alias("severity"),
            pl.lit(order[failure.rule]).alias(_RANK),
        )
        for failure in failures
    ]
    if not parts:
        return ()
    found = pl.concat(parts)
    where = frame.select(
        pl.col(LINE).gather(found[ROW]),
        # as text: a mapping can make record_id or event_id of a column held as categories
        *(text(c).gather(found[ROW]) for c in ("record_id", "event_id")),
        text("country").gather(found[ROW]).alias(COUNTRY),
    )
    columns = {name: i for i, name in enumerate(ctx.contract.names)}
    found = (
        pl.concat([found, where.rename({LINE: "line"})], how="horizontal")
        .with_columns(
            # a suggestion that only repeats the value helps nobody (any rule, any engine)
            pl.when(pl.col("suggestion").eq_missing(pl.col("value")))
            .then(None)
            .otherwise(pl.col("suggestion"))
            .alias("suggestion"),
            pl.col("column")
            .replace_strict(columns, default=-1, return_dtype=pl.Int64)
            .fill_null(-1)
            .alias(_COLUMN_RANK),
        )
        .sort("line", _RANK, _COLUMN_RANK, maintain_order=True)
    )
    return Findings(found)
