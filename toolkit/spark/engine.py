"""The Spark engine: ``validate --engine spark``, for files past one machine's memory.

A file (or a folder, a glob, any path Spark reads: s3a://, hdfs://) is read by Spark in
parts; each part is parsed and checked by the default engine itself, with polars, on the
Spark workers (toolkit.spark.parts), so a rule has one definition for both engines. Spark
does what the parts cannot: it numbers every line of the file (per file block, by the
block's place in the file), keeps together the rows a rule judges together (an event's,
a record id's; ``Rule.together``), counts every finding exactly and lists the first
``max_findings`` of each rule. Nothing but those listed findings and the counts reaches
the driver; ``findings_out`` writes every finding as Parquet.

Text files are split at lines; where quoted cells span lines, each part works out from the
quotes before it which of its lines start records, and borrows from the next parts the
lines that end its last record. A file in another encoding than UTF-8 is parsed whole by
one worker (Spark reads text as UTF-8). Parquet records are numbered by their place in the
file.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.config import Settings, load_settings
from toolkit.errors import InputError, ToolkitError
from toolkit.readers import CELLS, LINE, SUFFIXES, ReadOptions, parse_table
from toolkit.readers.source import is_utf8
from toolkit.readers.table import Table
from toolkit.report import COUNTRY, FINDING_FIELDS, Findings, Report
from toolkit.rules.base import Context
from toolkit.spark.parts import (
    FINDINGS_SCHEMA,
    KIND_PATH,
    Layout,
    check_part,
    inside_quotes,
    parse_file,
    parse_lines,
    parse_records,
    parsed_schema,
    part_rules,
)
from toolkit.spark.session import session as spark_session
from toolkit.tally import GROUP_KEY, GROUP_LINES, Tally

DEFAULT_LISTED = 1000  # findings listed per rule unless max_findings says otherwise
ROWS_PER_PART = 250_000  # rows a worker checks at a time (at least one part per core)
BATCH_ROWS = 10_000  # rows per Arrow batch handed back to Spark (the JVM's memory per batch)
_FILE, _BLOCK, _ID = "__file", "__block", "__id"
Block = tuple[str, int]  # a file block: the file, the block's start (byte offset)
Starts = dict[Block, tuple[int, int]]  # block -> (number of its first row, that row's id)
# what the record id pass sends (record_id.unique reads the id; a finding names the event
# and the country): not the whole row, which the event pass sends
_RECORD_PASS = ("record_id", "event_id", "country", LINE, CELLS)
_RECORD_RULES = ("record_id.unique",)


@dataclass(frozen=True)
class SparkRun:
    """How to run: on which master (None: the active session, else ``local[*]``) or in
    which SparkSession, how many findings to list per rule, where to write them all."""

    master: str | None = None
    session: Any = None
    max_findings: int = DEFAULT_LISTED
    findings_out: str | None = None


def validate_spark(
    path: str | Path,
    settings: Settings | None = None,
    options: ReadOptions | None = None,
    run: SparkRun | None = None,
) -> Report:
    """Check one file (or a folder, glob or URL that stands for one file) with Spark; the
    report lists the first ``run.max_findings`` findings of each rule and counts all."""
    run = run or SparkRun()
    options = options or ReadOptions()
    name = str(path)
    local = Path(name)
    settings = settings or load_settings(data_path=local if local.exists() else None)
    spark = spark_session(run.master, run.session)
    files = [name] if local.is_file() else input_files(name, run)
    if len(files) != 1:
        raise InputError(
            f"{name}: {len(files)} input files: check them one by one (validate --engine"
            " spark does, one report each)"
        )
    try:
        return _validate(spark, files[0], settings, options, run)
    except ToolkitError:
        raise
    except Exception as exc:  # a worker's error comes back wrapped in Spark's
        raise _translated(exc) from None


def _validate(
    spark: Any, name: str, settings: Settings, options: ReadOptions, run: SparkRun
) -> Report:
    from pyspark import StorageLevel

    from toolkit.checker import header_only
    from toolkit.rules import all_rules
    from toolkit.rules.rows import SHAPE

    ctx = Context.of(settings)
    kind = _kind(name)
    parsed, layout, ctx = _parsed(spark, name, kind, ctx, options)
    parsed = parsed.persist(StorageLevel.DISK_ONLY)  # read by three jobs; memory stays flat
    rows = parsed.count()
    rules = tuple(r for r in all_rules(ctx.contract) if ctx.settings.enabled(r.id))
    order = tuple(spec.id for spec in ctx.contract.rules)
    disabled = tuple(s.id for s in ctx.contract.rules if not ctx.settings.enabled(s.id))
    base = Report(
        file=name,
        rows=rows,
        rule_order=order,
        disabled=disabled,
        located_by=ctx.located_by,
        mapping=layout.mapping.said if layout.mapping is not None else None,
    )
    if rows == 0:
        parsed.unpersist()
        found = (header_only(),) if ctx.settings.enabled(SHAPE) else ()
        return replace(base, findings=found)
    findings = _findings(spark, parsed, ctx, layout, rules, rows).persist(StorageLevel.DISK_ONLY)
    try:
        if run.findings_out is not None:
            _write_all(spark, findings, run.findings_out)
        return replace(base, **_listed(findings, ctx, run.max_findings))
    finally:
        findings.unpersist()
        parsed.unpersist()


def input_files(name: str, run: SparkRun | None = None) -> list[str]:
    """The input files a path stands for, as Spark lists them (a folder's, a glob's, by
    URL: s3a://, hdfs://), sorted; hidden files and non-input suffixes left out."""
    from toolkit.readers import is_input

    run = run or SparkRun()
    spark = spark_session(run.master, run.session)
    try:
        reader = spark.read.option("recursiveFileLookup", "true").format("binaryFile")
        listed = reader.load(name).select("path").inputFiles()
    except Exception as exc:
        raise _translated(exc) from None
    files = sorted(
        f for f in listed if is_input(Path(_local(f))) and not Path(_local(f)).name.startswith(".")
    )
    if not files:
        raise InputError(f"{name}: no input files (.csv, .tsv, .jsonl, .parquet)")
    return files


def _local(url: str) -> str:
    """The path part of a file URL (file:/tmp/x.csv -> /tmp/x.csv)."""
    return re.sub(r"^file:(//)?", "", url.split("?")[0])


def _kind(name: str) -> str:
    """The format of one file, by its suffix (.gz looked past)."""
    suffixes = [s.lower() for s in Path(_local(name)).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    kind = SUFFIXES.get(suffixes[-1]) if suffixes else None
    if kind is None or kind == "xlsx":
        raise InputError(f"{name}: the spark engine reads CSV, TSV, JSON Lines and Parquet")
    return kind


def _parsed(
    spark: Any, name: str, kind: str, ctx: Context, options: ReadOptions
) -> tuple[Any, Layout, Context]:
    """The file's rows as Spark rows of the contract's columns (text), LINE and CELLS; the
    Layout the parts were read by; the context of the file's mapping."""
    if kind == "parquet":
        return _parsed_parquet(spark, name, ctx)
    from pyspark.sql import functions as F

    lines = spark.read.text(name).select(
        "value",
        F.col("_metadata.file_path").alias(_FILE),
        F.col("_metadata.file_block_start").alias(_BLOCK),
        F.monotonically_increasing_id().alias(_ID),
    )
    quotes = F.length("value") - F.length(F.regexp_replace("value", '"', ""))
    blocks = (
        lines.groupBy(_FILE, _BLOCK)
        .agg(
            F.count(F.lit(1)).alias("n"),
            F.min(_ID).alias("first"),
            F.max(quotes % 2).alias("odd"),
            (F.sum(quotes) % 2).alias("parity"),
        )
        .collect()
    )
    if not blocks:
        raise InputError(f"{name}: file is empty (expected a header row)")
    starts = _block_starts(blocks)
    first = min(starts, key=lambda block: (block[0], block[1]))  # the file's line 1
    spanning = kind != "jsonl" and any(b.odd for b in blocks)  # quoted cells span lines
    # the header, and line 2 for an HXL hashtag row (unless a record may span it); the
    # first lines of JSON Lines, for their keys
    head = 1000 if kind == "jsonl" else 1 if spanning else 2
    sample = [
        r.value
        for r in lines.where((F.col(_FILE) == first[0]) & (F.col(_BLOCK) == first[1]))
        .orderBy(_ID)
        .limit(head)
        .collect()
    ]
    layout, ctx = _layout(name, kind, ctx, options, sample)
    schema = _spark_schema(parsed_schema(layout.columns))
    if not is_utf8(options.encoding):  # Spark reads text as UTF-8
        files = spark.read.format("binaryFile").load(name)

        def parse_whole(batches: Iterator[Any]) -> Iterator[Any]:
            for batch in batches:
                for data in batch.column("content").to_pylist():
                    yield from _batches(parse_file(layout, data), schema)

        return files.select("content").mapInArrow(parse_whole, schema), layout, ctx
    entering = _entering(blocks) if spanning else {}
    tails = _tails(lines, starts, entering) if spanning else {}
    following = _following(blocks)

    def parse(batches: Iterator[Any]) -> Iterator[Any]:
        for key, part, start in _parts(batches, starts):
            values = part.get_column("value")
            if spanning:  # from the first record begun here, to the end of the last one
                inside = inside_quotes(values, entering[key])
                if inside.all():
                    continue  # all of it goes on a record begun in an earlier part
                skip = int(inside.arg_min() or 0)
                values, start = values.slice(skip), start + skip
                lines_of = [*values.to_list(), *_continued(tails, following, key)]
            else:
                lines_of = values.to_list()
            yield from _batches(parse_lines(layout, lines_of, start), schema)

    return lines.mapInArrow(parse, schema), layout, ctx


def _entering(blocks: list[Any]) -> dict[Block, bool]:
    """Whether each block starts inside a quoted cell: an odd number of quotes in the
    file's blocks before it."""
    inside: dict[Block, bool] = {}
    for file, its in _file_blocks(blocks).items():
        parity = 0
        for block in its:
            inside[(file, block[_BLOCK])] = parity == 1
            parity = (parity + block.parity) % 2
    return inside


def _following(blocks: list[Any]) -> dict[Block, Block]:
    """Each block's next block in its file."""
    nxt: dict[Block, Block] = {}
    for file, its in _file_blocks(blocks).items():
        starts = [block[_BLOCK] for block in its]
        nxt.update({(file, a): (file, b) for a, b in itertools.pairwise(starts)})
    return nxt


def _tails(
    lines: Any,
    starts: Starts,
    entering: dict[Block, bool],
) -> dict[Block, tuple[list[str], bool]]:
    """Per block that starts inside a quoted cell: its lines up to the first that starts a
    record (they end a record of an earlier block), and whether it has such a line. Few
    lines: only what a quoted cell carries over a block's start."""
    from pyspark.sql import types as T

    wanted = {key for key, inside in entering.items() if inside}
    if not wanted:
        return {}
    schema = T.StructType(
        [
            T.StructField(_FILE, T.StringType()),
            T.StructField(_BLOCK, T.LongType()),
            T.StructField("lines", T.ArrayType(T.StringType())),
            T.StructField("ends", T.BooleanType()),
        ]
    )

    def carried(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        rows = []
        for (file, block), part, _ in _parts(batches, starts):
            if (file, block) not in wanted:
                continue
            inside = inside_quotes(part.get_column("value"), True)
            ends = not inside.all()
            upto = int(inside.arg_min() or 0) if ends else part.height
            rows.append((file, block, part.get_column("value").head(upto).to_list(), ends))
        if rows:
            names = [f.name for f in schema.fields]
            columns = list(zip(*rows, strict=True))
            yield pa.RecordBatch.from_arrays([pa.array(list(c)) for c in columns], names=names)

    found = lines.mapInArrow(carried, schema).collect()
    return {(r[_FILE], r[_BLOCK]): (list(r["lines"]), r["ends"]) for r in found}


def _continued(
    tails: dict[Block, tuple[list[str], bool]],
    following: dict[Block, Block],
    block: Block,
) -> list[str]:
    """The lines of the next blocks that end the last record begun in *block*."""
    out: list[str] = []
    key = following.get(block)
    while key is not None and key in tails:
        carried, ends = tails[key]
        out += carried
        if ends:
            break
        key = following.get(key)
    return out


def _block_starts(blocks: list[Any]) -> Starts:
    """(file, block start) -> (its first line's number, its first row's id): the lines of
    a file's blocks, in the order of the blocks in the file, numbered from 1."""
    starts: Starts = {}
    for file, its in _file_blocks(blocks).items():
        line = 1
        for block in its:
            starts[(file, block[_BLOCK])] = (line, block.first)
            line += block.n
    return starts


def _file_blocks(blocks: list[Any]) -> dict[str, list[Any]]:
    """The blocks (rows of the blocks job) of each file, in their order in the file."""
    by_file: dict[str, list[Any]] = {}
    for block in blocks:
        by_file.setdefault(block[_FILE], []).append(block)
    return {file: sorted(its, key=lambda b: b[_BLOCK]) for file, its in by_file.items()}


def _parts(batches: Iterator[Any], starts: Starts) -> Iterator[tuple[Block, pl.DataFrame, int]]:
    """A part's rows, block by block: (file, block start), the block's rows in file order,
    and the number (line or record) of its first row in the file."""
    frame = _frame(batches)
    if frame is None:
        return
    for (file, block), part in frame.sort(_ID).group_by([_FILE, _BLOCK], maintain_order=True):
        number, first_id = starts[(file, block)]
        yield (file, block), part, number + int(part.get_column(_ID)[0]) - first_id


def _layout(
    name: str, kind: str, ctx: Context, options: ReadOptions, sample: list[str]
) -> tuple[Layout, Context]:
    """The Layout read off the first file's first lines, and the context of its mapping;
    InputError as the default engine raises it (a bad header, missing columns)."""
    from toolkit.mapping import hxl_row

    data = "\n".join(sample).encode("utf-8")
    table = parse_table(Path(name), data, options, KIND_PATH[kind])
    layout = Layout(
        name=name,
        kind=kind,
        options=options,
        header=sample[0].encode("utf-8"),
        width=table.width,
        columns=ctx.contract.names,
        hxl=kind != "jsonl" and hxl_row(table) is not None,
    )
    return _mapped_layout(layout, table, ctx)


def _mapped_layout(layout: Layout, table: Table, ctx: Context) -> tuple[Layout, Context]:
    """*layout* with the mapping of *table* (a sample of the file), and the context that
    goes with it; InputError, as the default engine raises it, for missing columns."""
    from toolkit.checker import mapped_with
    from toolkit.prepare import prepare

    mapped_table, ctx, mapping = mapped_with(table, ctx)
    prepare(replace(mapped_table, frame=mapped_table.frame.head(0)), ctx)
    return replace(layout, mapping=mapping), ctx


def _parsed_parquet(spark: Any, name: str, ctx: Context) -> tuple[Any, Layout, Context]:
    """Parquet records as text rows, numbered by their place in the file."""
    from pyspark.sql import functions as F

    from toolkit.readers.table import check_header

    records = spark.read.parquet(name)
    header = check_header(name, list(records.columns))
    empty = pl.DataFrame(
        schema={**dict.fromkeys(header, pl.String), LINE: pl.Int64, CELLS: pl.Int32}
    )
    table = Table(Path(name), header, empty, located_by="record")
    layout = Layout(name, "parquet", ReadOptions(), b"", len(header), ctx.contract.names)
    layout, ctx = _mapped_layout(layout, table, ctx)
    numbered = records.select(
        "*",
        F.col("_metadata.file_path").alias(_FILE),
        F.col("_metadata.file_block_start").alias(_BLOCK),
        F.monotonically_increasing_id().alias(_ID),
    )
    blocks = numbered.groupBy(_FILE, _BLOCK).agg(
        F.count(F.lit(1)).alias("n"), F.min(_ID).alias("first")
    )
    starts = _block_starts(blocks.collect())
    schema = _spark_schema(parsed_schema(layout.columns))

    def parse(batches: Iterator[Any]) -> Iterator[Any]:
        for _, part, start in _parts(batches, starts):
            yield from _batches(parse_records(layout, part.select(header), start), schema)

    return numbered.mapInArrow(parse, schema), layout, ctx


def _findings(
    spark: Any, parsed: Any, ctx: Context, layout: Layout, rules: tuple[Any, ...], rows: int
) -> Any:
    """Every finding, as Spark rows of FINDINGS_SCHEMA: the rules checked on parts, one
    pass per column whose rows a rule judges together (the rows grouped by that column)."""
    from pyspark.sql import functions as F

    parts = max(spark.sparkContext.defaultParallelism, rows // ROWS_PER_PART + 1)
    schema = _spark_schema(FINDINGS_SCHEMA)
    located_by = ctx.located_by
    found = None
    for column, ids in part_rules(rules).items():
        if column is None:
            key = F.col(LINE)
        else:
            value = F.regexp_replace(F.col(column), r"(?U)^\s+|\s+$", "")
            line = F.concat(F.lit("\u0000"), F.col(LINE).cast("string"))
            key = F.when(value.isNotNull() & (value != ""), value).otherwise(line)

        def check(batches: Iterator[Any], ids: tuple[str, ...] = ids) -> Iterator[Any]:
            frame = _frame(batches)
            if frame is not None:
                yield from _batches(check_part(ctx, layout, located_by, frame, ids), schema)

        rows_of = parsed.select(*_RECORD_PASS) if ids == _RECORD_RULES else parsed
        pass_ = rows_of.repartition(parts, key).sortWithinPartitions(LINE).mapInArrow(check, schema)
        found = pass_ if found is None else found.unionByName(pass_)
    assert found is not None
    return found


def _listed(findings: Any, ctx: Context, limit: int) -> dict[str, Any]:
    """The report's listed findings (the first *limit* of each rule, in report order) and
    exact counts (Report fields)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    ranks = {spec.id: i for i, spec in enumerate(ctx.contract.rules)}
    columns = {name: i for i, name in enumerate(ctx.contract.names)}
    ranked = findings.withColumns(
        {
            "__rank": F.coalesce(_lookup("rule", ranks), F.lit(len(ranks))),
            "__column": F.coalesce(_lookup("column", columns), F.lit(-1)),
        }
    )
    order = ("line", "__rank", "__column", "value", "message")
    first = Window.partitionBy("rule").orderBy(*order)
    listed = (
        ranked.withColumn("__n", F.row_number().over(first))
        .where(F.col("__n") <= limit)
        .select(*FINDING_FIELDS, COUNTRY, *order[1:3])
    )
    frame = _polars(listed.collect(), (*FINDING_FIELDS, COUNTRY, "__rank", "__column"))
    frame = frame.sort("line", "__rank", "__column", "value", "message", nulls_last=False)
    counts = {
        (r.rule, r.severity): r["count"]
        for r in findings.groupBy("rule", "severity").count().collect()
    }
    countries = findings.groupBy(COUNTRY).count().collect()
    by_country = {r[COUNTRY]: r["count"] for r in countries}
    by_country = dict(
        sorted(by_country.items(), key=lambda kv: (-kv[1], kv[0] is not None, kv[0] or ""))
    )
    in_group = Window.partitionBy(*GROUP_KEY).orderBy("line")
    groups = (
        ranked.withColumn("__n", F.row_number().over(in_group))
        .groupBy(*GROUP_KEY)
        .agg(
            F.count(F.lit(1)).alias("count"),
            F.sort_array(F.collect_list(F.when(F.col("__n") <= GROUP_LINES, F.col("line")))).alias(
                "lines"
            ),
            F.min(F.struct("line", "__rank", "__column")).alias("__first"),
        )
        .collect()
    )
    groups.sort(key=lambda g: tuple(g["__first"]))
    group_frame = pl.DataFrame(
        [(*(g[k] for k in GROUP_KEY), g["count"], list(g["lines"])) for g in groups],
        schema={
            **dict.fromkeys(GROUP_KEY, pl.String),
            "count": pl.UInt32,
            "lines": pl.List(pl.Int64),
        },
        orient="row",
    )
    return {
        "findings": Findings(frame.drop("__rank", "__column")),
        "totals": Tally(counts, group_frame, by_country),
        "max_findings": limit,
    }


def _lookup(column: str, codes: dict[str, int]) -> Any:
    from pyspark.sql import functions as F

    expr = None
    for key, code in codes.items():
        expr = (
            F.when(F.col(column) == key, F.lit(code))
            if expr is None
            else expr.when(F.col(column) == key, F.lit(code))
        )
    return expr


def _write_all(spark: Any, findings: Any, target: str) -> None:
    """Every finding written as Parquet to *target*, atomically: written beside it, then
    renamed (the folder appears whole or not at all)."""
    jvm = spark.sparkContext._jvm
    conf = spark.sparkContext._jsc.hadoopConfiguration()
    final = jvm.org.apache.hadoop.fs.Path(target)
    fs = final.getFileSystem(conf)
    temporary = f"{target.rstrip('/')}.tmp-{uuid.uuid4().hex}"
    findings.select(*FINDING_FIELDS, COUNTRY).orderBy("line").write.parquet(temporary)
    if fs.exists(final):
        fs.delete(final, True)
    if not fs.rename(jvm.org.apache.hadoop.fs.Path(temporary), final):
        raise ToolkitError(f"{target}: could not move the findings into place")


def _frame(batches: Iterator[Any]) -> pl.DataFrame | None:
    """A part's Arrow batches as one polars frame (None: an empty part)."""
    import pyarrow as pa

    got = list(batches)
    if not got or not any(b.num_rows for b in got):
        return None
    frame = pl.from_arrow(pa.Table.from_batches(got))
    assert isinstance(frame, pl.DataFrame)
    return frame


def _batches(frame: pl.DataFrame, schema: Any) -> Iterator[Any]:
    """A polars frame as Arrow batches of the Spark *schema*'s Arrow types."""
    from pyspark.sql.pandas.types import to_arrow_schema

    if frame.is_empty():
        return
    table = frame.select(schema.fieldNames()).to_arrow()
    yield from table.cast(to_arrow_schema(schema)).to_batches(max_chunksize=BATCH_ROWS)


def _spark_schema(columns: dict[str, pl.DataType]) -> Any:
    from pyspark.sql import types as T

    kinds = {pl.String(): T.StringType(), pl.Int64(): T.LongType(), pl.Int32(): T.IntegerType()}
    return T.StructType([T.StructField(name, kinds[kind], True) for name, kind in columns.items()])


def _polars(rows: list[Any], columns: tuple[str, ...]) -> pl.DataFrame:
    schema = {**FINDINGS_SCHEMA, "__rank": pl.Int64(), "__column": pl.Int64()}
    return pl.DataFrame(
        [tuple(row[c] for c in columns) for row in rows],
        schema={c: schema[c] for c in columns},
        orient="row",
    )


_RAISED = re.compile(r"toolkit\.errors\.(\w+): (.+)")


def _translated(exc: Exception) -> ToolkitError:
    """A worker's ToolkitError (or InputError, ...) as it was raised; anything else as a
    ToolkitError naming what Spark said."""
    from toolkit import errors

    found = _RAISED.findall(str(exc))
    if found:
        kind, message = found[-1]
        error = getattr(errors, kind, ToolkitError)
        return error(message.strip())
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ToolkitError(f"spark: {first}")
