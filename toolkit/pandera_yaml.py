"""The rule catalogue as a pandera YAML schema that plain pandera loads and runs.

pandera serialises only *registered* check methods (``pandera.extensions``), with their
statistics. Every rule is one registered check method, named ``event_toolkit_`` + its id
with ``.`` as ``_`` (``place.known`` -> ``event_toolkit_place_known``; see check_name), whose
statistics are:

- ``target``: the contract column the rule judges; null for a rule over whole rows or events
  (a dataframe-level check of the schema);
- the settings the rule's check depends on, by value (Rule.parameters: vocabularies,
  about_tolerance, gazetteer, date_min, date_max, as the rule's settings_used says; the
  toolkit's custom GX expectations carry the same). A date bound the settings take from
  "today" (the contract's date_max) is written ``today`` and read when the check runs, so
  the published file does not go stale with the calendar.

The check runs the rule's own check() (toolkit/rules/, through the engine's run_check) under a
Context made from those statistics over the contract's defaults (toolkit.rules.serialised,
as the GX expectations do), so this schema and the
engine cannot drift; like the engine's, a check reports its failures under the rule id (its
``error``) and a null is no pass. The schema checks the *prepared* frame
(toolkit.schema.prepared), as toolkit.pandera_schema() does::

    import toolkit, pandera.polars as pa
    schema = pa.DataFrameSchema.from_yaml("event-record.pandera.yaml")
    schema.validate(toolkit.schema.prepared(frame), lazy=True)

Registration: ``import toolkit`` puts a hook on sys.meta_path (toolkit/__init__.py) that calls
register() when pandera's polars (de)serialiser, ``pandera.io.polars_io``, is first imported
(DataFrameSchema.from_yaml / from_json / to_yaml import it), so neither ``import toolkit`` nor
the checker's runs (which never serialise a schema) pay for it. To build such checks by hand
(``pa.Check.event_toolkit_place_known(target="admin2", gazetteer=[])``), call register().
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import MissingExtraError, ToolkitError
from toolkit.rules.base import Context, Rule
from toolkit.rules.serialised import context_of, rule_by_id

if TYPE_CHECKING:
    import pandera.polars as pa
    import polars as pl
    from pandera.api.polars.types import PolarsData

    from toolkit.config import Settings

PREFIX = "event_toolkit_"
TARGET = "target"
TODAY = "today"  # a date bound read as the day the check runs (the contract's date_max)
DATES = ("date_min", "date_max")


def check_name(rule_id: str) -> str:
    """The registered check method of a rule: ``place.known`` -> ``event_toolkit_place_known``."""
    return PREFIX + re.sub(r"\W", "_", rule_id)


def statistics(rule: Rule) -> tuple[str, ...]:
    """The statistics of a rule's check method: its target, then the settings it reads."""
    return (TARGET, *rule.settings_used)


def parameters(
    rule: Rule, ctx: Context, column: str | None, today: Collection[str] = ()
) -> dict[str, Any]:
    """The settings values of *rule*'s statistics under *ctx* (JSON-able); the date bounds
    named in *today* as ``today``."""
    values = rule.parameters(ctx)
    return {name: TODAY if name in today and name in DATES else v for name, v in values.items()}


# ---------------------------------------------------------------- registration


def register() -> None:
    """Register every rule's check method with pandera (those not registered yet; pandera is
    imported here)."""
    from pandera.api.checks import Check
    from pandera.api.extensions import register_check_method

    from toolkit.rules import all_rules

    for rule in all_rules():
        name = check_name(rule.id)
        if name not in Check.REGISTERED_CUSTOM_CHECKS:
            names = statistics(rule)
            register_check_method(_method(rule.id, name, names), statistics=list(names))


def _method(rule_id: str, name: str, names: tuple[str, ...]) -> Callable[..., pl.LazyFrame]:
    """The function pandera registers for a rule: named *name*, with keyword-only
    statistics *names* (pandera reads both off the function)."""

    def check(data: PolarsData, **values: Any) -> pl.LazyFrame:
        return _run(rule_id, data, values)

    check.__name__ = check.__qualname__ = name
    check.__doc__ = f"event-toolkit rule {rule_id}, run on the prepared frame."
    data = inspect.Parameter("data", inspect.Parameter.POSITIONAL_ONLY)
    keywords = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for n in names]
    setattr(check, "__signature__", inspect.Signature([data, *keywords]))  # noqa: B010
    return check


def _run(rule_id: str, data: PolarsData, values: dict[str, Any]) -> pl.LazyFrame:
    from toolkit.engines.pandera_engine import run_check

    settings = dict(values)
    target = settings.pop(TARGET, None)
    if data.key not in ("*", target):
        raise ToolkitError(f"{check_name(rule_id)}: its target is {target}, not {data.key}")
    return run_check(rule_by_id(rule_id), context_of(settings), data, target)


# ---------------------------------------------------------------- the schema


def yaml_schema(
    settings: Settings | None = None, today: Collection[str] = ()
) -> pa.DataFrameSchema:
    """The enabled rules under *settings* (default: the contract's) as a pandera schema of
    registered checks, laid out as the engine's (toolkit.engines.pandera_engine.build_schema).
    The date bounds named in *today* are written ``today``."""
    from pandera.api.checks import Check

    from toolkit.engines.pandera_engine import build_schema, check_options
    from toolkit.rules import all_rules

    register()
    ctx = Context.of(settings)
    rules = tuple(rule for rule in all_rules(ctx.contract) if ctx.settings.enabled(rule.id))

    def make(rule: Rule, ctx: Context, column: str | None) -> pa.Check:
        method = getattr(Check, check_name(rule.id))
        values = parameters(rule, ctx, column, today)
        check: pa.Check = method(**{TARGET: column}, **values, **check_options(rule))
        return check

    return build_schema(ctx, rules, make_check=make)


HEADER = """\
# The event-toolkit rule catalogue as a pandera (polars) schema; each rule is a registered
# check method event_toolkit_<rule id> whose statistics are its target column and the
# settings it depends on. Load it with pandera after `import toolkit` (which registers the
# checks) and validate prepared frames (toolkit.schema.prepared):
#   pandera.polars.DataFrameSchema.from_yaml(path).validate(prepared(frame), lazy=True)
# Written by `event-toolkit schema --format pandera`; do not edit.
"""


def yaml_text(settings: Settings | None = None, today: Collection[str] = ()) -> str:
    """yaml_schema() as YAML (what ``event-toolkit schema --format pandera`` writes)."""
    try:
        import yaml  # noqa: F401  (pandera's to_yaml needs PyYAML, not a pandera dependency)
    except ImportError as exc:
        raise MissingExtraError(
            f"writing the pandera YAML schema needs PyYAML ({exc}); install it with: "
            "pip install pyyaml"
        ) from exc
    text = yaml_schema(settings, today).to_yaml()
    assert isinstance(text, str)
    return HEADER + text


def published(config: Path | None = None) -> tuple[Settings, tuple[str, ...]]:
    """The settings of *config* (default: the contract's) and which date bounds they take
    from "today" (found by resolving them on two days)."""
    from toolkit.config import load_settings

    now = dt.date.today()
    settings = load_settings(config_path=config, today=now)
    later = load_settings(config_path=config, today=now + dt.timedelta(days=1))
    return settings, tuple(
        name for name in DATES if getattr(settings, name) != getattr(later, name)
    )


__all__ = ["check_name", "published", "register", "statistics", "yaml_schema", "yaml_text"]
