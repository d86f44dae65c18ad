"""What the Spark engine runs on each part of a file, with polars: no Spark here.

The Spark engine (toolkit.spark) splits a file into parts and sends each part here twice:

- ``parse_lines`` (``parse_file``, ``parse_records``): the part's raw lines (a whole file
  not in UTF-8, Parquet records) parsed by the default engine's own readers
  (toolkit.readers), numbered by their physical line in the file, and mapped to the
  contract's columns (toolkit.mapping), so every part reads exactly as the whole file
  would;
- ``check_part``: the parsed rows of a part checked by the default engine itself (the
  pandera schema, every rule's own polars check and explanation), with only the rules
  whose rows the part holds together (``Rule.together``): an event's rows are in one part
  for the event rules, a record id's rows for ``record_id.unique``.

``split_checked`` does the same without Spark (a frame split into parts by hashing), so
the default test suite proves that checking parts gives the findings of the whole.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from toolkit.readers import CELLS, LINE, ReadOptions, parse_table
from toolkit.readers.table import Table
from toolkit.readers.typed import text_columns
from toolkit.report import COUNTRY, FINDING_FIELDS

if TYPE_CHECKING:
    from toolkit.mapping import Mapping
    from toolkit.rules.base import Context, Rule

# the findings a part yields: a Finding's fields and the country of its record
FINDINGS_SCHEMA: dict[str, pl.DataType] = {
    **{name: pl.String() for name in FINDING_FIELDS},
    "line": pl.Int64(),
    COUNTRY: pl.String(),
}
FINDINGS_SCHEMA = {name: FINDINGS_SCHEMA[name] for name in (*FINDING_FIELDS, COUNTRY)}
# a name whose suffix tells parse_table the format (the file's own may not: a URL, a glob)
KIND_PATH = {kind: Path(f"part.{kind}") for kind in ("csv", "tsv", "jsonl")}


@dataclass(frozen=True)
class Layout:
    """What every part needs to know of the file: its name (in messages), the format, how
    to read it, its header line (prepended to a part that starts past it), the header's
    width, the column mapping (None: none) and whether line 2 is an HXL hashtag row."""

    name: str
    kind: str  # csv, tsv, jsonl or parquet
    options: ReadOptions
    header: bytes
    width: int
    columns: tuple[str, ...]  # the contract's columns, as every part yields them
    mapping: Mapping | None = None
    hxl: bool = False


def parsed_schema(columns: tuple[str, ...]) -> dict[str, pl.DataType]:
    """The columns the parse functions yield: the contract's, as text, then LINE and CELLS."""
    return {**{c: pl.String() for c in columns}, LINE: pl.Int64(), CELLS: pl.Int32()}


def parse_lines(layout: Layout, lines: list[str], first_line: int) -> pl.DataFrame:
    """Consecutive physical lines of a text file, the first of them line *first_line*
    (1: the header), parsed as the whole file would be."""
    header_only = first_line == 1 and len(lines) == 1 and layout.kind != "jsonl"
    if header_only or not any(line.strip() for line in lines):
        return pl.DataFrame(schema=parsed_schema(layout.columns))  # a header, or blank lines
    lead = 0
    text = "\n".join(lines).encode("utf-8")
    if first_line > 1 and layout.kind != "jsonl":  # a part past the header: lend it one
        text = layout.header + b"\n" + text
        lead = 1
    table = parse_table(Path(layout.name), text, layout.options, KIND_PATH[layout.kind])
    return _finished(layout, table, first_line - 1 - lead)


def inside_quotes(lines: pl.Series, inside: bool) -> pl.Series:
    """Whether each line starts inside a quoted cell (then it goes on a record begun on an
    earlier line), given whether the first one does: an odd number of quotes on a line
    (RFC 4180: an escaped quote is two) switches between inside and outside."""
    odd = (lines.str.count_matches('"', literal=True) % 2).cast(pl.Int64)
    before = odd.cum_sum() - odd + int(inside)
    return (before % 2 == 1).alias("inside")


def parse_file(layout: Layout, data: bytes) -> pl.DataFrame:
    """A whole file's bytes, parsed as the default engine parses them (a file in another
    encoding than UTF-8, which Spark cannot read as lines)."""
    table = parse_table(Path(layout.name), data, layout.options, KIND_PATH[layout.kind])
    return _finished(layout, table, 0)


def parse_records(layout: Layout, frame: pl.DataFrame, first_record: int) -> pl.DataFrame:
    """Consecutive records of a Parquet file, the first of them number *first_record*."""
    cells = text_columns(frame)
    numbers = pl.int_range(first_record, first_record + frame.height, eager=True)
    table = Table(
        Path(layout.name),
        tuple(cells.columns),
        cells.with_columns(numbers.alias(LINE), pl.lit(layout.width, pl.Int32).alias(CELLS)),
        located_by="record",
    )
    return _finished(layout, table, 0)


def _finished(layout: Layout, table: Table, shift: int) -> pl.DataFrame:
    """A parsed part in the contract's columns (mapped, absent ones empty), LINE shifted
    to the file's numbering."""
    from toolkit.mapping import apply

    frame = table.frame.with_columns(pl.col(LINE) + shift)
    table = replace(table, frame=frame)
    if layout.hxl:
        table = replace(table, frame=table.frame.filter(pl.col(LINE) != 2))
    if layout.mapping is not None:
        table = apply(table, layout.mapping)
    frame = table.frame
    return frame.select(
        *(
            pl.col(c) if c in frame.columns else pl.lit(None, pl.String).alias(c)
            for c in layout.columns
        ),
        pl.col(LINE).cast(pl.Int64),
        pl.col(CELLS).cast(pl.Int32),
    )


def check_part(
    ctx: Context, layout: Layout, located_by: str, frame: pl.DataFrame, rules: tuple[str, ...]
) -> pl.DataFrame:
    """The findings of *rules* (their ids; the others off) on a part's parsed rows, in the
    default engine's order; FINDINGS_SCHEMA's columns."""
    from toolkit.checker import check_mapped
    from toolkit.engines import RunOptions
    from toolkit.report import Findings

    if frame.is_empty():
        return pl.DataFrame(schema=FINDINGS_SCHEMA)
    wanted = set(rules)
    severities = {
        rule: severity if rule in wanted else "off"
        for rule, severity in ctx.settings.severities.items()
    }
    part = replace(ctx, settings=replace(ctx.settings, severities=severities), shared={})
    missing = [c for c in layout.columns if c not in frame.columns]  # not sent: not read
    table = Table(
        Path(layout.name),
        layout.columns,
        frame.with_columns(pl.lit(None, pl.String).alias(c) for c in missing).sort(LINE),
        located_by=located_by,
        width=layout.width,
    )
    report = check_mapped(table, part, "pandera", RunOptions(name=layout.name))
    found = report.findings
    if isinstance(found, Findings):
        out = found.frame
    else:  # no findings, or a tuple of them
        out = pl.DataFrame(
            [f.to_dict() for f in found], schema=dict.fromkeys(FINDING_FIELDS), orient="row"
        ).with_columns(pl.lit(None, pl.String).alias(COUNTRY))
    return out.select(*FINDING_FIELDS, COUNTRY).cast(FINDINGS_SCHEMA)  # type: ignore[arg-type]


def part_rules(rules: tuple[Rule, ...]) -> dict[str | None, tuple[str, ...]]:
    """The enabled rules' ids by the column whose rows they judge together (None: rows on
    their own, checked in any part, so with the largest group: the event rules')."""
    groups: dict[str | None, list[str]] = {}
    for rule in rules:
        groups.setdefault(rule.together, []).append(rule.id)
    if None in groups and len(groups) > 1:
        loose = groups.pop(None)
        largest = max(groups, key=lambda key: len(groups[key]))
        groups[largest] = [*loose, *groups[largest]]
    return {key: tuple(ids) for key, ids in groups.items()}


def together_key(column: str) -> pl.Expr:
    """What a part is chosen by, for rules that judge the rows of equal *column* together:
    the value stripped (as the checker reads a key), a row without one by its line."""
    value = pl.col(column).str.strip_chars()
    return (
        pl.when(value.is_not_null() & (value != ""))
        .then(value)
        .otherwise(pl.format("\u0000{}", pl.col(LINE)))
    )


def split_checked(
    ctx: Context, layout: Layout, located_by: str, frame: pl.DataFrame, parts: int
) -> pl.DataFrame:
    """Every enabled rule's findings on *frame* (parsed rows), checked in *parts* parts
    chosen as the Spark engine chooses them (one grouping of the rules at a time), without
    Spark; in no particular order."""
    from toolkit.rules import all_rules

    rules = tuple(r for r in all_rules(ctx.contract) if ctx.settings.enabled(r.id))
    found = []
    for column, ids in part_rules(rules).items():
        key = together_key(column) if column else pl.col(LINE).cast(pl.String)
        chosen = frame.with_columns((key.hash(7) % parts).alias("__part"))
        for _, piece in chosen.group_by("__part"):
            found.append(check_part(ctx, layout, located_by, piece.drop("__part"), ids))
    return pl.concat(found) if found else pl.DataFrame(schema=FINDINGS_SCHEMA)
