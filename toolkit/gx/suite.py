"""The rule catalogue as a Great Expectations ExpectationSuite.

Every enabled rule contributes, per target column, the expectation(s) its ``gx()`` names
(toolkit/rules/): GX built-ins where one means exactly the rule, the toolkit's custom
expectations (toolkit/gx/expectations.py) otherwise. Each expectation's ``meta`` carries the
rule id and target column, which is how results map back to findings. Date bounds are suite
parameters (``{"$PARAMETER": "date_max"}``), since date_max is "today" by default; give
their values (``suite_parameters()``) when validating.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.rules import all_rules
from toolkit.rules.base import Context, Rule

if TYPE_CHECKING:
    from great_expectations import ExpectationSuite

SUITE_NAME = "event-record"
SEVERITY = {"error": "critical", "warning": "warning"}  # ours -> GX's FailureSeverity


def enabled_rules(ctx: Context) -> tuple[Rule, ...]:
    return tuple(rule for rule in all_rules(ctx.contract) if ctx.settings.enabled(rule.id))


def build_suite(
    ctx: Context, rules: tuple[Rule, ...] | None = None, name: str = SUITE_NAME
) -> ExpectationSuite:
    """The suite for *rules* (default: every enabled rule) under *ctx*'s settings."""
    import great_expectations as gx
    from great_expectations.expectations.metadata_types import FailureSeverity
    from great_expectations.expectations.registry import get_expectation_impl

    import toolkit.gx.expectations  # noqa: F401  (registers the custom expectations)

    expectations = []
    for rule in enabled_rules(ctx) if rules is None else rules:
        for column in rule.targets(ctx):
            for spec in rule.gx(ctx, column):
                cls = get_expectation_impl(spec.type)
                meta = {"rule": rule.id, "column": column}
                expectations.append(
                    cls(
                        **spec.kwargs,
                        meta=meta,
                        description=f"{rule.id}: {rule.spec.summary}",
                        severity=FailureSeverity(SEVERITY[ctx.settings.severity(rule.id)]),
                    )
                )
    # made whole, not by add_expectation(), which saves into the active context's store
    # when that holds a suite of this name
    return gx.ExpectationSuite(
        name=name, expectations=expectations, meta={"event_toolkit": _about(ctx)}
    )


def suite_columns(suite: ExpectationSuite) -> set[str]:
    """The columns the suite's expectations read."""
    names: set[str] = set()
    for expectation in suite.expectations:
        kwargs = expectation.configuration.kwargs
        single = ("column", "column_A", "column_B")
        names.update(str(kwargs[key]) for key in single if key in kwargs)
        names.update(str(name) for name in kwargs.get("column_list") or ())
    return names


def suite_parameters(ctx: Context, rules: tuple[Rule, ...] | None = None) -> dict[str, Any]:
    """Values of the suite's parameters under *ctx*'s settings."""
    values: dict[str, Any] = {}
    for rule in enabled_rules(ctx) if rules is None else rules:
        values.update(rule.gx_parameters(ctx))
    return values


def _about(ctx: Context) -> dict[str, Any]:
    from toolkit import __version__

    return {
        "version": __version__,
        "validates": "toolkit.gx_frame(path): contract columns as text, dates as yyyymmdd",
        "parameters": "toolkit.gx_parameters(settings): date_min, date_max",
    }
