"""Rules run from serialised parameters: the GX suite's custom expectations and the pandera
YAML's registered checks carry a rule id and the settings the rule depends on
(Rule.parameters), and run the rule's own check() under a Context rebuilt from them.

The Context is cached, keyed on the parameters and on the state of the gazetteer files they
name (a changed or deleted file is read again, as the default engine would) and on the day
(a date bound written ``today`` is read as the day the check runs).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from toolkit.rules.base import Context, Rule


@cache
def rule_by_id(rule_id: str) -> Rule:
    from toolkit.rules import all_rules

    return {rule.id: rule for rule in all_rules()}[rule_id]


def context_of(parameters: Mapping[str, Any] | None) -> Context:
    """The contract's default settings with *parameters* applied as a config's keys would
    be (config.apply: ``vocabularies``, ``about_tolerance``, ``gazetteer``, ``date_min``,
    ``date_max``; ``today`` read today), as a Context."""
    values = dict(parameters or {})
    key = json.dumps(values, sort_keys=True, default=str)
    return _context(key, _files(values.get("gazetteer") or ()), dt.date.today())


def _files(paths: Any) -> tuple[tuple[str, int, int] | None, ...]:
    """What the gazetteer files are now (path, size, mtime)."""
    out: list[tuple[str, int, int] | None] = []
    for name in paths:
        try:
            stat = Path(name).stat()
        except OSError:
            out.append(None)
            continue
        out.append((str(name), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


@lru_cache(maxsize=8)
def _context(key: str, files: object, today: dt.date) -> Context:
    from toolkit.config import apply, default_settings

    settings = apply(default_settings(today=today), json.loads(key), None, today)
    return Context.of(settings)
