"""Report formats: a list of Reports in, text out. One module per format."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.report import Report

FORMATS = ("text", "json", "github", "junit", "markdown", "html")


def render(reports: list[Report], name: str, *, color: bool = False) -> str:
    if name not in FORMATS:
        raise ToolkitError(f"unknown format {name!r} (known: {', '.join(FORMATS)})")
    module = importlib.import_module(f"toolkit.formats.{name}_format")
    text: str = module.render(reports, color=color)
    return text
