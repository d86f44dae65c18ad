"""python -m toolkit: the event-toolkit command."""

from __future__ import annotations

from toolkit.cli import main

main(prog_name="event-toolkit")
