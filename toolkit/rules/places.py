"""Rules on places: place.known, place.unverified, place.hierarchy.

The three rules share one judgement of each distinct place chain (country, admin1, admin2,
location; toolkit/gazetteer/judge.py), so they cost per distinct chain, never per row, and
cannot disagree: a cell breaks at most one of them. The judgements are mapped back onto the
rows with a join on the chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING

import polars as pl

from toolkit.categories import as_text
from toolkit.gazetteer.judge import (
    HIERARCHY,
    KNOWN,
    PLACES,
    SHOWN_NAME,
    UNVERIFIED,
    VERDICT,
    Chain,
    Verdict,
    judge,
    judge_frame,
)
from toolkit.gazetteer.lookup import SUGGEST_KEY, Memo
from toolkit.rules.base import EXPLAINED, ROW, Broken, Context, Rule
from toolkit.rules.mutating import SEED_COUNTRIES, typo

if TYPE_CHECKING:
    from toolkit.gazetteer import Gazetteer

# every (rule, column) a chain can break; column None: the row, for place.hierarchy
_BREAKS = (
    *((KNOWN, c) for c in PLACES),
    *((UNVERIFIED, c) for c in PLACES[1:]),
    (HIERARCHY, None),
)
_CHAINS, _CELLS, _ROWS = "place chains", "place cells", "place rows"
_VERDICT, _IN_COUNTRY, _IN_REGION, _SUGGESTED = "__verdict", "__country", "__admin1", "__suggested"


def verdicts(ctx: Context, chain: Chain) -> dict[str, Verdict]:
    """The judgement of one chain (cached for the run: ctx.shared)."""
    cache: dict[Chain, dict[str, Verdict]] = ctx.shared.setdefault(_CHAINS, Memo())
    found = cache.get(chain)
    if found is None:
        found = cache[chain] = judge(ctx.gazetteer, chain, ctx.shared.setdefault(_CELLS, Memo()))
    return found


def _name(rule: str, column: str | None) -> str:
    return f"{rule}|{column or '*'}"


@dataclass(frozen=True)
class _Judged:
    """The judgement of one frame's places: its place cells (to recognise the frame), the
    verdict number per distinct chain and place column, the verdicts, and per row one
    boolean column per (rule, column) of _BREAKS that some chain breaks (the others are left
    out)."""

    places: pl.DataFrame
    chains: pl.DataFrame
    verdicts: list[Verdict]
    rows: pl.DataFrame

    def breaking(self, rule: str, column: str | None) -> pl.Expr:
        return _breaking(self.verdicts, rule, column)


def _breaking(verdicts: list[Verdict], rule: str, column: str | None) -> pl.Expr:
    """Whether a chain's verdict on *column* is *rule*'s (None: on any column)."""
    if column is None:
        return pl.any_horizontal(_breaking(verdicts, rule, c) for c in PLACES)
    numbers = [i for i, v in enumerate(verdicts) if v.rule == rule]
    return pl.col(VERDICT + column).is_in(numbers).fill_null(False)


def _judged(ctx: Context, frame: pl.LazyFrame) -> _Judged:
    """Every distinct chain of *frame* judged once (toolkit.gazetteer.judge.judge_frame) and
    mapped back onto the rows with one join; shared by every place check and explanation of
    the run (the engines hand each check its own frame object: its place cells decide)."""
    places = frame.select(PLACES).collect()
    held: _Judged | None = ctx.shared.get(_ROWS)
    if held is not None and held.places.equals(places):
        return held
    cells = ctx.shared.setdefault(_CELLS, Memo())  # bounded: GX reuses a context per process
    chains, found = judge_frame(ctx.gazetteer, as_text(places.unique()), cells)
    flags = chains.select(
        # the chains as the rows hold them (categories or text), to join them
        *(pl.col(c).cast(places.schema[c]) for c in PLACES),
        *(_breaking(found, rule, c).alias(_name(rule, c)) for rule, c in _BREAKS),
    )
    counts = flags.select(pl.exclude(PLACES).sum()).row(0, named=True)
    breaking = [name for name, n in counts.items() if n]
    rows = (  # no column: no row breaks a place rule (the join is most of the cost)
        places.join(
            flags.select(*PLACES, *breaking),
            on=list(PLACES),
            how="left",
            nulls_equal=True,
            maintain_order="left",
        ).drop(PLACES)
        if breaking
        else pl.DataFrame()
    )
    judged = ctx.shared[_ROWS] = _Judged(places, chains, found, rows)
    return judged


class PlaceRule(Rule):
    """A rule whose findings come from the chain judgement (``verdict.rule == id``)."""

    settings_used = ("gazetteer",)

    def reads(self, ctx: Context, column: str | None) -> tuple[str, ...]:
        return PLACES

    def check(self, ctx: Context, frame: pl.LazyFrame, column: str | None) -> pl.LazyFrame:
        rows = _judged(ctx, frame).rows
        name = _name(self.id, column)
        if name not in rows.columns:
            return self.all_pass(frame)
        return rows.lazy().select((~pl.col(name)).alias("passes"))

    def explain(
        self, ctx: Context, frame: pl.DataFrame, failed: pl.DataFrame, column: str | None
    ) -> pl.DataFrame:
        judged = _judged(ctx, frame.lazy())
        where = (
            pl.lit(column)
            if column is not None  # else place.hierarchy: the row's first misplaced column
            else pl.coalesce(pl.when(judged.breaking(self.id, c)).then(pl.lit(c)) for c in PLACES)
        )
        picked = (
            failed.select(ROW, *PLACES)
            .join(
                judged.chains, on=list(PLACES), how="left", nulls_equal=True, maintain_order="left"
            )
            .select(
                ROW,
                where.alias("column"),
                pl.coalesce(pl.when(where == c).then(pl.col(c)) for c in PLACES).alias("value"),
                pl.coalesce(pl.when(where == c).then(pl.col(VERDICT + c)) for c in PLACES).alias(
                    _VERDICT
                ),
                # where a suggestion is looked for: the country, and the region of a district
                # or place (Gazetteer.suggest)
                pl.when(where != "country").then(pl.col("country")).alias(_IN_COUNTRY),
                pl.when(where.is_in(["admin2", "location"]))
                .then(pl.col("admin1"))
                .alias(_IN_REGION),
            )
        )
        found = {n: judged.verdicts[n] for n in picked[_VERDICT].unique().to_list()}
        messages = {n: self.message(**v.message_fields()) for n, v in found.items()}
        given = {n: v.suggestion for n, v in found.items() if v.suggestion is not None}
        picked = picked.with_columns(
            pl.col(_VERDICT).replace_strict(messages, return_dtype=pl.String).alias("message"),
            pl.col(_VERDICT)
            .replace_strict(given, default=None, return_dtype=pl.String)
            .alias("suggestion"),
        )
        picked = _with_names(picked, [n for n, v in found.items() if v.any_name])
        if self.id != HIERARCHY:  # a misplaced name is right, only in the wrong place
            picked = _with_suggestions(ctx, picked)
        return picked.select(list(EXPLAINED)).cast(EXPLAINED)  # type: ignore[arg-type]


def _with_names(picked: pl.DataFrame, shared: list[int]) -> pl.DataFrame:
    """The messages of the *shared* verdicts (Verdict.any_name) completed with each
    finding's value, shown as repr() shows it (once per distinct value), where the shared
    message shows SHOWN_NAME (its first place, as Verdict.named)."""
    if not shared:
        return picked
    open_ = pl.col(_VERDICT).is_in(shared)
    values = picked.filter(open_).get_column("value").unique()
    shown = pl.DataFrame(
        {"value": values, "__shown": [repr(v) for v in values.to_list()]},
        schema={"value": pl.String, "__shown": pl.String},
    )
    named = pl.col("message").str.replace(SHOWN_NAME, pl.col("__shown"), literal=True)
    return (
        picked.join(shown, on="value", how="left", maintain_order="left")
        .with_columns(pl.when(open_).then(named).otherwise("message").alias("message"))
        .drop("__shown")
    )


def _with_suggestions(ctx: Context, picked: pl.DataFrame) -> pl.DataFrame:
    """Fill the missing suggestions: the closest accepted name in the country (its region
    first), looked up once per distinct name and scope (Gazetteer.suggest)."""
    scope = ["column", "value", _IN_COUNTRY, _IN_REGION]
    keys = picked.filter(pl.col("suggestion").is_null()).select(scope).unique()
    found = ctx.gazetteer.suggestions(keys.rename(dict(zip(scope, SUGGEST_KEY, strict=True))))
    suggested = keys.with_columns(found.alias(_SUGGESTED))
    return picked.join(
        suggested, on=scope, how="left", nulls_equal=True, maintain_order="left"
    ).with_columns(pl.coalesce("suggestion", _SUGGESTED).alias("suggestion"))


class Known(PlaceRule):
    id = KNOWN
    gx_custom = "expect_place_names_to_be_known"

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return PLACES

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        """A garbled region or district name (a letter dropped, doubled or swapped), where
        the gazetteer lists every one of them: now no name of that country. In a country
        without complete lists, the country's name garbled on every row of the event."""
        broken = _garble(ctx, event, rng, ("admin1", "admin2"), KNOWN)
        if broken is not None:
            return broken
        name = event[0]["country"]
        for _ in range(5):
            garbled = typo(name, rng)
            chains = [(garbled, *(row[c] or None for c in PLACES[1:])) for row in event]
            if all(list(verdicts(ctx, c)) == ["country"] for c in chains):  # type: ignore[arg-type]
                for row in event:
                    row["country"] = garbled
                return [(i, "country") for i in range(len(event))]
        return None


class Unverified(PlaceRule):
    id = UNVERIFIED
    gx_custom = "expect_place_names_to_be_verified"

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return PLACES[1:]

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        """A garbled village or town name: no place the gazetteer knows, but no gazetteer
        lists every village."""
        return _garble(ctx, event, rng, ("location",), UNVERIFIED)


class Hierarchy(PlaceRule):
    id = HIERARCHY
    gx_custom = "expect_place_chains_to_nest"

    def targets(self, ctx: Context) -> tuple[str | None, ...]:
        return (None,)

    def mutate(self, ctx: Context, event: list[dict[str, str]], rng: Random) -> Broken | None:
        """A district put in another region of the same country (its village dropped); in
        countries whose districts are not all listed, a region put in another country."""
        gazetteer = ctx.gazetteer
        code = gazetteer.country_code(event[0]["country"]) or ""
        districts = [i for i, row in enumerate(event) if row["admin1"] and row["admin2"]]
        regions = [i for i, row in enumerate(event) if row["admin1"]]
        if not gazetteer.complete(code, "admin2"):  # a moved district would only be a warning
            districts = []
        if districts:
            i = rng.choice(districts)
            others = _admin2_names(gazetteer, code, exclude_admin1=event[i]["admin1"])
            column = "admin2"
        elif regions:
            i = rng.choice(regions)
            others = _foreign_regions(gazetteer, code)
            column = "admin1"
        else:
            return None
        row = event[i]
        for name in rng.sample(others, min(len(others), 5)):
            changed = {**row, column: name, "location": ""}
            if column == "admin1":
                changed["admin2"] = ""
            found = verdicts(ctx, tuple(changed[c] or None for c in PLACES))  # type: ignore[arg-type]
            if list(found) == [column] and found[column].rule == HIERARCHY:
                row.update(changed)
                return [(i, column)]
        return None


def _garble(
    ctx: Context, event: list[dict[str, str]], rng: Random, columns: tuple[str, ...], rule: str
) -> Broken | None:
    cells = [(i, c) for i, row in enumerate(event) for c in columns if row[c]]
    rng.shuffle(cells)
    for i, column in cells[:5]:
        for _ in range(5):
            changed = {**event[i], column: typo(event[i][column], rng)}
            found = verdicts(ctx, tuple(changed[c] or None for c in PLACES))  # type: ignore[arg-type]
            if list(found) == [column] and found[column].rule == rule:
                event[i][column] = changed[column]
                return [(i, column)]
    return None


def _admin2_names(gazetteer: Gazetteer, code: str, exclude_admin1: str) -> list[str]:
    """Districts of a country whose (canonical) region is not the given one, sorted."""
    admin1 = {p.name for p in gazetteer.resolve("admin1", exclude_admin1, code or None)}
    return sorted(
        {
            p.name
            for p in gazetteer.places(code)
            if p.level == "admin2" and p.admin1 and p.admin1 not in admin1
        }
    )


def _foreign_regions(gazetteer: Gazetteer, code: str) -> list[str]:
    """Regions of the seed articles' countries that are not (also) names in *code*."""
    own = {p.name for p in gazetteer.places(code) if p.level == "admin1"}
    return sorted(
        {
            p.name
            for other in SEED_COUNTRIES
            if other != code
            for p in gazetteer.places(other)
            if p.level == "admin1" and not gazetteer.resolve("admin1", p.name, code or None)
        }
        - own
    )


__all__ = ["Hierarchy", "Known", "Unverified", "verdicts"]
