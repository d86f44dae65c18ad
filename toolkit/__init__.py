"""event-toolkit: keep datasets of event records extracted from news honest.

The public API is loaded lazily, so ``import toolkit`` (and the CLI's ``--help``) stays fast:

    from toolkit import validate, validate_frame, load_settings
    report = validate("events.csv")          # -> toolkit.report.Report
    report.valid, report.by_rule, report.flatten()
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "validate": "toolkit.checker",
    "validate_frame": "toolkit.checker",
    "load_settings": "toolkit.config",
    "Settings": "toolkit.config",
    "Report": "toolkit.report",
    "Finding": "toolkit.report",
    "ToolkitError": "toolkit.errors",
    "pandera_schema": "toolkit.schema",
    "expectation_suite": "toolkit.gx",
    "gx_frame": "toolkit.gx",
    "gx_parameters": "toolkit.gx",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
