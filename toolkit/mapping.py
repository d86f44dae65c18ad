"""Column mapping: real datasets onto the record contract, without a mapping script.

For each contract column the file's column is, in order of precedence: the one named in
the config's ``[tool.event-toolkit.columns]``; the preset's (``--preset``, the ``preset`` key:
schemas/presets.toml); the column whose HXL hashtag means it, when the file has a hashtag
row under its header (HDX files; the row is skipped, its line kept); else the contract's own
name. A dataset's missing structure gets defaults: without event_id, each record is its own
event; without role, its own total; without record_id, it is named by its location
("line 12"). A preset also declares the columns its dataset does not record (ACLED has no
publication date), the date formats it writes (rewritten YYYY-MM-DD where one reads a cell
exactly) and its own event_type vocabulary.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

import polars as pl

from toolkit.contract import load_contract, schemas_dir
from toolkit.errors import ConfigError, ContractError
from toolkit.readers import LINE, Table

if TYPE_CHECKING:
    from toolkit.config import Settings

DEFAULTED = ("record_id", "event_id", "role")  # a mapped dataset may lack these
# ISO date-times at midnight (UCDP "1989-01-01 00:00:00.000", DTM "2017-03-30T00:00:00")
_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[T ]00:00(:00(\.0+)?)?(Z|[+-]00:?00)?$"


@dataclass(frozen=True)
class Preset:
    """A published dataset's layout (schemas/presets.toml)."""

    name: str
    description: str
    columns: dict[str, tuple[str, ...]]  # contract column -> the file's names, first wins
    absent: tuple[str, ...]
    date_formats: tuple[str, ...]
    event_types: tuple[str, ...]


@dataclass(frozen=True)
class Mapping:
    """How one file's columns became the contract's: the report names it (*said*)."""

    said: str
    columns: dict[str, str]  # contract column -> the file's column
    absent: tuple[str, ...]
    date_formats: tuple[str, ...]
    event_types: tuple[str, ...] | None


@cache
def presets() -> dict[str, Preset]:
    """The shipped presets, by name."""
    path = schemas_dir() / "presets.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        contract = load_contract().names
        out = {}
        for name, body in raw.items():
            columns = {
                str(c): tuple(str(n) for n in ([v] if isinstance(v, str) else v))
                for c, v in body.get("columns", {}).items()
            }
            unknown = [c for c in [*columns, *body.get("absent", [])] if c not in contract]
            if unknown:
                raise ValueError(f"preset {name}: not contract columns: {unknown}")
            vocabulary = body.get("vocabularies", {}).get("event_type", [])
            out[name] = Preset(
                name=name,
                description=str(body["description"]),
                columns=columns,
                absent=tuple(body.get("absent", [])),
                date_formats=tuple(body.get("date_formats", [])),
                event_types=tuple(dict.fromkeys(str(v) for v in vocabulary)),
            )
        return out
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ContractError(f"{path}: invalid presets ({exc})") from None


def preset(name: str) -> Preset:
    """The preset of that name; ConfigError naming the known ones."""
    known = presets()
    if name not in known:
        from toolkit.config import did_you_mean

        raise ConfigError(
            f"unknown preset {name!r}{did_you_mean(name, known)} (known: {', '.join(known)})"
        )
    return known[name]


# ---------------------------------------------------------------- HXL
# contract column -> hashtag patterns, best first: (tag, attributes it must have, attributes
# it must not have). From the HXL standard's core schema; HDX's conflict files use these.
_DATES_NOT = frozenset({"year", "month", "end", "reported"})
HXL_COLUMNS: dict[str, tuple[tuple[str, frozenset[str], frozenset[str]], ...]] = {
    "record_id": (
        ("#event", frozenset({"code"}), frozenset()),
        ("#event", frozenset({"id"}), frozenset()),
        ("#meta", frozenset({"id"}), frozenset()),
        ("#id", frozenset(), frozenset()),
    ),
    "event_type": (("#event", frozenset({"type"}), frozenset()),),
    "published_date": (("#date", frozenset({"reported"}), frozenset({"year", "month"})),),
    "event_date": (
        ("#date", frozenset({"occurred"}), frozenset()),
        ("#date", frozenset({"start"}), frozenset()),
        ("#date", frozenset(), _DATES_NOT | frozenset({"start", "occurred"})),
    ),
    "event_date_end": (("#date", frozenset({"end"}), frozenset()),),
    "actor": (
        ("#group", frozenset({"first"}), frozenset()),
        ("#group", frozenset(), frozenset({"second"})),
    ),
    "source": (("#meta", frozenset({"source"}), frozenset()),),
    "source_url": (("#meta", frozenset({"url"}), frozenset()),),
    "country": (
        ("#country", frozenset({"name"}), frozenset()),
        ("#country", frozenset({"code"}), frozenset()),
        ("#country", frozenset(), frozenset()),
    ),
    "admin1": (
        ("#adm1", frozenset({"name"}), frozenset({"origin"})),
        ("#adm1", frozenset(), frozenset({"origin", "code"})),
    ),
    "admin2": (
        ("#adm2", frozenset({"name"}), frozenset({"origin"})),
        ("#adm2", frozenset(), frozenset({"origin", "code"})),
    ),
    # a bare #loc may be a kind of place ("Health Building"): only a named one is taken
    "location": (("#loc", frozenset({"name"}), frozenset()),),
    "count": (
        ("#affected", frozenset({"killed"}), frozenset()),
        ("#affected", frozenset({"idps"}), frozenset({"m", "f", "hh"})),
        ("#affected", frozenset(), frozenset({"m", "f", "hh", "injured"})),
    ),
    "quote": (("#description", frozenset(), frozenset()),),
}


# hashtags some publishers write for the standard ones (Insecurity Insight: #admin1)
_TAG_ALIASES = {"#admin1": "#adm1", "#admin2": "#adm2", "#admin3": "#adm3"}


def _hashtag(cell: str) -> tuple[str, frozenset[str]] | None:
    """ "#adm1 +name" -> ("#adm1", {"name"}); None when the cell is no hashtag."""
    text = cell.strip().lower().replace(" ", "")
    if not text.startswith("#") or len(text) < 2:
        return None
    tag, *attributes = text.split("+")
    return _TAG_ALIASES.get(tag, tag), frozenset(a for a in attributes if a)


def hxl_row(table: Table) -> dict[str, tuple[str, frozenset[str]]] | None:
    """The hashtags of a HXL row (the first record: every filled cell a hashtag, at least
    two of them), by the file's column; None when the file has none."""
    if table.rows == 0:
        return None
    first = table.frame.head(1).select(table.header).row(0)
    filled = [(name, cell) for name, cell in zip(table.header, first, strict=True) if cell]
    tags = {name: _hashtag(cell) for name, cell in filled}
    if len(tags) < 2 or any(tag is None for tag in tags.values()):
        return None
    return {name: tag for name, tag in tags.items() if tag is not None}


def _by_hashtag(tags: dict[str, tuple[str, frozenset[str]]], column: str) -> str | None:
    for tag, must, must_not in HXL_COLUMNS.get(column, ()):
        for name, (found, attributes) in tags.items():
            if found == tag and must <= attributes and not (must_not & attributes):
                return name
    return None


# ---------------------------------------------------------------- resolving and applying
def resolve(table: Table, settings: Settings) -> tuple[Table, Mapping | None]:
    """The table as the contract's columns (its HXL row dropped) and the mapping that made
    them; None for a file already in the contract's names and without a hashtag row."""
    tags = hxl_row(table)
    if tags is not None:
        table = replace(table, frame=table.frame.slice(1))
    chosen = settings.preset or ("hxl" if tags is not None else None)
    layout = preset(chosen) if chosen else None
    if not settings.columns and layout is None:
        return table, None
    by_name = {name.lower(): name for name in table.header}
    columns: dict[str, str] = {}
    for column in load_contract().names:
        found = settings.columns.get(column)
        if found is not None and found not in table.header:
            raise ConfigError(
                f"{table.path}: columns: {column} = {found!r}, but the file has no column {found!r}"
            )
        if found is None and layout is not None:
            names = layout.columns.get(column, ())
            found = next((by_name[n.lower()] for n in names if n.lower() in by_name), None)
        if found is None and tags is not None:
            found = _by_hashtag(tags, column)
        if found is None and column in table.header:
            found = column
        if found is not None:
            columns[column] = found
    absent = tuple(layout.absent) if layout is not None else ()
    if layout is not None and layout.name == "hxl":  # what no hashtag names is not there
        absent = tuple(c for c in load_contract().names if c not in columns)
    said = ", ".join(
        part
        for part in (
            f"columns from {settings.source}" if settings.columns else "",
            f"preset {layout.name}"
            if layout is not None and (layout.name != "hxl" or tags is None)
            else "",
            "HXL hashtags" if tags is not None and (layout is None or layout.name == "hxl") else "",
        )
        if part
    )
    mapping = Mapping(
        said=said,
        columns=columns,
        absent=absent,
        date_formats=layout.date_formats if layout is not None else (),
        event_types=_event_types(layout) if layout is not None else None,
    )
    return apply(table, mapping), mapping


def _event_types(layout: Preset) -> tuple[str, ...]:
    own = load_contract().vocabularies["event_type"] if layout.name == "hxl" else ()
    return tuple(dict.fromkeys([*layout.event_types, *own]))


def apply(table: Table, mapping: Mapping) -> Table:
    """*table* with the contract's columns, made by *mapping*: the mapped columns renamed
    (their dates rewritten YYYY-MM-DD where a format of the mapping reads them), the
    defaults of DEFAULTED, the file's other columns kept as they are."""
    contract = load_contract()
    dates = set(contract.of_type("date"))
    made: list[pl.Expr] = []
    for column, source in mapping.columns.items():
        cell = pl.col(source)
        made.append(
            (_iso_date(cell, mapping.date_formats) if column in dates else cell).alias(column)
        )
    mapped = set(mapping.columns)
    located = pl.format(f"{table.located_by} {{}}", pl.col(LINE))
    record = pl.col(mapping.columns["record_id"]) if "record_id" in mapped else located
    if "record_id" not in mapped:
        made.append(record.alias("record_id"))
    if "event_id" not in mapped:  # each record its own event
        made.append(record.alias("event_id"))
    if "role" not in mapped:  # and its own total
        made.append(pl.lit("total", dtype=pl.String).alias("role"))
    used = set(mapping.columns.values())
    kept = [c for c in table.header if c not in used and c not in contract.names]
    own = [c for c in table.frame.columns if c.startswith("__")]  # LINE, CELLS
    frame = table.frame.select(*made, *kept, *own)
    header = tuple(c for c in frame.columns if c not in own)
    return replace(table, header=header, frame=frame, mapping=mapping.said)


def _iso_date(cell: pl.Expr, formats: tuple[str, ...]) -> pl.Expr:
    """A date cell as YYYY-MM-DD where it is an ISO date-time at midnight or a date in one
    of *formats* (read exactly); any other cell as it is (value.type judges it)."""
    cell = cell.cast(pl.String)  # a column the reader held as categories
    text = cell.str.strip_chars()
    readings = [text.str.extract(_MIDNIGHT, 1)]
    for fmt in formats:
        readings.append(text.str.to_date(fmt, strict=False, exact=True).dt.strftime("%Y-%m-%d"))
    return pl.coalesce(*readings, cell)


def with_mapping(settings: Settings, mapping: Mapping | None) -> Settings:
    """*settings* with a mapping's event_type vocabulary (the preset's, when it has one)."""
    if mapping is None or not mapping.event_types:
        return settings
    vocabularies = {**settings.vocabularies, "event_type": mapping.event_types}
    return replace(settings, vocabularies=vocabularies)
