"""event-toolkit: keep datasets of event records extracted from news honest.

The public API is loaded lazily, so ``import toolkit`` (and the CLI's ``--help``) stays fast:

    from toolkit import validate, validate_frame, load_settings
    report = validate("events.csv")          # -> toolkit.report.Report
    report.valid, report.by_rule, report.flatten()
"""

from __future__ import annotations

import importlib
import sys
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


# The published pandera schema (schemas/event-record.pandera.yaml) names the toolkit's
# registered check methods, which must exist before pandera reads it. Registering them needs
# pandera (~0.6 s to import), so ``import toolkit`` does not: a finder on sys.meta_path (it
# finds nothing) registers them when pandera's polars (de)serialiser is first imported, which
# DataFrameSchema.from_yaml, from_json and to_yaml do; at once if that happened before
# ``import toolkit``. The checker never imports the serialiser. See toolkit/pandera_yaml.py.
_SERIALISER = "pandera.io.polars_io"


class _PanderaHook:
    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == _SERIALISER:
            _register_pandera_checks()


def _register_pandera_checks() -> None:
    if _HOOK in sys.meta_path:
        sys.meta_path.remove(_HOOK)
    try:
        importlib.import_module("toolkit.pandera_yaml").register()
    except Exception as exc:  # never break the import of pandera itself
        import warnings

        warnings.warn(f"event-toolkit could not register its pandera checks: {exc!r}", stacklevel=2)


_HOOK = _PanderaHook()
if _SERIALISER in sys.modules:
    _register_pandera_checks()
else:
    sys.meta_path.insert(0, _HOOK)
