"""Typed views of the text cells, shared by every rule: dates, counts, count intervals.

A cell that does not parse becomes null here, so only value.type judges it and every
other rule skips it. Suggestions for unparseable cells are made only where certain.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection

import polars as pl

from toolkit.categories import text

DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
COUNT_RE = r"^\d+$"
COUNT_MAX = 2**63 - 1  # counts are 64-bit integers; a longer digit string is no count
INF = float("inf")


def typed(column: str) -> str:
    """Name of the parsed companion of a date or count column."""
    return f"__{column}"


def yyyymmdd(day: dt.date) -> int:
    """A date as the integer GX compares it as (2021-07-05 -> 20210705)."""
    return day.year * 10_000 + day.month * 100 + day.day


def lo(column: str = "count") -> str:
    return f"__{column}_lo"


def hi(column: str = "count") -> str:
    return f"__{column}_hi"


def parse_date(column: str) -> pl.Expr:
    raw = text(column)
    parsed = raw.str.to_date("%Y-%m-%d", strict=False)
    real = raw.str.contains(DATE_RE) & ~raw.str.starts_with("0000")  # there is no year 0
    return pl.when(real).then(parsed).otherwise(None).alias(typed(column))


def parse_count(column: str) -> pl.Expr:
    raw = text(column)
    value = raw.str.to_integer(strict=False).cast(pl.Int64, strict=False)
    return pl.when(raw.str.contains(COUNT_RE)).then(value).otherwise(None).alias(typed(column))


def count_interval(
    count: str,
    qualifier: str,
    tolerance: float,
    stated_low: str | None = None,
    stated_high: str | None = None,
) -> list[pl.Expr]:
    """[lo, hi] of people the stated count allows; whole people, hi may be +inf.

    exact n=[n,n]; about n=[ceil(n(1-t)), floor(n(1+t))]; at_least n=[n,inf);
    more_than n=[n+1,inf); at_most n=[0,n]; fewer_than n=[0,n-1]. Unknown qualifiers
    (value.enum reports them) give null, so no sum is judged on them. Where the record
    states its own range (the *stated_low* and *stated_high* columns, as prepare() parsed
    them: UCDP's low and high estimates), those bounds are the interval's instead.
    """
    n = pl.col(typed(count)).cast(pl.Float64)
    q = pl.col(qualifier).fill_null("exact")
    about_lo = _snapped(n * (1 - tolerance)).ceil()
    about_hi = _snapped(n * (1 + tolerance)).floor()
    low = (
        pl.when(q == "exact").then(n)
        .when(q == "about").then(about_lo)
        .when(q == "at_least").then(n)
        .when(q == "more_than").then(n + 1)
        .when(q.is_in(["at_most", "fewer_than"])).then(pl.lit(0.0))
        .otherwise(None)
    )  # fmt: skip
    high = (
        pl.when(q == "exact").then(n)
        .when(q == "about").then(about_hi)
        .when(q.is_in(["at_least", "more_than"])).then(pl.lit(INF))
        .when(q == "at_most").then(n)
        .when(q == "fewer_than").then(n - 1)
        .otherwise(None)
    )  # fmt: skip
    if stated_low is not None:
        low = pl.coalesce(pl.col(typed(stated_low)).cast(pl.Float64), low)
    if stated_high is not None:
        high = pl.coalesce(pl.col(typed(stated_high)).cast(pl.Float64), high)
    return [low.alias(lo(count)), high.alias(hi(count))]


# n(1 ± t) is a whole number whenever t's decimals allow it (about 100,000,000 at 0.15:
# 115,000,000), but floats land a hair off it (114,999,999.99999999); a product within this
# relative distance of a whole number is that number. One multiplication errs by ~1e-16.
_SNAP = 1e-14


def _snapped(x: pl.Expr) -> pl.Expr:
    whole = x.round(0)
    return pl.when((x - whole).abs() <= x.abs() * _SNAP).then(whole).otherwise(x)


def _snap(x: float) -> float:
    whole = round(x)
    return float(whole) if abs(x - whole) <= abs(x) * _SNAP else x


def interval(n: int, qualifier: str, tolerance: float) -> tuple[float, float]:
    """count_interval() for one stated count, in Python (fixture mutators use it); the
    test suite holds the two to the same answers."""
    if qualifier in ("", "exact"):
        return float(n), float(n)
    if qualifier == "about":
        return math.ceil(_snap(n * (1 - tolerance))), math.floor(_snap(n * (1 + tolerance)))
    bounds = {
        "at_least": (n, INF), "more_than": (n + 1, INF),
        "at_most": (0, n), "fewer_than": (0, n - 1),
    }  # fmt: skip
    low, high = bounds[qualifier]
    return float(low), float(high)


def format_count(n: float) -> str:
    return f"{int(n):,}"


def format_interval(low: float, high: float) -> str:
    if high == INF:
        return f"{format_count(low)} or more"
    if low == high:
        return format_count(low)
    return f"{format_count(low)}-{format_count(high)}"


# ------------------------------------------------------------------ certain suggestions
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
# The one table of words for count qualifiers, lower case, words separated by one space:
# read in count cells ("below 100" -> 100, fewer_than) and in count_qualifier cells
# ("below" -> fewer_than, by toolkit.rules.values.suggest_word).
QUALIFIER_WORDS = {
    "about": "about", "some": "about", "around": "about", "approximately": "about",
    "approx": "about", "roughly": "about", "nearly": "about", "almost": "about",
    "circa": "about", "ca": "about", "~": "about",
    "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least",
    "minimum": "at_least",
    "more than": "more_than", "over": "more_than", "above": "more_than", "upwards of": "more_than",
    "at most": "at_most", "up to": "at_most", "no more than": "at_most", "maximum": "at_most",
    "fewer than": "fewer_than", "less than": "fewer_than", "under": "fewer_than",
    "below": "fewer_than",
}  # fmt: skip
# 1,037 / 1 037 / 1\u00a0037 (no-break space) / 1\u202f037 (narrow) / 1\u2009037 (thin) /
# 1'037 (Swiss): the same separator throughout
_THOUSANDS = re.compile(r"^\d{1,3}(?P<sep>[,\u00a0\u202f\u2009 '’])\d{3}(?:(?P=sep)\d{3})*$")
_SEPARATORS = ",\u00a0\u202f\u2009 '’"
_WHOLE_DECIMAL = re.compile(r"^\d+\.0+$")  # 1037.0: a spreadsheet's or a parser's float
_QUALIFIED = re.compile(
    r"^(?P<word>"
    + "|".join(
        sorted(
            (re.escape(w).replace(r"\ ", r"\s+") for w in QUALIFIER_WORDS), key=len, reverse=True
        )
    )
    + r")\s*(?P<n>\d{1,3}(?:,\d{3})+|\d+)\+?$",
    re.IGNORECASE,
)


def qualifier_word(words: str) -> str | None:
    """The count qualifier *words* name ('Less  than', 'no_fewer_than'), or None."""
    return QUALIFIER_WORDS.get(" ".join(words.lower().replace("_", " ").split()))


def too_big(value: str) -> bool:
    """A digit string (the count's type) whose number does not fit a 64-bit count."""
    text = value.strip()
    return text.isdecimal() and _count(text) is None


def suggest_count(value: str, qualifiers: Collection[str] | None = None) -> str | None:
    """A certain correction of a count cell, or None. '1,037' -> '1037'; 'below 100' ->
    '100 (count_qualifier=fewer_than)' when *qualifiers* (default: all) has fewer_than.
    Never the value itself, nor a count too big to be one."""
    text = value.strip()
    if _THOUSANDS.match(text) or text.isdecimal():
        return _unless_same(_count(text), value)
    if _WHOLE_DECIMAL.match(text):
        return _count(text.split(".")[0])
    if (m := _QUALIFIED.match(text)) is not None:
        n, qualifier = _count(m["n"]), qualifier_word(m["word"])
        if (
            n is None
            or qualifier is None
            or (qualifiers is not None and qualifier not in qualifiers)
        ):
            return None
        return f"{n} (count_qualifier={qualifier})"
    return None


def _count(digits: str) -> str | None:
    """'1,037' -> '1037', '١٠٣٧' -> '1037'; None when too big for a count."""
    try:
        n = int(digits.translate({ord(c): None for c in _SEPARATORS}))
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        return None
    return str(n) if n <= COUNT_MAX else None


def _unless_same(suggestion: str | None, value: str) -> str | None:
    """A suggestion that only repeats the value is no suggestion."""
    return None if suggestion is None or suggestion == value.strip() else suggestion


def suggest_date(value: str) -> str | None:
    """A certain correction of a date cell, or None. '07.07.2021' -> '2021-07-07'.
    Never the value itself."""
    return _unless_same(_suggest_date(value), value)


def _suggest_date(value: str) -> str | None:
    text = value.strip()
    patterns: list[tuple[str, tuple[str, str, str]]] = [
        (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", ("3", "2", "1")),  # day-first dotted (DD.MM.YYYY)
        (r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", ("1", "2", "3")),
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", ("1", "2", "3")),
        # an ISO date-time: the day as written (2021-07-05T00:00:00, ...T10:00:00Z)
        (
            r"(\d{4})-(\d{1,2})-(\d{1,2})[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
            r"(?:Z|[+-]\d{2}(?::?\d{2})?)?",
            ("1", "2", "3"),
        ),
    ]
    for pattern, (y, m, d) in patterns:
        if (match := re.fullmatch(pattern, text)) is not None:
            return _iso(match[int(y)], match[int(m)], match[int(d)])
    words = re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})", text)
    if words and words[2].lower() in _MONTHS:
        return _iso(words[3], str(_MONTHS[words[2].lower()]), words[1])
    words = re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", text)
    if words and words[1].lower() in _MONTHS:
        return _iso(words[3], str(_MONTHS[words[1].lower()]), words[2])
    slash = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if slash and (int(slash[1]) > 12 or int(slash[2]) > 12 or slash[1] == slash[2]):
        day, month = (slash[1], slash[2]) if int(slash[1]) > 12 else (slash[2], slash[1])
        return _iso(slash[3], month, day)
    return None


def _iso(year: str, month: str, day: str) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None
