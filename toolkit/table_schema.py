"""The record contract as a Frictionless Table Schema (https://specs.frictionlessdata.io/table-schema/).

One field per contract column (schemas/contract.toml), in the contract's order:

- ``type``: ``string`` for text, vocabulary and place columns, ``date`` (YYYY-MM-DD, the
  spec's default format) for dates, ``integer`` for counts;
- ``constraints.required`` as the contract says; ``constraints.enum``: the column's vocabulary
  under the settings; ``constraints.minimum`` 0 for counts (non-negative); and
  ``constraints.unique`` for the columns record_id.unique judges, when it is on;
- ``missingValues``: the empty cell and the settings' missing_values.

It says what one cell may hold. The toolkit's other rules (date window and order, events,
subtotals, places) have no Table Schema form: only the checker judges them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from toolkit.rules.base import Context
from toolkit.rules.values import UniqueRecordId

if TYPE_CHECKING:
    from toolkit.config import Settings

# contract column type -> Table Schema field type
TYPES = {"text": "string", "enum": "string", "place": "string", "date": "date", "count": "integer"}


def table_schema(settings: Settings | None = None) -> dict[str, Any]:
    """The Table Schema (a JSON-able dict) of the contract under *settings* (default: the
    contract's own)."""
    ctx = Context.of(settings)
    unique = UniqueRecordId(ctx.contract.rule(UniqueRecordId.id))
    unique_columns = unique.targets(ctx) if ctx.settings.enabled(unique.id) else ()
    fields: list[dict[str, Any]] = []
    for column in ctx.contract.columns:
        constraints: dict[str, Any] = {"required": column.required}
        if column.vocabulary is not None:
            constraints["enum"] = list(ctx.vocabulary(column.name))
        if column.type == "count":
            constraints["minimum"] = 0
        if column.name in unique_columns:
            constraints["unique"] = True
        fields.append(
            {
                "name": column.name,
                "type": TYPES[column.type],
                "description": column.description,
                "constraints": constraints,
            }
        )
    return {"fields": fields, "missingValues": ["", *ctx.settings.missing_values]}


def table_schema_json(settings: Settings | None = None) -> str:
    """table_schema() as JSON (what ``event-toolkit schema --format table-schema`` writes)."""
    return json.dumps(table_schema(settings), indent=2, ensure_ascii=False) + "\n"


__all__ = ["TYPES", "table_schema", "table_schema_json"]
