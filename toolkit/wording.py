"""Words in messages and reports, shared by the readers, the rules, the formats and the CLI."""

from __future__ import annotations


def plural(count: int, noun: str, *, grouped: bool = False) -> str:
    """*count* and *noun* in agreement: 1 row, 0 rows, 2 errors (1,234 rows when *grouped*).
    Every count in words in a report or a CLI message goes through here."""
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {noun}" if count == 1 else f"{number} {noun}s"
