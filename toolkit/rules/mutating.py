"""Small helpers the rules' fixture mutators share (see Rule.mutate)."""

from __future__ import annotations

import datetime as dt
from random import Random

SEED_COUNTRIES = ("AF", "TJ", "UZ")  # the seed articles' countries, the generator's default


def part_rows(event: list[dict[str, str]]) -> list[int]:
    """Indexes of the event's part rows."""
    return [i for i, row in enumerate(event) if row["role"] == "part"]


def day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def shifted(value: str, days: int) -> str:
    return (day(value) + dt.timedelta(days=days)).isoformat()


def typo(name: str, rng: Random) -> str:
    """A plausible misspelling: a letter dropped, doubled or swapped with its neighbour."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 3:
        return name + name[-1:]
    i = rng.choice(letters[1:])
    kind = rng.randrange(3)
    if kind == 0:
        return name[:i] + name[i + 1 :]
    if kind == 1:
        return name[:i] + name[i] + name[i:]
    j = i - 1
    return name[:j] + name[i] + name[j] + name[i + 1 :]
