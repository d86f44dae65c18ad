"""JSON: the documented shape; one object per file, a list for several files."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.report import Report


def render(reports: list[Report], *, color: bool = False) -> str:
    payload = reports[0].to_dict() if len(reports) == 1 else [r.to_dict() for r in reports]
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
