"""Spreadsheets (.xlsx): the first sheet, or the one named with --sheet. Its first non-empty
row is the header; typed cells become text (dates as YYYY-MM-DD, whole numbers without
".0"); a record is located by its sheet row, as the spreadsheet shows it. Empty rows are
skipped; cells filled past the header's last column make the row ragged (row.shape)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import polars as pl

from toolkit.errors import InputError
from toolkit.readers.source import ReadOptions
from toolkit.readers.table import Table, check_header, table_of
from toolkit.readers.typed import cell_text


def read_spreadsheet(path: Path, data: bytes, options: ReadOptions) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise InputError(f"{path}: cannot read as an xlsx workbook ({exc})") from None
    try:
        if options.sheet is not None and options.sheet not in book.sheetnames:
            known = ", ".join(repr(n) for n in book.sheetnames)
            raise InputError(f"{path}: no sheet named {options.sheet!r} (sheets: {known})")
        sheet = book[options.sheet] if options.sheet is not None else book.worksheets[0]
        header: tuple[str, ...] | None = None
        records: list[list[str | None]] = []
        where: list[int] = []
        counts: list[int] = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(value) for value in row]
            filled = [i for i, cell in enumerate(cells) if cell is not None and cell.strip()]
            if not filled:
                continue  # an empty row (as a blank line in a text file)
            if header is None:
                names = [cell or "" for cell in cells[: filled[-1] + 1]]
                header = check_header(f"{path}: row {number}", names)
                continue
            width = len(header)
            records.append((cells + [None] * width)[:width])
            where.append(number)
            counts.append(max(width, filled[-1] + 1))
    finally:
        book.close()
    if header is None:
        raise InputError(f"{path}: the sheet is empty (expected a header row)")
    frame = pl.DataFrame(records, schema=dict.fromkeys(header, pl.String), orient="row")
    return table_of(path, header, frame, where, counts, located_by="row")
