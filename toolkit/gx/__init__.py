"""Great Expectations support: the rule catalogue as a GX suite, and the frame it validates.

Only the ``gx`` engine and these functions import Great Expectations (the ``gx`` extra);
without it, expectation_suite() and suite_json() raise MissingExtraError (a ToolkitError),
while gx_frame() and gx_parameters() need only pandas.
For your own GX context and checkpoints::

    import toolkit
    suite = context.suites.add(toolkit.expectation_suite())
    batch = ...add_batch_definition_whole_dataframe("events").get_batch(
        batch_parameters={"dataframe": toolkit.gx_frame("events.csv")})
    result = batch.validate(suite, expectation_parameters=toolkit.gx_parameters())

Modules: frame (the pandas frame GX sees), expectations (the custom expectations),
suite (the suite from the rules), run (the engine's validation), docs (Data Docs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.rules.base import Context

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    from great_expectations import ExpectationSuite

    from toolkit.config import Settings
    from toolkit.readers import ReadOptions


def expectation_suite(settings: Settings | None = None) -> ExpectationSuite:
    """The rule catalogue (the enabled rules under *settings*, default: the contract's) as a
    GX ExpectationSuite. Importing it registers the toolkit's custom expectations.

    Raises MissingExtraError (a ToolkitError) without the ``gx`` extra."""
    from toolkit.engines.gx_engine import require_gx

    require_gx()
    from toolkit.gx.suite import build_suite

    return build_suite(Context.of(settings))


def gx_parameters(settings: Settings | None = None) -> dict[str, Any]:
    """The suite parameters' values under *settings*: date_min and date_max (yyyymmdd)."""
    from toolkit.gx.suite import suite_parameters

    return suite_parameters(Context.of(settings))


def gx_frame(
    data: str | Path | pd.DataFrame | pl.DataFrame,
    settings: Settings | None = None,
    options: ReadOptions | None = None,
) -> pd.DataFrame:
    """The pandas frame the suite validates, made from an event-record file (read with
    *options*, mapped as the checker maps it: preset, HXL, columns) or an in-memory table:
    its cells as text (tidied as the checker does) plus typed columns."""
    from toolkit.checker import mapped
    from toolkit.gx.frame import to_gx
    from toolkit.prepare import prepare
    from toolkit.readers import read_table, table_from_frame

    ctx = Context.of(settings)
    if isinstance(data, str | Path):
        table = read_table(Path(data), options)
    else:
        table = table_from_frame(data)
    table, ctx = mapped(table, ctx)
    return to_gx(prepare(table, ctx), ctx.contract)


def suite_json(settings: Settings | None = None) -> str:
    """expectation_suite() as GX's JSON (what ``event-toolkit gx-suite`` writes)."""
    from toolkit.engines.gx_engine import require_gx

    require_gx()
    from toolkit.gx.run import context

    context()  # GX serialises a suite only with an active context
    return json.dumps(expectation_suite(settings).to_json_dict(), indent=2) + "\n"


__all__ = ["expectation_suite", "gx_frame", "gx_parameters", "suite_json"]
