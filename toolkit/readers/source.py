"""Where a table's bytes come from and how they become UTF-8 text: a file or stdin, gzip or
zstd, an encoding given with --encoding; and the errors that say what to try instead."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import InputError

STDIN = "-"
_GZIP, _ZSTD = b"\x1f\x8b", b"\x28\xb5\x2f\xfd"


@dataclass(frozen=True)
class ReadOptions:
    """How to read input files: their delimiter and text encoding (None: by the format:
    comma or tab, UTF-8) and, for a spreadsheet, the sheet (None: the first).

    *categories* names columns whose values recur from row to row: a delimited file's
    reader holds them as polars categories from the parse on (memory; the checker passes
    the contract's ``repeated`` columns). Other readers leave that to toolkit.prepare."""

    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    categories: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.delimiter is not None and len(self.delimiter) != 1:
            raise InputError(f"--delimiter must be one character, not {self.delimiter!r}")
        if self.delimiter in ('"', "\n", "\r"):
            raise InputError(f"--delimiter cannot be {self.delimiter!r}")
        if self.encoding is not None:
            import codecs

            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise InputError(f"--encoding {self.encoding!r}: unknown encoding") from None


def read_bytes(path: Path) -> bytes:
    """The bytes of *path*, or of stdin for ``-`` (never written)."""
    if str(path) == STDIN:
        return sys.stdin.buffer.read()
    try:  # is_dir() too can fail (a folder on the way that we may not enter)
        if path.is_dir():
            raise InputError(f"{path}: is a directory, not a file")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def compression(data: bytes) -> str | None:
    """ "gzip" or "zstd" when *data* starts with their magic number, else None."""
    if data.startswith(_GZIP):
        return "gzip"
    if data.startswith(_ZSTD):
        return "zstd"
    return None


def decompress(path: Path, data: bytes) -> bytes:
    """*data* decompressed when it is gzip or zstd (by its magic number), else as is."""
    kind = compression(data)
    try:
        if kind == "gzip":
            import gzip

            return gzip.decompress(data)
        if kind == "zstd":
            import zstandard

            return zstandard.ZstdDecompressor().stream_reader(data).read()
    except (OSError, EOFError, ValueError) as exc:
        raise InputError(f"{path}: cannot decompress ({kind}: {exc})") from None
    except Exception as exc:  # zstandard.ZstdError is not an OSError
        raise InputError(f"{path}: cannot decompress ({kind}: {exc})") from None
    return data


def is_utf8(encoding: str | None) -> bool:
    """Whether --encoding *encoding* (None: not given) says the bytes are UTF-8 already."""
    return encoding is None or encoding.replace("-", "").replace("_", "").lower() == "utf8"


def to_utf8(path: Path, data: bytes, encoding: str | None) -> bytes:
    """*data* as UTF-8 bytes: decoded from *encoding* when one is given (lines stay where
    they are); as is otherwise (the readers check UTF-8 where they need it)."""
    if encoding is None or is_utf8(encoding):  # (None spelt out for the type checker)
        return data
    try:
        return data.decode(encoding).encode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{path}: line {line}: bytes that are not {encoding} at byte {exc.start}"
        ) from None


def check_utf8(path: Path, data: bytes) -> None:
    """InputError naming the line of the first byte that is not UTF-8, and the encoding
    the bytes look like (charset-normalizer's guess) to try with --encoding."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        guess = likely_encoding(data)
        hint = f"; they look like {guess}: try --encoding {guess}" if guess else ""
        raise InputError(
            f"{path}: line {line}: bytes that are not UTF-8 at byte {exc.start}{hint}"
        ) from None


def likely_encoding(data: bytes) -> str | None:
    """The encoding *data* most likely is (charset-normalizer), among those that decode it
    whole; None when nothing fits. Windows-1252, the usual encoding of older Western
    exports, is named when it is among the equally good guesses."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[: 1 << 20]))
    if not matches:
        return None
    least = min(m.chaos for m in matches)  # the equally good guesses, best first
    candidates = [
        name for m in matches if m.chaos == least for name in (m.encoding, *m.could_be_from_charset)
    ]
    for name in ("cp1252", *candidates):
        if name in candidates:
            try:
                data.decode(name)
            except UnicodeDecodeError:
                continue
            return name
    return None
