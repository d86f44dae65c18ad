"""Writing outputs atomically: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

from toolkit.errors import ToolkitError

_ATTEMPTS = 100


def write_atomic(path: Path, text: str) -> None:
    """Write *text* (UTF-8) to *path* so readers never see a half-written file.

    The file gets the permissions a plainly created file would: those of the file it
    replaces, or 0o666 less the umask for a new one (not mkstemp's private 0o600).
    Raises ToolkitError when *path* cannot be written.
    """
    write_atomic_with(path, lambda tmp: tmp.write_bytes(text.encode("utf-8")))


def write_atomic_with(path: Path, write: Callable[[Path], object]) -> None:
    """Like write_atomic, but *write* fills the temporary file (given by its path) itself,
    e.g. a data-frame library writing at full speed."""
    folder = path.parent if str(path.parent) else Path()
    try:  # is_dir() and stat() raise too, in a folder we may not enter
        if not folder.is_dir():
            raise ToolkitError(f"{path}: folder {folder} does not exist")
        if path.is_dir():
            raise ToolkitError(f"{path}: is a directory, not a file")
        mode = stat.S_IMODE(path.stat().st_mode) if path.is_file() else None
        fd, tmp = _create_temporary(folder, path.name)
    except OSError as exc:
        raise ToolkitError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
        write(tmp)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ToolkitError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def append_text(path: Path, text: str) -> None:
    """Append *text* (UTF-8) to *path* (e.g. GitHub's step summary file, which others share)."""
    try:
        with path.open("a", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        raise ToolkitError(f"{path}: cannot append ({exc.strerror or exc})") from None


def _create_temporary(folder: Path, name: str) -> tuple[int, Path]:
    """A new, empty hidden file in *folder*; O_CREAT with 0o666 lets the umask apply."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_ATTEMPTS):
        tmp = folder / f".{name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {name}")
