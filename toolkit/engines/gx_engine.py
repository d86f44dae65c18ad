"""The Great Expectations engine: the rule catalogue as a GX suite (toolkit/gx/), run in an
ephemeral context on a pandas batch. Needs the ``gx`` extra."""

from __future__ import annotations

import importlib

import polars as pl

from toolkit.engines import Failures, RunOptions
from toolkit.errors import MissingExtraError
from toolkit.readers import LINE
from toolkit.rules.base import Context, Rule

INSTALL = "pip install 'event-toolkit[gx]'"


def require_gx() -> None:
    """MissingExtraError (saying how to install it) unless Great Expectations imports."""
    try:
        importlib.import_module("great_expectations")
    except ImportError as exc:
        raise MissingExtraError(
            f"the gx engine needs Great Expectations ({exc}); install it with: {INSTALL}"
        ) from exc


def run(
    ctx: Context, frame: pl.DataFrame, rules: tuple[Rule, ...], options: RunOptions
) -> list[Failures]:
    require_gx()
    from toolkit.gx.run import failures, validate

    return failures(validate(ctx, frame, rules, options), frame[LINE])
