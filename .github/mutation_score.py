"""Mutation score per module group from `mutmut results --all true` (used by mutation.yml).

    mutmut results --all true > mutmut-results.txt
    python .github/mutation_score.py mutmut-results.txt --min 90

Each result line is ``    <module>.<mangled function>__mutmut_<n>: <status>``. The score of a
group is killed / tested, where killed counts "killed" and "timeout" (the tests did not pass)
and tested leaves out what mutmut could not test: "no tests" (no selected test reaches the
code) and "skipped". Those are printed beside the score, never hidden. Exit 1 when a group
or the whole scores under --min; exit 2 when the results are unusable (none, or mutants still
"not checked": an interrupted run).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

GROUPS = (
    ("rules", "toolkit.rules."),
    ("readers", "toolkit.readers."),
    ("mapping.py", "toolkit.mapping."),
    ("formats", "toolkit.formats."),
)
KILLED = frozenset({"killed", "timeout"})
UNTESTED = frozenset({"no tests", "skipped"})
_LINE = re.compile(r"^\s+(?P<name>\S+__mutmut_\d+): (?P<status>.+?)\s*$")


def parse(text: str) -> dict[str, str]:
    """Mutant name -> status, for every result line of *text*."""
    return {m["name"]: m["status"] for line in text.splitlines() if (m := _LINE.match(line))}


def group_of(name: str) -> str:
    for group, prefix in GROUPS:
        if name.startswith(prefix):
            return group
    return "other"


def score(statuses: Counter[str]) -> float | None:
    """Percentage of the tested mutants that were killed; None when none were tested."""
    tested = sum(n for status, n in statuses.items() if status not in UNTESTED)
    killed = sum(statuses[status] for status in KILLED)
    return 100.0 * killed / tested if tested else None


def table(results: dict[str, str]) -> list[tuple[str, Counter[str]]]:
    """(group, status counts) per group in GROUPS order, then "overall"."""
    by_group: dict[str, Counter[str]] = {}
    for name, status in results.items():
        by_group.setdefault(group_of(name), Counter())[status] += 1
    order = [group for group, _ in GROUPS] + sorted(set(by_group) - {g for g, _ in GROUPS})
    rows = [(group, by_group[group]) for group in order if group in by_group]
    return [*rows, ("overall", Counter(results.values()))]


def describe(group: str, statuses: Counter[str]) -> str:
    value = score(statuses)
    shown = "n/a" if value is None else f"{value:.1f}%"
    tested = sum(n for status, n in statuses.items() if status not in UNTESTED)
    killed = sum(statuses[status] for status in KILLED)
    others = ", ".join(f"{status} {n}" for status, n in sorted(statuses.items()))
    return f"{group:<8} {shown:>6}  killed {killed}/{tested} tested  ({others})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mutation score per module group.")
    parser.add_argument("results", type=Path, help="output of `mutmut results --all true`")
    parser.add_argument("--min", type=float, default=90.0, help="lowest passing score, percent")
    args = parser.parse_args(argv)
    results = parse(args.results.read_text(encoding="utf-8"))
    if not results:
        print(f"{args.results}: no mutmut results in it", file=sys.stderr)
        return 2
    pending = sorted(name for name, status in results.items() if status == "not checked")
    if pending:
        print(f"{len(pending)} mutants not checked (interrupted run?), e.g. {pending[0]}")
        return 2
    failed = []
    for group, statuses in table(results):
        print(describe(group, statuses))
        value = score(statuses)
        if value is not None and value < args.min:
            failed.append(group)
    if failed:
        print(f"under {args.min:g}%: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
