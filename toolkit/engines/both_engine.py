"""``--engine both``: run Pandera and Great Expectations on the same frame and insist they
fail exactly the same rows for every (rule, column). A difference is a bug in the toolkit,
so it raises EngineDisagreement (exit 2) listing what differs; otherwise the findings are
the (shared) failures."""

from __future__ import annotations

import polars as pl

from toolkit.engines import Failures, RunOptions, gx_engine, pandera_engine
from toolkit.errors import EngineDisagreement
from toolkit.readers import LINE
from toolkit.rules.base import Context, Rule

Key = tuple[str, str | None, int]  # rule, column, row


def run(
    ctx: Context, frame: pl.DataFrame, rules: tuple[Rule, ...], options: RunOptions
) -> list[Failures]:
    gx_engine.require_gx()
    by_pandera = pandera_engine.run(ctx, frame, rules, options)
    by_gx = gx_engine.run(ctx, frame, rules, options)
    only_pandera, only_gx = _keys(by_pandera) - _keys(by_gx), _keys(by_gx) - _keys(by_pandera)
    if only_pandera or only_gx:
        lines = frame[LINE]
        parts = [
            f"{len(keys)} only by {engine} ({_sample(keys, lines)})"
            for engine, keys in (("pandera", only_pandera), ("gx", only_gx))
            if keys
        ]
        raise EngineDisagreement(
            f"{options.name}: the pandera and gx engines disagree: failures found "
            + "; ".join(parts)
        )
    return by_pandera


def _keys(failures: list[Failures]) -> set[Key]:
    return {(f.rule, f.column, row) for f in failures for row in f.rows.to_list()}


def _sample(keys: set[Key], lines: pl.Series, shown: int = 5) -> str:
    ordered = sorted(keys, key=lambda k: (k[2], k[0], k[1] or ""))
    text = ", ".join(
        f"{rule}{f' ({column})' if column else ''} line {lines[row]}"
        for rule, column, row in ordered[:shown]
    )
    return text + (f", and {len(keys) - shown} more" if len(keys) > shown else "")
