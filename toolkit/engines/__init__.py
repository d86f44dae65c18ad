"""How rules run. Each engine takes the prepared frame and returns the failing rows per
(rule, column); the checker turns those into findings. Engines are imported lazily:

- ``pandera`` (default): the rule catalogue as a Pandera schema (polars backend);
- ``gx``: the same rules as a Great Expectations suite (the ``gx`` extra);
- ``both``: both, and an EngineDisagreement unless they fail the very same rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl


@dataclass(frozen=True, slots=True)
class Failures:
    """The rows (positions in the prepared frame) where *rule* failed on *column*."""

    rule: str
    column: str | None
    rows: pl.Series


@dataclass
class DataDocs:
    """A request for Great Expectations Data Docs of every run given it, written to
    *directory* (replacing it) by publish(). Only the GX engine fills it."""

    directory: Path
    site: Any = field(default=None, repr=False)  # toolkit.gx.docs.Site, made by the first run

    def publish(self) -> None:
        if self.site is not None:
            self.site.publish()

    def discard(self) -> None:
        if self.site is not None:
            self.site.discard()

    @contextmanager
    def publishing(self) -> Iterator[DataDocs]:
        """Publish when the block succeeds; discard what was staged when it fails."""
        try:
            yield self
        except BaseException:
            self.discard()
            raise
        self.publish()


@dataclass(frozen=True)
class RunOptions:
    """What an engine may use besides the rules and the frame."""

    name: str = "<frame>"  # the file checked, for the engine's own reports
    data_docs: DataDocs | None = None


ENGINES = ("pandera", "gx", "both")
