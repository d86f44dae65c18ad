"""Questions about paths that never raise: a folder on the way that we may not enter makes
pathlib's is_dir()/is_file() raise PermissionError; here it answers False, and the reader
that opens the path later says what is wrong with it, on one line."""

from __future__ import annotations

from pathlib import Path


def is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False
