"""JSON: the documented shape; one object per file, a list for several files.

Laid out for people and diffs: one key per line, one failure per line. (Each piece goes
through json's C encoder; ``indent=`` would switch to its far slower pure-Python one.)
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolkit.report import Report


def render(reports: list[Report], *, color: bool = False) -> str:
    if len(reports) == 1:
        return layout(reports[0].to_dict())
    items = ",\n".join("  " + _object(r.to_dict(), "  ") for r in reports)
    return f"[\n{items}\n]\n"


def layout(payload: dict[str, Any]) -> str:
    """A JSON object with one key per line and each item of a list value on its own line."""
    return _object(payload, "") + "\n"


def _object(payload: dict[str, Any], indent: str) -> str:
    inner = indent + "  "
    fields = []
    for key, value in payload.items():
        if isinstance(value, list) and value:
            rows = ",\n".join(inner + "  " + _dumps(item) for item in value)
            fields.append(f"{inner}{_dumps(key)}: [\n{rows}\n{inner}]")
        else:
            fields.append(f"{inner}{_dumps(key)}: {_dumps(value)}")
    body = ",\n".join(fields)
    return f"{{\n{body}\n{indent}}}"


# one encoder for every piece: json.dumps with options builds a new one per call
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _dumps(value: Any) -> str:
    text = _ENCODER.encode(value)
    if "\u2028" in text or "\u2029" in text:
        # valid in JSON, but they end lines in JavaScript and some viewers
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text
