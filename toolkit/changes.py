"""Diff-aware validation: which rows of a file are new or changed since a git revision.

A row is unchanged when the file at the revision has a row with the same cells (so records
are compared by record_id and content alike, and moving a row is no change). Findings are
then kept for changed rows, and for every row of an event with a changed row when the rule
judges whole events (a changed part can break its untouched total's sum).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from toolkit.errors import InputError, ToolkitError
from toolkit.readers import LINE, ReadOptions, Table, parse_table


@dataclass(frozen=True)
class Changes:
    """The rows of a file that are new or changed since *ref*."""

    ref: str
    lines: frozenset[int]  # physical lines where changed records start
    events: frozenset[str]  # event_ids of the changed rows


class GitError(ToolkitError):
    """git is missing, the file is outside a repository, or the revision is unknown."""


def changes_since(table: Table, ref: str, options: ReadOptions | None = None) -> Changes:
    """The rows of *table* new or changed since *ref*; the file then is read with the
    *options* it is read with now."""
    old = _old_table(table.path, ref, options)
    frame = table.frame
    columns = [c for c in table.header]
    if old is None:
        changed = frame
    else:
        then = [pl.col(c) if c in old.header else pl.lit(None, pl.String) for c in columns]
        before = old.frame.select(  # each column as the file now holds it (text or categories)
            cell.cast(frame.schema[c]).alias(c) for cell, c in zip(then, columns, strict=True)
        ).unique()
        changed = frame.join(before, on=columns, how="anti", nulls_equal=True)
    events = (
        changed["event_id"] if "event_id" in changed.columns else pl.Series([], dtype=pl.String)
    )
    return Changes(
        ref=ref,
        lines=frozenset(changed[LINE].to_list()),
        events=frozenset(e.strip() for e in events.drop_nulls().to_list()),
    )


def _old_table(path: Path, ref: str, options: ReadOptions | None) -> Table | None:
    """The file as it was at *ref*, or None when it did not exist there."""
    git = shutil.which("git")
    if git is None:
        raise GitError("--changed-since needs git, and git is not installed")
    folder = path.resolve().parent
    root = _git(git, folder, "rev-parse", "--show-toplevel")
    if root is None:
        raise GitError(f"{path}: --changed-since: not inside a git repository")
    if _git(git, folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is None:
        raise GitError(f"--changed-since {ref}: not a known git revision")
    relative = path.resolve().relative_to(Path(root.decode().strip()).resolve()).as_posix()
    data = _git(git, folder, "show", f"{ref}:{relative}")
    if data is None:
        return None
    try:
        return parse_table(Path(f"{path} at {ref}"), data, options, path)
    except InputError:
        return None  # unusable then: every row counts as changed


def _git(git: str, folder: Path, *args: str) -> bytes | None:
    done = subprocess.run(
        [git, "-C", str(folder), *args], capture_output=True, check=False, timeout=120
    )
    return done.stdout if done.returncode == 0 else None
