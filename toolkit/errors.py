"""Library errors. Data findings are never exceptions; these are for unusable input."""

from __future__ import annotations


class ToolkitError(Exception):
    """Base of every error the toolkit raises on purpose. The CLI prints it on one line."""


class InputError(ToolkitError):
    """The input file cannot be read as an event-record CSV."""


class ConfigError(ToolkitError):
    """A configuration file, key or flag value is invalid."""


class GazetteerError(ToolkitError):
    """A gazetteer file is missing or malformed."""


class ContractError(ToolkitError):
    """The shipped contract in schemas/ is inconsistent (a bug in the package)."""


class MissingExtraError(ToolkitError):
    """An optional dependency (an extra such as ``gx``) is not installed."""


class EngineDisagreement(ToolkitError):
    """``--engine both``: the engines failed different rows (a bug in the toolkit)."""
