"""JSON Lines: one JSON object per line. Its keys are the columns (the first record's, in
its order, then keys first seen later); a key missing from a record is an empty cell; typed
values become text (toolkit.readers.typed); a record is located by its physical line
(blank lines count)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl

from toolkit.errors import InputError
from toolkit.readers.source import ReadOptions, check_utf8
from toolkit.readers.table import Table, check_header, table_of
from toolkit.readers.typed import text_columns

_BOM = b"\xef\xbb\xbf"


def read_jsonlines(path: Path, data: bytes, options: ReadOptions) -> Table:
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    check_utf8(path, data)
    physical = data.split(b"\n")
    lines = [n for n, text in enumerate(physical, start=1) if text.strip()]
    if not lines:
        raise InputError(f"{path}: file is empty (expected one JSON object per line)")
    try:
        frame = pl.read_ndjson(io.BytesIO(data), infer_schema_length=None)
    except (pl.exceptions.PolarsError, ValueError) as exc:
        _refuse_bad_line(path, physical)
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path}: cannot parse as JSON Lines ({detail})") from None
    if frame.height != len(lines):
        _refuse_bad_line(path, physical)
        raise InputError(f"{path}: could not parse the file consistently")
    first = json.loads(physical[lines[0] - 1])  # its keys, in its order, first
    names = [
        *(k for k in first if k in frame.columns),
        *(c for c in frame.columns if c not in first),
    ]
    header = check_header(f"{path}: line {lines[0]}", names)
    return table_of(path, header, text_columns(frame.select(names)), lines)


def _refuse_bad_line(path: Path, physical: list[bytes]) -> None:
    """InputError naming the first of the *physical* lines that is not one JSON object."""
    for number, text in enumerate(physical, start=1):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except ValueError as exc:
            detail = str(exc).split(": line")[0]
            raise InputError(f"{path}: line {number}: not valid JSON ({detail})") from None
        if not isinstance(value, dict):
            kind = type(value).__name__.replace("dict", "object").replace("list", "array")
            raise InputError(f"{path}: line {number}: a JSON {kind}, not an object") from None
