"""The progress display of long runs: on stderr, only when stderr is a terminal.

The checker reports phases through a plain callback (``validate(..., progress=say)``:
"reading", "checking rules", "explaining findings"); the CLI adds "writing the report".
On a terminal, ``Display`` shows them with the file, how many files are done, a spinner
and the time taken (rich, imported only then); elsewhere, and with ``--quiet``, nothing is
shown, so logs and pipes stay clean.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.progress import Progress

Say = Callable[[str], None]  # the checker's callback: the phase now under way


class Display:
    """One line on stderr: "[2/5] events.csv: checking rules  0:00:03", redrawn in place and
    cleared at the end (rich's transient progress). A context manager."""

    def __init__(self, files: int, stream: IO[str] | None = None) -> None:
        self.files = files
        self.stream = stream
        self._progress: Progress | None = None
        self._task: Any = None
        self._file = ""
        self._done = 0

    def __enter__(self) -> Display:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(file=self.stream, stderr=self.stream is None, force_terminal=True)
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._progress.__enter__()
        self._task = self._progress.add_task("", total=self.files)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._progress is not None
        self._progress.__exit__(None, None, None)

    def file(self, name: str) -> None:
        """A new file is under way."""
        if self._file:
            self._done += 1
        self._file = name
        self.say("starting")

    def say(self, phase: str) -> None:
        """The phase of the current file now under way."""
        assert self._progress is not None
        where = f"[{self._done + 1}/{self.files}] " if self.files > 1 else ""
        self._progress.update(
            self._task, description=f"{where}{self._file}: {phase}", completed=self._done
        )
        self._progress.refresh()


def wanted(stream: IO[str], quiet: bool) -> bool:
    """Whether to show progress on *stream*: a terminal, and not --quiet."""
    if quiet:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
