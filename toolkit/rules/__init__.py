"""The rule catalogue in code: one class per rule id, listed here explicitly (no discovery).

A rule's catalogue entry (severity, message template, summary) lives in
schemas/contract.toml; its check, explanation and fixture mutator live in its family module.
"""

from __future__ import annotations

from toolkit.contract import Contract, load_contract
from toolkit.errors import ContractError
from toolkit.rules.base import Context, Rule
from toolkit.rules.dates import DateOrder, DateRange
from toolkit.rules.events import Consistent
from toolkit.rules.places import Hierarchy, Known, Unverified
from toolkit.rules.rows import RowShape
from toolkit.rules.subtotals import OneTotal, PartsAddUp
from toolkit.rules.values import Enum, Required, UniqueRecordId, ValueType

RULE_CLASSES: tuple[type[Rule], ...] = (
    RowShape,
    Required,
    ValueType,
    Enum,
    UniqueRecordId,
    DateRange,
    DateOrder,
    Consistent,
    OneTotal,
    PartsAddUp,
    Known,
    Unverified,
    Hierarchy,
)


def all_rules(contract: Contract | None = None) -> tuple[Rule, ...]:
    """Every rule, in catalogue order, bound to its catalogue entry."""
    contract = contract or load_contract()
    by_id = {cls.id: cls for cls in RULE_CLASSES}
    catalogue = [spec.id for spec in contract.rules]
    if sorted(by_id) != sorted(catalogue):
        raise ContractError(f"rules in code {sorted(by_id)} != catalogue {sorted(catalogue)}")
    return tuple(by_id[spec.id](spec) for spec in contract.rules)


__all__ = ["RULE_CLASSES", "Context", "Rule", "all_rules"]
