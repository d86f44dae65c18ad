"""python -m toolkit: the event-toolkit command."""

from __future__ import annotations

from toolkit.cli import event_toolkit_main

event_toolkit_main()
