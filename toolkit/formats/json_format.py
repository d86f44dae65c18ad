"""JSON: the documented shape; one object per file, a list for several files.

Laid out for people and diffs: one key per line, one failure per line. (Each piece goes
through json's C encoder; ``indent=`` would switch to its far slower pure-Python one.)
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import polars as pl

    from toolkit.report import Finding, Report


def render(reports: list[Report], *, color: bool = False) -> str:
    if len(reports) == 1:
        return layout(_payload(reports[0]))
    items = ",\n".join("  " + "".join(_object(_payload(r), "  ")) for r in reports)
    return f"[\n{items}\n]\n"


class _Encoded:
    """Items of a list value already written as JSON, one per line: a list of them, or a
    polars Series (the checker's, joined by polars: no Python string per item)."""

    def __init__(self, items: Iterable[str] | pl.Series) -> None:
        import polars as pl

        self.series = items if isinstance(items, pl.Series) else None
        self.items = [] if isinstance(items, pl.Series) else list(items)

    def __len__(self) -> int:
        return len(self.items) if self.series is None else len(self.series)

    def joined(self, separator: str) -> str:
        if self.series is None:
            return separator.join(self.items)
        return str(self.series.str.join(separator).item())


def _payload(report: Report) -> dict[str, Any]:
    payload = report.to_dict(failures=False)
    tally = report.tally
    if tally.group_frame is not None:  # the checker's: written from its frame
        payload["summary"]["groups"] = _Encoded(_lines(tally.group_frame))
    else:
        payload["summary"]["groups"] = _Encoded(_dumps(g.to_dict()) for g in tally.groups)
    payload["failures"] = _encoded(report.findings)
    if report.baseline is not None:
        payload["accepted"] = _encoded(report.accepted)
    return payload


def _encoded(findings: Sequence[Finding]) -> _Encoded:
    from toolkit.report import FINDING_FIELDS, Findings

    if isinstance(findings, Findings):  # the checker's: written from its frame
        return _Encoded(_lines(findings.frame.select(FINDING_FIELDS)))
    return _Encoded(_dumps(f.to_dict()) for f in findings)


def _lines(frame: pl.DataFrame) -> pl.Series:
    """Each row as the JSON object _dumps writes for its dict (same keys, order, spacing
    and escapes), built column-wise by polars: string, whole-number and lists-of-whole-
    number columns."""
    import polars as pl

    parts: list[pl.Expr] = []
    for i, name in enumerate(frame.columns):
        parts.append(pl.lit(("{" if i == 0 else ", ") + _dumps(name) + ": "))
        column = frame.get_column(name)
        if column.dtype == pl.String:
            parts.append(_strings(column))
        elif isinstance(column.dtype, pl.List):  # whole numbers (a group's lines)
            items = pl.col(name).cast(pl.List(pl.String)).list.join(", ")
            parts.append(pl.concat_str(pl.lit("["), items, pl.lit("]")))
        else:  # whole numbers (line, count)
            parts.append(pl.col(name).cast(pl.String).fill_null("null"))
    parts.append(pl.lit("}"))
    return frame.select(pl.concat_str(parts).alias("json")).get_column("json")


def _strings(column: pl.Series) -> pl.Expr:
    """A string column as JSON string literals (null as null), escaped as json.dumps(...,
    ensure_ascii=False) and _dumps escape them: backslash, quote, control characters, and
    the line and paragraph separators."""
    import polars as pl

    text = pl.col(column.name)
    text = text.str.replace_all("\\", "\\\\", literal=True).str.replace_all(
        '"', '\\"', literal=True
    )
    present = column.str.extract_all(_ESCAPED_CHARS).explode().drop_nulls().unique().to_list()
    for char in sorted(present):
        text = text.str.replace_all(char, _dumps(char)[1:-1], literal=True)
    return pl.concat_str([pl.lit('"'), text, pl.lit('"')]).fill_null("null")


# what json.dumps escapes besides quote and backslash, and what _dumps adds (Rust syntax)
_ESCAPED_CHARS = "[\\x00-\\x1f\\x{2028}\\x{2029}]"


def layout(payload: dict[str, Any]) -> str:
    """A JSON object with one key per line, each item of a list value on its own line, and
    a report's summary laid out the same way, one level in."""
    return "".join([*_object(payload, ""), "\n"])


EXPANDED = ("summary",)  # object values laid out key by key (the others take one line)


def _object(payload: dict[str, Any], indent: str, expand: tuple[str, ...] = EXPANDED) -> list[str]:
    """The pieces of the JSON object, to be joined once: a report of 200,000 findings is a
    string of 70 MB, which each concatenation would copy."""
    inner = indent + "  "
    out = ["{\n"]
    for i, (key, value) in enumerate(payload.items()):
        out += [",\n" if i else "", inner, _dumps(key), ": "]
        if isinstance(value, _Encoded | list):
            items = value if isinstance(value, _Encoded) else _Encoded(map(_dumps, value))
            pad = inner + "  "
            if len(items):  # one join: no string per item
                out += ["[\n", pad, items.joined(",\n" + pad), "\n", inner, "]"]
            else:
                out.append("[]")
        elif isinstance(value, dict) and key in expand:
            out += _object(value, inner, ())
        else:
            out.append(_dumps(value))
    out += ["\n", indent, "}"]
    return out


# one encoder for every piece: json.dumps with options builds a new one per call
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _dumps(value: Any) -> str:
    text = _ENCODER.encode(value)
    if "\u2028" in text or "\u2029" in text:
        # valid in JSON, but they end lines in JavaScript and some viewers
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text
