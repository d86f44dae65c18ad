"""The toolkit's custom Great Expectations expectations: one per rule GX has no built-in for.

Each is a real GX expectation (a ColumnMapExpectation or MulticolumnMapExpectation
subclass) with its own metric, registered with GX when this module is imported, so a suite
that uses them serialises to JSON and loads back. The metric runs the rule's own check
(toolkit/rules/) on the columns GX hands it, vectorised over the whole column, so the two
engines cannot drift. Arguments:

- ``target``: the contract column the rule judges (None: the rule judges whole rows/events);
- ``parameters``: the settings the rule depends on (vocabularies, about_tolerance, gazetteer).

The multicolumn ones judge whole events, so they need every row (``ignore_row_if="never"``)
in file order; do not give them a row_condition.
"""

from __future__ import annotations

from toolkit.engines.gx_engine import require_gx

# Imported without the gx extra (the README has users import this module to load the JSON
# suite): a ToolkitError saying how to install it, not a bare ModuleNotFoundError.
require_gx()

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from great_expectations.compatibility import pydantic
from great_expectations.execution_engine.pandas_execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import (
    ColumnMapExpectation,
    MulticolumnMapExpectation,
)
from great_expectations.expectations.metrics.map_metric_provider.column_condition_partial import (
    column_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider.column_map_metric_provider import (
    ColumnMapMetricProvider,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (  # noqa: E501
    multicolumn_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_map_metric_provider import (  # noqa: E501
    MulticolumnMapMetricProvider,
)

from toolkit.errors import ToolkitError
from toolkit.gx.frame import from_gx
from toolkit.rules.serialised import context_of, rule_by_id

if TYPE_CHECKING:
    import pandas as pd


KEYS = ("target", "parameters")


INPUT_ERRORS: list[ToolkitError] = []
"""ToolkitErrors raised inside a metric (a gazetteer file that cannot be read, say): GX keeps
only their text, so the engine takes them from here and raises them as they are."""


def evaluate(rule_id: str, data: pd.DataFrame, target: str | None, parameters: Any) -> pd.Series:
    """The rule's check on GX's columns: True where a row passes (same index as *data*)."""
    import pandas as pd

    values = parameters or {}
    try:
        ctx = context_of(values)
        frame = from_gx(data)
        passes = rule_by_id(rule_id).check(ctx, frame.lazy(), target).collect().to_series()
    except ToolkitError as error:
        INPUT_ERRORS.append(error)
        raise
    return pd.Series(passes.to_numpy(), index=data.index, dtype=bool)


# ---------------------------------------------------------------- bases


class RuleColumnExpectation(ColumnMapExpectation):
    """A rule judged cell by cell on one column (nulls pass, as in every rule)."""

    rule_id: ClassVar[str]
    target: str | None = None
    parameters: dict[str, Any] = pydantic.Field(default_factory=dict)
    success_keys: ClassVar[tuple[str, ...]] = ("mostly", *KEYS)


class RuleEventExpectation(MulticolumnMapExpectation):
    """A rule judged on whole rows or events: every row, in file order."""

    rule_id: ClassVar[str]
    target: str | None = None
    parameters: dict[str, Any] = pydantic.Field(default_factory=dict)
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "never"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly", *KEYS)


class RuleColumnMetric(ColumnMapMetricProvider):
    """The metric of a RuleColumnExpectation: the rule's check on the column. GX registers
    each subclass under its condition_metric_name (this base has none, so is not one)."""

    rule_id: ClassVar[str]
    condition_value_keys = KEYS

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs: Any) -> pd.Series:
        target = kwargs["target"]
        return evaluate(cls.rule_id, column.to_frame(target), target, kwargs["parameters"])


class RuleEventMetric(MulticolumnMapMetricProvider):
    """The metric of a RuleEventExpectation: the rule's check on the columns it reads."""

    rule_id: ClassVar[str]
    condition_value_keys = KEYS

    @multicolumn_condition_partial(engine=PandasExecutionEngine)  # type: ignore[untyped-decorator]
    def _pandas(cls, column_list: pd.DataFrame, **kwargs: Any) -> pd.Series:
        return evaluate(cls.rule_id, column_list, kwargs["target"], kwargs["parameters"])


# ---------------------------------------------------------------- value.type


class ExpectColumnValuesToMatchContractType(RuleColumnExpectation):
    """value.type: dates are real YYYY-MM-DD dates, counts non-negative integer literals
    ("1,037" and "about 40" are text, not counts)."""

    rule_id = "value.type"
    map_metric = "toolkit.value_type"


class ContractTypeMetric(RuleColumnMetric):
    rule_id = ExpectColumnValuesToMatchContractType.rule_id
    condition_metric_name = ExpectColumnValuesToMatchContractType.map_metric


# ---------------------------------------------------------------- record_id.unique


class ExpectColumnValuesToBeFirstOccurrences(RuleColumnExpectation):
    """record_id.unique: a value seen on an earlier row fails (the first one passes)."""

    rule_id = "record_id.unique"
    map_metric = "toolkit.first_occurrence"


class FirstOccurrenceMetric(RuleColumnMetric):
    rule_id = ExpectColumnValuesToBeFirstOccurrences.rule_id
    condition_metric_name = ExpectColumnValuesToBeFirstOccurrences.map_metric


# ---------------------------------------------------------------- place.known


class ExpectPlaceNamesToBeKnown(RuleEventExpectation):
    """place.known: the country is known, and an admin1/admin2 name is known in it where
    the gazetteer lists that level completely (judged on the whole place chain)."""

    rule_id = "place.known"
    map_metric = "toolkit.place_known"


class KnownPlaceMetric(RuleEventMetric):
    rule_id = ExpectPlaceNamesToBeKnown.rule_id
    condition_metric_name = ExpectPlaceNamesToBeKnown.map_metric


# ---------------------------------------------------------------- place.unverified


class ExpectPlaceNamesToBeVerified(RuleEventExpectation):
    """place.unverified: a place name the gazetteer can vouch for (known in the stated
    country, and where stated, in its region or district)."""

    rule_id = "place.unverified"
    map_metric = "toolkit.place_unverified"


class VerifiedPlaceMetric(RuleEventMetric):
    rule_id = ExpectPlaceNamesToBeVerified.rule_id
    condition_metric_name = ExpectPlaceNamesToBeVerified.map_metric


# ---------------------------------------------------------------- event.consistent


class ExpectEventRowsToAgreeWithAnchor(RuleEventExpectation):
    """event.consistent: each row of an event agrees with the event's anchor (its total
    row) on the target column."""

    rule_id = "event.consistent"
    map_metric = "toolkit.event_consistent"


class AnchorAgreementMetric(RuleEventMetric):
    rule_id = ExpectEventRowsToAgreeWithAnchor.rule_id
    condition_metric_name = ExpectEventRowsToAgreeWithAnchor.map_metric


# ---------------------------------------------------------------- subtotal.total


class ExpectEventsToHaveAtMostOneTotal(RuleEventExpectation):
    """subtotal.total: an event has at most one total row (its first total fails)."""

    rule_id = "subtotal.total"
    map_metric = "toolkit.subtotal_total"


class OneTotalMetric(RuleEventMetric):
    rule_id = ExpectEventsToHaveAtMostOneTotal.rule_id
    condition_metric_name = ExpectEventsToHaveAtMostOneTotal.map_metric


# ---------------------------------------------------------------- subtotal.sum


class ExpectEventPartsToAddUpToTotal(RuleEventExpectation):
    """subtotal.sum: the parts of an event can add up to its total, with counts as
    intervals ("about 40" is 36-44 under about_tolerance 0.1); the total row fails."""

    rule_id = "subtotal.sum"
    map_metric = "toolkit.subtotal_sum"


class PartsSumMetric(RuleEventMetric):
    rule_id = ExpectEventPartsToAddUpToTotal.rule_id
    condition_metric_name = ExpectEventPartsToAddUpToTotal.map_metric


# ---------------------------------------------------------------- place.hierarchy


class ExpectPlaceChainsToNest(RuleEventExpectation):
    """place.hierarchy: location lies in admin2, admin2 in admin1, admin1 in country."""

    rule_id = "place.hierarchy"
    map_metric = "toolkit.place_hierarchy"


class NestingMetric(RuleEventMetric):
    rule_id = ExpectPlaceChainsToNest.rule_id
    condition_metric_name = ExpectPlaceChainsToNest.map_metric


CUSTOM: tuple[type[RuleColumnExpectation] | type[RuleEventExpectation], ...] = (
    ExpectColumnValuesToMatchContractType,
    ExpectColumnValuesToBeFirstOccurrences,
    ExpectPlaceNamesToBeKnown,
    ExpectPlaceNamesToBeVerified,
    ExpectEventRowsToAgreeWithAnchor,
    ExpectEventsToHaveAtMostOneTotal,
    ExpectEventPartsToAddUpToTotal,
    ExpectPlaceChainsToNest,
)
