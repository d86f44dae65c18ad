"""Readers of gazetteer files: the shipped table, user CSVs and GeoNames dumps.

Each reader returns raw rows ``(name, level, country, admin1, admin2, aliases, keys)``; the
``keys`` field holds the '|'-joined normalised keys when the file has them precomputed, else "".
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from toolkit.errors import GazetteerError
from toolkit.gazetteer.normalise import normalise

if TYPE_CHECKING:
    from pathlib import Path

LEVELS = ("country", "admin1", "admin2", "location")
REQUIRED = ("name", "level", "country")
OPTIONAL = ("admin1", "admin2", "aliases", "keys")
GEONAMES_COLUMNS = 19
RawRow = tuple[str, str, str, str, str, str, str]
# Marks a former name among a shipped row's aliases; "former:admin2" is its key section.
FORMER = "former:"


class Lines:
    """Lines of UTF-8 text kept as one bytes object and where each line starts: the shipped
    gazetteer's 800,000 keys and rows as Python strings took 80 MiB and 0.07 s to split;
    a line becomes a string only when asked for."""

    __slots__ = ("_starts", "_text")

    def __init__(self, text: bytes) -> None:
        ends = np.flatnonzero(np.frombuffer(text, dtype=np.uint8) == ord("\n"))
        if not text.endswith(b"\n"):
            ends = np.append(ends, len(text))
        self._text = text
        self._starts = np.concatenate(([0], ends + 1)) if text else np.zeros(1, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, number: int) -> str:
        return self._bytes(number).decode("utf-8")

    def _bytes(self, number: int) -> bytes:
        return self._text[int(self._starts[number]) : int(self._starts[number + 1]) - 1]

    def find(self, line: str) -> int | None:
        """The number of *line* among lines sorted by code point (UTF-8 bytes sort alike)."""
        wanted = line.encode("utf-8")
        lo, hi = 0, len(self)
        while lo < hi:  # bisect_left
            mid = (lo + hi) // 2
            if self._bytes(mid) < wanted:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(self) and self._bytes(lo) == wanted else None

    def all(self) -> list[str]:
        return self._text.decode("utf-8").split("\n")[: len(self)]


@dataclass(frozen=True, slots=True)
class Table:
    """The shipped table, kept as text until asked: CSV lines, per-level sorted keys with
    their row numbers, and each country's row range."""

    lines: Lines
    keys: dict[str, tuple[Lines, Lines]]  # level: (sorted keys, row numbers of each key)
    ranges: dict[str, tuple[int, int]]

    def row(self, number: int) -> RawRow:
        r = next(csv.reader([self.lines[number]]))
        return (r[0], r[1], r[2], r[3], r[4], r[5], "")

    def ids(self, level: str, key: str) -> list[int]:
        """The row numbers of the places at *level* that *key* names."""
        if level not in self.keys:
            return []
        keys, ids = self.keys[level]
        found = keys.find(key)
        return [] if found is None else [int(n) for n in ids[found].split()]


EMPTY = Table(Lines(b""), {}, {})


def read_table(path: Path) -> Table:
    """The shipped table and its key index (``places.keys.gz`` beside it); trusted."""
    keys_path = path.with_name(path.name.replace(".csv.gz", ".keys.gz"))
    try:
        text = gzip.decompress(path.read_bytes())
        blob = gzip.decompress(keys_path.read_bytes())
    except (OSError, EOFError) as exc:
        raise GazetteerError(f"{path}: cannot read the shipped gazetteer: {exc}") from exc
    header, _, rows = text.partition(b"\n")
    if header != b"name,level,country,admin1,admin2,aliases":
        shown = header.decode(errors="replace")
        raise GazetteerError(f"{path}: line 1: unexpected header {shown!r}")
    *sections, range_text = blob.split(b"\x1e")
    keys: dict[str, tuple[Lines, Lines]] = {}
    for section in sections:
        level, key_block, id_block = section.split(b"\x00")
        keys[level.decode()] = (Lines(key_block), Lines(id_block))
    ranges: dict[str, tuple[int, int]] = {}
    for line in range_text.decode().split("\n"):
        cc, start, end = line.split()
        ranges[cc] = (int(start), int(end))
    return Table(Lines(rows), keys, ranges)


def read_user_file(path: Path) -> list[RawRow]:
    """A user gazetteer: GeoNames dump (.txt/.tsv or tab-separated content) or our CSV shape."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GazetteerError(f"{path}: cannot read gazetteer file: {exc.strerror}") from exc
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise GazetteerError(f"{path}: not a valid gzip file: {exc}") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GazetteerError(f"{path}: byte {exc.start}: not UTF-8") from exc
    suffixes = [s.lower() for s in path.suffixes]
    first = text.split("\n", 1)[0]
    if ".txt" in suffixes or ".tsv" in suffixes or (".csv" not in suffixes and "\t" in first):
        return _read_geonames(path, text)
    return _read_csv(path, text)


def _read_csv(path: Path, text: str) -> list[RawRow]:
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise GazetteerError(
            f"{path}: line 1: header lacks column(s) {', '.join(missing)}"
            f" (expected name,level,country,admin1,admin2,aliases)"
        )
    col = {c: header.index(c) for c in (*REQUIRED, *OPTIONAL) if c in header}
    rows: list[RawRow] = []
    for record in reader:
        line = reader.line_num
        if not any(field.strip() for field in record):
            continue
        if len(record) != len(header):
            raise GazetteerError(
                f"{path}: line {line}: {len(record)} fields, header has {len(header)}"
            )

        def get(column: str, record: list[str] = record) -> str:
            return record[col[column]].strip() if column in col else ""

        name, level, country = get("name"), get("level").lower(), get("country").upper()
        if not name or not normalise(name):
            raise GazetteerError(f"{path}: line {line}, column name: empty name")
        if level not in LEVELS:
            raise GazetteerError(
                f"{path}: line {line}, column level: {level!r} is not one of {'|'.join(LEVELS)}"
            )
        if len(country) != 2 or not country.isalpha():
            raise GazetteerError(
                f"{path}: line {line}, column country: {country!r} is not an ISO alpha-2 code"
            )
        admin1, admin2 = get("admin1"), get("admin2")
        if level in ("country", "admin1") and (admin1 or admin2):
            raise GazetteerError(f"{path}: line {line}: a {level} row cannot have admin1/admin2")
        if level == "admin2" and admin2:
            raise GazetteerError(f"{path}: line {line}: an admin2 row cannot have admin2")
        rows.append((name, level, country, admin1, admin2, get("aliases"), ""))
    return rows


def _read_geonames(path: Path, text: str) -> list[RawRow]:
    """GeoNames dump rows: P -> location, A/ADM1 -> admin1, A/ADM2 -> admin2; others skipped.

    The admin1/admin2 columns hold codes; they are mapped to names by the dump's own ADM rows.
    """
    records: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != GEONAMES_COLUMNS:
            raise GazetteerError(
                f"{path}: line {number}: {len(fields)} tab-separated fields,"
                f" a GeoNames dump has {GEONAMES_COLUMNS}"
            )
        if not fields[1].strip() or len(fields[8]) != 2:
            raise GazetteerError(f"{path}: line {number}: no name or no 2-letter country code")
        records.append((number, fields))
    admin1: dict[tuple[str, str], str] = {}
    admin2: dict[tuple[str, str, str], str] = {}
    for _, f in records:
        if f[6] == "A" and f[7] == "ADM1":
            admin1[(f[8], f[10])] = f[1]
        elif f[6] == "A" and f[7] == "ADM2":
            admin2[(f[8], f[10], f[11])] = f[1]
    rows: list[RawRow] = []
    for _, f in records:
        name, cc = f[1].strip(), f[8].upper()
        aliases = "|".join(a for a in [f[2], *f[3].split(",")] if a and a != name)
        a1 = admin1.get((f[8], f[10]), "")
        if f[6] == "A" and f[7] == "ADM1":
            rows.append((name, "admin1", cc, "", "", aliases, ""))
        elif f[6] == "A" and f[7] == "ADM2":
            rows.append((name, "admin2", cc, a1, "", aliases, ""))
        elif f[6] == "P":
            a2 = admin2.get((f[8], f[10], f[11]), "")
            rows.append((name, "location", cc, a1, a2, aliases, ""))
    return rows
