"""The rule catalogue as a Pandera schema, for users who run pandera themselves.

import polars as pl
from toolkit import pandera_schema
from toolkit.schema import prepared

frame = prepared(pl.read_csv("events.csv", infer_schema=False))
pandera_schema().validate(frame, lazy=True)   # raises pandera SchemaErrors listing rule ids
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from toolkit.categories import as_text
from toolkit.config import Settings
from toolkit.prepare import prepare
from toolkit.readers import table_from_frame
from toolkit.rules import all_rules
from toolkit.rules.base import Context

if TYPE_CHECKING:
    import pandera.polars as pa


def pandera_schema(settings: Settings | None = None) -> pa.DataFrameSchema:
    """The pandera DataFrameSchema of every enabled rule (checks named by rule id)."""
    from toolkit.engines.pandera_engine import build_schema

    ctx = Context.of(settings)
    rules = tuple(r for r in all_rules(ctx.contract) if ctx.settings.enabled(r.id))
    return build_schema(ctx, rules)


def prepared(frame: Any, settings: Settings | None = None) -> pl.DataFrame:
    """The frame the schema checks: contract columns, tidy cells and typed companions, all
    text but those (the checker holds the repeated columns as categories; this is not it)."""
    return as_text(prepare(table_from_frame(frame), Context.of(settings)))
