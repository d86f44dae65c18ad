"""Generate a large, realistic event-record CSV for benchmarking ``validate``.

    python bench/generate.py --rows 1000000 --seed 1 --output bench/out/events_1m.csv

Everything is vectorised (numpy for the numbers, polars for the strings); there is no
per-row Python loop. The output is deterministic for a given (--rows, --seed).

Shape of the data:

* events of one ``total`` row plus 0..8 ``part`` rows; exact part counts add up to the
  total; some totals are qualified (``about`` within the tolerance, ``more_than`` /
  ``at_least`` below the sum), some parts are ``about`` (their interval still contains
  the total);
* real place chains that the shipped gazetteer knows (``toolkit/gazetteer/curated.csv``);
* dates in 2015-2024, ``event_date <= event_date_end <= published_date``;
* quotes with commas, embedded double quotes and embedded newlines, as real quotes have.

About 1% of rows (one row in each of ~N/100 distinct events) break exactly one rule,
spread evenly over the error kinds in ``ERROR_KINDS``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

COLUMNS = (
    "record_id",
    "event_id",
    "role",
    "source",
    "source_url",
    "published_date",
    "event_date",
    "event_date_end",
    "event_type",
    "actor",
    "country",
    "admin1",
    "admin2",
    "location",
    "count",
    "count_qualifier",
    "quote",
)

# (country, admin1, admin2, location): chains from fixtures/real/events.csv and the curated
# gazetteer (toolkit/gazetteer/curated.csv); "" = not given.
TJ_CHAINS: tuple[tuple[str, str, str, str], ...] = (
    ("Tajikistan", "Gorno-Badakhshan", "Darvaz", "Ruzvay"),
    ("Tajikistan", "Gorno-Badakhshan", "Darvaz", "Nulvand"),
    ("Tajikistan", "Gorno-Badakhshan", "Darvaz", "Qalaikhumb"),
    ("Tajikistan", "Gorno-Badakhshan", "Vanj", "Humrogi"),
    ("Tajikistan", "Gorno-Badakhshan", "Khorog", "Tem"),
    ("Tajikistan", "Gorno-Badakhshan", "Ishkashim", "Ishkashim"),
    ("Tajikistan", "Gorno-Badakhshan", "Ishkashim", "Langar"),
    ("Tajikistan", "Gorno-Badakhshan", "Ishkashim", "Vrang"),
    ("Tajikistan", "Gorno-Badakhshan", "Rushon", "Rushon"),
    ("Tajikistan", "Gorno-Badakhshan", "Murghob", "Murghob"),
    ("Tajikistan", "Khatlon", "Shamsiddin Shohin", ""),
    ("Tajikistan", "Khatlon", "Shamsiddin Shohin", "Shurobod"),
    ("Tajikistan", "Khatlon", "Panj", "Panj"),
    ("Tajikistan", "Khatlon", "Farkhor", "Farkhor"),
    ("Tajikistan", "Khatlon", "Kulob", "Kulob"),
    ("Tajikistan", "Khatlon", "Dusti", ""),
)
AF_CHAINS: tuple[tuple[str, str, str, str], ...] = (
    ("Afghanistan", "Badakhshan", "Fayzabad", "Fayzabad"),
    ("Afghanistan", "Badakhshan", "Ishkashim", "Ishkashim"),
    ("Afghanistan", "Badakhshan", "Wakhan", "Khandud"),
    ("Afghanistan", "Badakhshan", "Khwahan", "Khwahan"),
    ("Afghanistan", "Badakhshan", "Darwaz", "Nusay"),
    ("Afghanistan", "Badakhshan", "Shighnan", ""),
    ("Afghanistan", "Kunduz", "Imam Sahib", "Shir Khan Bandar"),
    ("Afghanistan", "Kunduz", "Kunduz", "Kunduz"),
    ("Afghanistan", "Takhar", "Taloqan", "Taloqan"),
    ("Afghanistan", "Balkh", "Kaldar", "Hairatan"),
    ("Afghanistan", "Balkh", "Mazar-i-Sharif", "Mazar-i-Sharif"),
)
CHAINS = TJ_CHAINS + AF_CHAINS
COUNTRY_CHAINS = (np.arange(len(TJ_CHAINS)), np.arange(len(TJ_CHAINS), len(CHAINS)))
COUNTRY_P = (0.7, 0.3)
# how the country cell is spelt, per event (the same on all its rows)
COUNTRY_SPELLINGS = (("Tajikistan", "TJ", "Republic of Tajikistan"), ("Afghanistan", "AF", "AFG"))
SPELLING_P = (0.94, 0.04, 0.02)
# a known admin1 of the same country that does not contain the chain's admin2
WRONG_ADMIN1 = {
    "Gorno-Badakhshan": "Khatlon",
    "Khatlon": "Gorno-Badakhshan",
    "Badakhshan": "Takhar",
    "Kunduz": "Balkh",
    "Takhar": "Kunduz",
    "Balkh": "Badakhshan",
}

SOURCES = (  # (outlet, record-id prefix, domain)
    ("The Eastern Herald", "eh", "www.easternherald.com"),
    ("Sputnik International", "sp", "sputnikglobe.com"),
    ("Asia-Plus", "ap", "asiaplustj.info"),
    ("Radio Free Europe/Radio Liberty", "rfe", "www.rferl.org"),
    ("Reuters", "rt", "www.reuters.com"),
    ("TOLOnews", "tn", "tolonews.com"),
    ("Khaama Press", "kp", "www.khaama.com"),
    ("Al Jazeera", "aj", "www.aljazeera.com"),
    ("Associated Press", "apn", "apnews.com"),
    ("Interfax", "ifx", "interfax.com"),
    ("Avesta", "av", "avesta.tj"),
    ("Pajhwok Afghan News", "pj", "pajhwok.com"),
)
ACTORS = (
    "Afghan government forces",
    "Afghan civilians",
    "Afghan refugees",
    "Taliban fighters",
    "Afghan National Army soldiers",
    "Afghan border police",
    "Tajik border troops",
    "CSTO forces",
    "displaced families",
    "",
)
ACTOR_P = (0.3, 0.15, 0.12, 0.1, 0.08, 0.07, 0.06, 0.04, 0.04, 0.04)
EVENT_TYPES = (
    "border_crossing",
    "displacement",
    "surrender",
    "capture",
    "clash",
    "deployment",
    "withdrawal",
    "other",
)
EVENT_TYPE_P = (0.35, 0.2, 0.1, 0.08, 0.1, 0.07, 0.06, 0.04)
QUALIFIERS = ("exact", "about", "at_least", "more_than", "at_most", "fewer_than")
EXACT, ABOUT, AT_LEAST, MORE_THAN, AT_MOST, FEWER_THAN = range(6)
TOLERANCE = 0.10  # contract default about_tolerance

# parts per event: 0..8
PARTS_P = (0.30, 0.10, 0.17, 0.13, 0.10, 0.08, 0.05, 0.04, 0.03)

DAY0 = dt.date(2015, 1, 1)
N_DAYS = (dt.date(2024, 12, 31) - DAY0).days + 1
MAX_LAG = 30

ERROR_KINDS = (
    "count_commas",  # value.type: "1,037"
    "date_dotted",  # value.type: 07.07.2021
    "enum_typo",  # value.enum: event_type / role / count_qualifier typos
    "place_misspelt",  # place.known
    "place_misplaced",  # place.hierarchy: admin2 under the wrong admin1
    "part_dropped",  # subtotal.sum: a part row is missing
    "record_id_dup",  # record_id.unique
    "date_order",  # date.order: published before the event
    "date_range",  # date.range: published in the future
    "required_empty",  # value.required: source empty
    "type_differs",  # event.consistent: a part's event_type differs from the total's
    "two_totals",  # subtotal.total: a part marked total
)
ERROR_RATE = 0.01

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


def _interval_about(n: F64) -> tuple[F64, F64]:
    """[lo, hi] of "about n", computed exactly as toolkit.rules.parsing does."""
    low = np.ceil(np.round(n * (1 - TOLERANCE), 9))
    high = np.floor(np.round(n * (1 + TOLERANCE), 9))
    return low, high


def _thousands(expr: pl.Expr) -> pl.Expr:
    """1037 -> '1,037' (counts below one million)."""
    n = expr.cast(pl.Int64)
    grouped = pl.concat_str(
        (n // 1000).cast(pl.String), pl.lit(","), (n % 1000).cast(pl.String).str.zfill(3)
    )
    return pl.when(n >= 1000).then(grouped).otherwise(n.cast(pl.String))


def _pick(values: tuple[str, ...], index: I64 | pl.Series) -> pl.Series:
    """values[index] as a String series (empty strings become null)."""
    table = pl.Series(values, dtype=pl.String)
    out = table.gather(pl.Series(index).cast(pl.Int64))
    return out.replace("", None)


def _days_to_text(days: pl.Expr, fmt: str = "%Y-%m-%d") -> pl.Expr:
    return (pl.lit(DAY0) + pl.duration(days=days)).cast(pl.Date).dt.to_string(fmt)


def generate(rows: int, seed: int) -> pl.DataFrame:
    """The event-record frame: *rows* rows, all 17 contract columns as text."""
    if rows < 1:
        raise ValueError("rows must be >= 1")
    rng = np.random.default_rng(seed)
    n_errors = max(1, round(rows * ERROR_RATE)) if rows >= 100 else 0
    per_kind = np.full(len(ERROR_KINDS), n_errors // len(ERROR_KINDS), dtype=np.int64)
    per_kind[: n_errors % len(ERROR_KINDS)] += 1
    n_dropped = int(per_kind[ERROR_KINDS.index("part_dropped")])
    target = rows + n_dropped  # rows before the dropped parts are removed

    # ---------------------------------------------------------------- event structure
    max_events = target  # an upper bound: every event has at least one row
    parts = rng.choice(len(PARTS_P), size=max_events, p=PARTS_P).astype(np.int64)
    sizes = parts + 1
    ends = np.cumsum(sizes)
    n_events = int(np.searchsorted(ends, target)) + 1
    parts, sizes = parts[:n_events], sizes[:n_events]
    overflow = int(ends[n_events - 1] - target)
    parts[-1] -= overflow
    sizes[-1] -= overflow
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    event = np.repeat(np.arange(n_events, dtype=np.int64), sizes)
    pos = np.arange(target, dtype=np.int64) - starts[event]  # 0 = total, 1.. = parts
    is_part = pos > 0

    # ---------------------------------------------------------------- per event
    country = rng.choice(2, size=n_events, p=COUNTRY_P).astype(np.int64)
    spelling = rng.choice(3, size=n_events, p=SPELLING_P).astype(np.int64)
    source = rng.integers(0, len(SOURCES), size=n_events)
    actor = rng.choice(len(ACTORS), size=n_events, p=ACTOR_P).astype(np.int64)
    etype = rng.choice(len(EVENT_TYPES), size=n_events, p=EVENT_TYPE_P).astype(np.int64)
    ev_day = rng.integers(0, N_DAYS - MAX_LAG, size=n_events)
    lag = np.minimum(rng.geometric(0.35, size=n_events) - 1, MAX_LAG)
    pub_day = ev_day + lag
    has_end = (rng.random(n_events) < 0.12) & (lag > 0)
    end_day = ev_day + np.floor(rng.random(n_events) * (lag + 1)).astype(np.int64)
    template = rng.integers(0, len(QUOTE_TEMPLATES), size=n_events)
    has_quote = rng.random(n_events) < 0.9
    has_url = rng.random(n_events) < 0.8
    total_admin1 = (rng.random(n_events) < 0.15) & (parts >= 1)  # admin1 of its 1st part

    # ---------------------------------------------------------------- places (part rows)
    n_chains = np.array([c.size for c in COUNTRY_CHAINS])
    offsets = np.array([c[0] for c in COUNTRY_CHAINS])
    row_country = country[event]
    chain = offsets[row_country] + np.floor(rng.random(target) * n_chains[row_country]).astype(
        np.int64
    )
    no_location = rng.random(target) < 0.15  # part given at district level only
    first_chain = chain[np.minimum(starts + 1, target - 1)]  # chain of each event's 1st part

    # ---------------------------------------------------------------- counts
    part_count = np.clip(np.round(rng.lognormal(3.6, 1.0, size=target)), 1, 5000).astype(np.int64)
    part_count[~is_part] = 0
    sums = np.bincount(event, weights=part_count, minlength=n_events).astype(np.int64)
    lone_total = np.clip(np.round(rng.lognormal(5.0, 1.3, size=n_events)), 1, 90000)
    mode = rng.choice(5, size=n_events, p=(0.74, 0.10, 0.07, 0.04, 0.05))
    # mode 0 exact; 1 total about; 2 total more_than; 3 total at_least; 4 parts about
    total_q = np.full(n_events, EXACT, dtype=np.int64)
    total_n = sums.astype(np.float64)
    s = sums.astype(np.float64)
    about_n = np.round(s * rng.uniform(0.93, 1.07, size=n_events))
    about_n = np.where(about_n >= 100, np.round(about_n, -1), about_n)
    low, high = _interval_about(about_n)
    about_ok = (low <= s) & (s <= high)
    total_n = np.where(mode == 1, np.where(about_ok, about_n, s), total_n)
    total_q = np.where(mode == 1, ABOUT, total_q)
    more_n = np.floor(s * rng.uniform(0.6, 0.95, size=n_events))
    more_n = np.where(more_n >= 100, np.floor(more_n / 10) * 10, more_n)
    more_n = np.clip(np.minimum(more_n, s - 1), 0, None)
    total_n = np.where(mode == 2, more_n, total_n)
    total_q = np.where(mode == 2, MORE_THAN, total_q)
    total_n = np.where(mode == 3, np.floor(s * 0.9), total_n)
    total_q = np.where(mode == 3, AT_LEAST, total_q)
    total_q = np.where(mode == 4, ABOUT, total_q)  # parts about, total about the exact sum
    # events without parts: any qualifier
    lone = parts == 0
    total_n = np.where(lone, lone_total, total_n)
    total_q = np.where(
        lone, rng.choice(6, size=n_events, p=(0.6, 0.15, 0.05, 0.12, 0.04, 0.04)), total_q
    )
    count = np.where(is_part, part_count, total_n[event].astype(np.int64))
    part_q = np.where(mode[event] == 4, ABOUT, EXACT)
    qualifier = np.where(is_part, part_q, total_q[event])
    blank_exact = (qualifier == EXACT) & (rng.random(target) < 0.2)  # empty means exact

    # ---------------------------------------------------------------- errors
    kind = np.zeros(target, dtype=np.int64)  # 0 = clean, else 1 + index in ERROR_KINDS
    pool = rng.permutation(n_events)
    used = np.zeros(n_events, dtype=bool)
    clean_exact = (mode == 0) & (parts >= 2)
    for k, name in enumerate(ERROR_KINDS):
        eligible = {
            "part_dropped": clean_exact,
            "place_misspelt": parts >= 1,
            "place_misplaced": parts >= 1,
            "type_differs": parts >= 1,
            "two_totals": parts >= 1,
            "record_id_dup": parts >= 1,
            "count_commas": np.ones(n_events, dtype=bool),
        }.get(name, np.ones(n_events, dtype=bool))
        chosen = pool[eligible[pool] & ~used[pool]][: per_kind[k]]
        used[chosen] = True
        if name in ("date_order", "date_range", "required_empty", "enum_typo", "date_dotted"):
            offset = np.floor(rng.random(chosen.size) * sizes[chosen]).astype(np.int64)
        elif name == "count_commas":
            offset = np.zeros(chosen.size, dtype=np.int64)  # the total: large counts
        else:  # a part row
            offset = 1 + np.floor(rng.random(chosen.size) * parts[chosen]).astype(np.int64)
        kind[starts[chosen] + offset] = k + 1
    sub = rng.integers(0, 3, size=target)  # which variant of an error kind

    # ---------------------------------------------------------------- the frame
    src = source[event]
    ev_no = pl.Series(event + 1)
    frame = pl.DataFrame(
        {
            "__event": event,
            "__pos": pos,
            "__kind": kind,
            "__sub": sub,
            "__ev_day": ev_day[event],
            "__pub_day": pub_day[event],
            "__end_day": np.where(has_end, end_day, -1)[event],
            "__count": count,
            "__no_loc": no_location,
            "__blank_q": blank_exact,
            "__url": has_url[event],
        }
    )
    admin1 = _pick(tuple(c[1] for c in CHAINS), chain)
    admin2 = _pick(tuple(c[2] for c in CHAINS), chain)
    location = _pick(tuple(c[3] for c in CHAINS), chain)
    total_a1 = _pick(tuple(c[1] for c in CHAINS), first_chain[event])
    spelt = tuple(name for names in COUNTRY_SPELLINGS for name in names)
    country_text = _pick(spelt, row_country * 3 + spelling[event])
    slug_of = tuple((c[3] or c[2]).lower().replace("'", "").replace(" ", "-") for c in CHAINS)
    frame = frame.with_columns(
        __prefix=_pick(tuple(s[1] for s in SOURCES), src),
        __domain=_pick(tuple(s[2] for s in SOURCES), src),
        source=_pick(tuple(s[0] for s in SOURCES), src),
        actor=_pick(ACTORS, actor[event]),
        event_type=_pick(EVENT_TYPES, etype[event]),
        country=country_text,
        __admin1=admin1,
        __admin2=admin2,
        __location=location,
        __total_a1=total_a1,
        __total_a1_flag=total_admin1[event],
        __slug=_pick(slug_of, chain),
        __qualifier=_pick(QUALIFIERS, qualifier),
        __ev_no=ev_no,
    )
    part = pl.col("__pos") > 0
    frame = frame.with_columns(
        event_id=pl.concat_str(pl.col("__prefix"), pl.lit("-"), pl.col("__ev_no")),
        role=pl.when(part).then(pl.lit("part")).otherwise(pl.lit("total")),
        admin1=pl.when(part)
        .then(pl.col("__admin1"))
        .when(pl.col("__total_a1_flag"))
        .then(pl.col("__total_a1")),
        admin2=pl.when(part).then(pl.col("__admin2")),
        location=pl.when(part & ~pl.col("__no_loc")).then(pl.col("__location")),
        count_qualifier=pl.when(pl.col("__blank_q")).then(None).otherwise(pl.col("__qualifier")),
    ).with_columns(
        record_id=pl.when(part)
        .then(
            pl.concat_str(
                pl.col("event_id"),
                pl.lit("-"),
                pl.col("__slug"),
                pl.lit("-"),
                pl.col("__pos").cast(pl.String),
            )
        )
        .otherwise(pl.concat_str(pl.col("event_id"), pl.lit("-total"))),
        published_date=_days_to_text(pl.col("__pub_day")),
        event_date=_days_to_text(pl.col("__ev_day")),
        event_date_end=pl.when(pl.col("__end_day") >= 0).then(_days_to_text(pl.col("__end_day"))),
        count=pl.col("__count").cast(pl.String),
        source_url=pl.when(pl.col("__url")).then(
            pl.concat_str(
                pl.lit("https://"),
                pl.col("__domain"),
                pl.lit("/"),
                _days_to_text(pl.col("__pub_day"), "%Y/%m/%d"),
                pl.lit("/"),
                pl.col("event_type").str.replace("_", "-"),
                pl.lit("-"),
                pl.col("__ev_no").cast(pl.String),
                pl.lit(".html"),
            )
        ),
    )
    frame = frame.with_columns(quote=_quotes(frame, template, has_quote, total_n, sums))
    frame = _break(frame)
    frame = frame.filter(pl.col("__kind") != ERROR_KINDS.index("part_dropped") + 1)
    assert frame.height == rows, (frame.height, rows)
    return frame.select(COLUMNS)


QUOTE_TEMPLATES = (
    # commas, typographic quotes (as in fixtures/real/events.csv)
    (
        "“In the course of armed clashes with the Taliban, {total} {actor} retreated through "
        "the border areas of {place} to the territory of the Republic of {country},” the press "
        "center of the border troops said."
    ),
    # embedded ASCII double quotes (doubled in the CSV) and commas
    (
        "Officials said {total} {actor} had crossed near {place}, calling the situation "
        '"under control" and the crossing "temporary".'
    ),
    # an embedded newline
    (
        "{total} {actor} were registered near {place}.\nA spokesman added, "
        '"more may follow if the fighting continues."'
    ),
    # plain
    "Border guards reported {total} {actor} near {place} on the day of the fighting.",
)


def _quotes(
    frame: pl.DataFrame, template: I64, has_quote: npt.NDArray[np.bool_], total: F64, sums: I64
) -> pl.Series:
    """One quote per event (repeated on its rows), naming its total and first place."""
    starts = frame.select(pl.col("__pos") == 0).to_series().arg_true()
    first = frame.select(
        pl.col("__event"),
        pl.col("__location").fill_null(pl.col("__admin2")).shift(-1).alias("place"),
        pl.col("actor").fill_null(pl.lit("people")),
        pl.col("country"),
        pl.col("__pos").shift(-1).fill_null(0).alias("next_pos"),
    )[starts]
    place = pl.when(pl.col("next_pos") > 0).then(pl.col("place")).otherwise(pl.col("country"))
    stated = pl.Series(np.where(total > 0, total, sums).astype(np.int64))
    per_event = first.with_columns(
        __tpl=pl.Series(template),
        __has=pl.Series(has_quote),
        __total=_thousands(pl.lit(stated)),
        __place=place,
    )
    expr: pl.Expr = pl.lit(None, dtype=pl.String)
    for i, text in reversed(list(enumerate(QUOTE_TEMPLATES))):
        pieces: list[pl.Expr] = []
        rest = text
        while "{" in rest:
            head, _, tail = rest.partition("{")
            name, _, rest = tail.partition("}")
            pieces.append(pl.lit(head))
            pieces.append(
                {
                    "total": pl.col("__total"),
                    "actor": pl.col("actor"),
                    "place": pl.col("__place"),
                    "country": pl.col("country"),
                }[name]
            )
        pieces.append(pl.lit(rest))
        expr = pl.when(pl.col("__tpl") == i).then(pl.concat_str(pieces)).otherwise(expr)
    quotes = per_event.select(pl.when(pl.col("__has")).then(expr)).to_series()
    return quotes.gather(pl.Series(frame["__event"]))


def _break(frame: pl.DataFrame) -> pl.DataFrame:
    """Apply the error of each row's ``__kind`` (0 = leave clean)."""

    def kind(name: str) -> pl.Expr:
        return pl.col("__kind") == ERROR_KINDS.index(name) + 1

    sub = pl.col("__sub")
    misspelt = pl.concat_str(pl.col("location").str.slice(0, 2), pl.col("location").str.slice(3))
    misspelt_a2 = pl.concat_str(pl.col("admin2").str.slice(0, 2), pl.col("admin2").str.slice(3))
    wrong_a1 = pl.col("admin1").replace(WRONG_ADMIN1)
    return frame.with_columns(
        count=pl.when(kind("count_commas"))
        .then(
            _thousands(
                pl.col("__count") + pl.when(pl.col("__count") < 1000).then(1000).otherwise(0)
            )
        )
        .otherwise(pl.col("count")),
        event_date=pl.when(kind("date_dotted") & (sub != 1))
        .then(_days_to_text(pl.col("__ev_day"), "%d.%m.%Y"))
        .when(kind("date_order"))
        .then(_days_to_text(pl.col("__pub_day") + 1 + pl.col("__sub") * 3))
        .otherwise(pl.col("event_date")),
        published_date=pl.when(kind("date_dotted") & (sub == 1))
        .then(_days_to_text(pl.col("__pub_day"), "%d.%m.%Y"))
        .when(kind("date_range"))
        .then(_days_to_text(pl.col("__pub_day") + 365 * 70))
        .otherwise(pl.col("published_date")),
        event_type=pl.when(kind("enum_typo") & (sub == 0))
        .then(pl.col("event_type").str.replace("_", " ").str.to_titlecase())
        .when(kind("type_differs"))
        .then(
            pl.when(pl.col("event_type") == "displacement")
            .then(pl.lit("border_crossing"))
            .otherwise(pl.lit("displacement"))
        )
        .otherwise(pl.col("event_type")),
        role=pl.when(kind("enum_typo") & (sub == 1))
        .then(pl.col("role") + pl.lit("s"))
        .when(kind("two_totals"))
        .then(pl.lit("total"))
        .otherwise(pl.col("role")),
        count_qualifier=pl.when(kind("enum_typo") & (sub == 2))
        .then(pl.lit("approximately"))
        .otherwise(pl.col("count_qualifier")),
        location=pl.when(kind("place_misspelt") & pl.col("location").is_not_null())
        .then(misspelt)
        .otherwise(pl.col("location")),
        admin2=pl.when(kind("place_misspelt") & pl.col("location").is_null())
        .then(misspelt_a2)
        .otherwise(pl.col("admin2")),
        admin1=pl.when(kind("place_misplaced")).then(wrong_a1).otherwise(pl.col("admin1")),
        source=pl.when(kind("required_empty")).then(None).otherwise(pl.col("source")),
        record_id=pl.when(kind("record_id_dup"))
        .then(pl.col("record_id").shift(1))
        .otherwise(pl.col("record_id")),
    )


def write_atomic(frame: pl.DataFrame, output: Path) -> None:
    """Write *frame* as CSV to a temporary file beside *output*, then rename it into place."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    try:
        Path(tmp).chmod(0o666 & ~umask)  # mkstemp makes it 0600; a plain file is wanted
        frame.write_csv(tmp, line_terminator="\n", quote_style="necessary")
        Path(tmp).replace(output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="data rows (default 1M)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--output", type=Path, default=Path("bench/out/events_1m.csv"))
    args = parser.parse_args(argv)
    began = time.perf_counter()
    frame = generate(args.rows, args.seed)
    built = time.perf_counter()
    write_atomic(frame, args.output)
    done = time.perf_counter()
    size = args.output.stat().st_size
    print(
        f"{args.output}: {frame.height:,} rows, {size / 2**20:,.1f} MiB "
        f"(build {built - began:.2f} s, write {done - built:.2f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
