"""What a rule is. Each rule keeps together its id, its check, its explanation, its Great
Expectations expectation and its fixture mutator.

A rule's *check* is a polars expression (or a lazy computation) over the prepared frame
that is True where a row passes; the engines run it. Its *explain* turns the failing rows
into findings (message, suggestion), only ever for the failing rows. Its *gx* names the
Great Expectations expectation(s) that judge the same thing: a GX built-in where one means
exactly the rule, else the toolkit's custom expectation for the rule (toolkit/gx/), whose
metric runs this very check on the columns *reads* names. The catalogue entry (severity,
message template) comes from schemas/contract.toml via ``spec``.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl

from toolkit.contract import Contract, RuleSpec, load_contract
from toolkit.readers import LINE

if TYPE_CHECKING:
    from random import Random

    from toolkit.config import Settings
    from toolkit.gazetteer import Gazetteer

Broken = list[tuple[int, str | None]]  # what a mutator promises: (row in event, column)
ROW = "__row"  # position of the row in the prepared frame
EXPLAIN_COLUMNS = ("__row", "column", "value", "message", "suggestion")


@dataclass(frozen=True)
class GxSpec:
    """A Great Expectations expectation, as plain data (GX itself is imported only by
    toolkit/gx): its type (snake_case class name) and its arguments."""

    type: str
    kwargs: dict[str, Any]


@dataclass(frozen=True)
class Context:
    """What rules may depend on besides the data: contract, settings, gazetteer."""

    contract: Contract
    settings: Settings
    extra_gazetteers: tuple[Any, ...] = field(default_factory=tuple)
    # what rules of one run share about its frame (e.g. the place chains' judgements)
    shared: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    located_by: str = "line"  # what a record's LINE counts (toolkit.readers.Table)
    absent: tuple[str, ...] = ()  # contract columns the file's dataset does not record

    @classmethod
    def of(cls, settings: Settings | None = None) -> Context:
        """The shipped contract under *settings* (default: the contract's own)."""
        from toolkit.config import default_settings

        contract = load_contract()
        return cls(contract=contract, settings=settings or default_settings(contract))

    @cached_property
    def gazetteer(self) -> Gazetteer:
        from toolkit.gazetteer import Gazetteer

        base = Gazetteer.default()
        return base.extended(list(self.settings.gazetteer)) if self.settings.gazetteer else base

    def vocabulary(self, column: str) -> tuple[str, ...]:
        name = self.contract.column(column).vocabulary
        assert name is not None, column
        return self.settings.vocabularies[name]


class Rule(ABC):
    """A rule: stable id, the columns it checks, its check, its explanation."""

    id: ClassVar[str]
    gx_custom: ClassVar[str] = ""  # the toolkit's custom GX expectation for this rule, if any
    settings_used: ClassVar[tuple[str, ...]] = ()  # Settings fields check() depends on
    # the contract column whose rows the check judges together: a row is judged with every
    # row of equal value there (an event's rows; a record id's), None: on its own. An
    # engine that splits the frame (Spark) keeps such rows in one part.
    together: ClassVar[str | None] = None

    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec

    @abstractmethod
    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        """The columns checked one by one; None for a rule over whole rows or events."""

    @abstractmethod
    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        """One boolean column per row: True (or null) where the row passes."""

    @abstractmethod
    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> pl.DataFrame:
        """Findings for the *failed* rows (a slice of *frame* with ROW): a frame of the
        EXPLAINED columns (ROW, column, value, message, suggestion), one row per finding."""

    @abstractmethod
    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        """Fixture mutator: make *event* (its rows as CSV cells, total first; changed in
        place) break this rule and no other. Returns the findings the checker must now
        report, as (row index in *event*, column), or None when this event cannot be
        broken this way (then it is left unchanged)."""

    def reads(self, ctx: Context, column: str | None) -> tuple[str, ...]:
        """The frame columns check() reads for *column* (a test proves the list complete)."""
        assert column is not None
        return (column,)

    def gx(self, ctx: Context, column: str | None) -> tuple[GxSpec, ...]:
        """The GX expectation(s) for *column*; a row fails the rule when it fails any.
        By default the rule's custom expectation, given what check() reads and depends on."""
        reads = list(self.reads(ctx, column))
        domain = {"column": reads[0]} if len(reads) == 1 else {"column_list": reads}
        parameters = self.parameters(ctx)
        return (GxSpec(self.gx_custom, {**domain, "target": column, "parameters": parameters}),)

    def parameters(self, ctx: Context) -> dict[str, Any]:
        """The settings check() depends on (settings_used), by value and JSON-able: what a
        serialised form of the rule carries (a custom GX expectation, a pandera YAML check;
        toolkit.rules.serialised rebuilds the Context from them)."""
        return {name: _plain(getattr(ctx.settings, name)) for name in self.settings_used}

    def gx_parameters(self, ctx: Context) -> dict[str, Any]:
        """Values for the suite parameters ({"$PARAMETER": name}) that gx() refers to."""
        return {}

    # helpers shared by the rule families -------------------------------------------------
    def message(self, ctx: Context | None = None, **fields: Any) -> str:
        """The catalogue's message filled with *fields*, and with the words for where a
        record is ({line_word}, {lines_word}: line, row or record, by *ctx*)."""
        word = ctx.located_by if ctx is not None else "line"
        return self.spec.message.format(line_word=word, lines_word=word + "s", **fields)

    @staticmethod
    def passes(frame: pl.LazyFrame, expr: pl.Expr) -> pl.LazyFrame:
        return frame.select(expr.fill_null(True).alias("passes"))

    @staticmethod
    def all_pass(frame: pl.LazyFrame) -> pl.LazyFrame:
        """The passes column of a frame no row of which breaks the rule."""
        return Rule.passes(frame, pl.repeat(True, pl.len()))  # one value per row


def _plain(value: Any) -> Any:
    """A settings value as JSON (GX serialises expectation arguments as JSON): paths as
    text, dates as YYYY-MM-DD."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if isinstance(value, Path) else value


# what Rule.explain returns, one row per finding
EXPLAINED: dict[str, Any] = {
    ROW: pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "message": pl.String,
    "suggestion": pl.String,
}


def explained(items: list[dict[str, Any]]) -> pl.DataFrame:
    """A Rule.explain frame from dicts with the EXPLAINED keys."""
    return pl.DataFrame(items, schema=EXPLAINED, orient="row")


def cell_findings(
    rule: Rule,
    failed: pl.DataFrame,
    column: str,
    build: Any,
) -> pl.DataFrame:
    """One finding per failed row of a one-column rule; build(row) -> (message, suggestion)."""
    out: list[dict[str, Any]] = []
    for row in failed.iter_rows(named=True):
        message, suggestion = build(row)
        out.append(
            {
                ROW: row[ROW],
                "column": column,
                "value": row[column],
                "message": message,
                "suggestion": suggestion,
            }
        )
    return explained(out)


def repeats(frame: pl.DataFrame | pl.LazyFrame, column: str) -> bool:
    """Whether a value of *column* (nulls aside) stands on more than one row: one pass of
    counting distinct values, far cheaper than marking repeated rows when there are none."""
    values = pl.col(column)
    counted = frame.select(
        values.n_unique().alias("distinct"),
        values.count().alias("filled"),
        values.null_count().alias("nulls"),
    )
    distinct, filled, nulls = (
        counted.collect() if isinstance(counted, pl.LazyFrame) else counted
    ).row(0)
    return bool(distinct - (nulls > 0) != filled)


def lines_text(lines: list[int]) -> str:
    """'3, 4, 5, 9' -> '3-5, 9': compact line lists for messages."""
    ordered = sorted(set(lines))
    parts: list[str] = []
    start = prev = ordered[0] if ordered else 0
    for line in [*ordered[1:], None]:
        if line is not None and line == prev + 1:
            prev = line
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if line is not None:
            start = prev = line
    return ", ".join(parts) if ordered else ""


__all__ = [
    "EXPLAIN_COLUMNS", "LINE", "ROW", "Broken", "Context", "GxSpec", "Rule", "cell_findings",
    "lines_text",
]  # fmt: skip
