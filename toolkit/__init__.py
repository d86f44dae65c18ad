"""event-toolkit: keep datasets of event records extracted from news honest."""

from __future__ import annotations

__version__ = "0.1.0"
