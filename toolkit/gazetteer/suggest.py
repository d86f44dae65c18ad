"""Close names for an unknown one, fast: an index over one scope's names (a country's
districts, a region's villages, every country's names).

A query is compared only with the names that share the most letter trigrams with it (the
``SHORTLIST`` best, counted with numpy), then scored with rapidfuzz's native scorers, most
exact first: the whole name close (ratio), one edit away (OSA), a close part (WRatio), then
word by word. Cost per query: a few dictionary lookups and one small scoring, not a scan of
the scope, so a file with 50,000 distinct unknown names gets every suggestion in seconds.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl

SUGGEST_CUTOFF = 80.0  # rapidfuzz ratio and WRatio, 0-100; see tests/test_gazetteer.py
TOKEN_CUTOFF = 85.0  # mean best ratio of the query's words (3+ letters) to a name's words
SHORTLIST = 64
MIN_SHARED = 1 / 3  # trigrams shared / trigrams of the shorter name, for any closeness
PRUNE_FROM = 8  # trigrams of a query (7+ letters): shorter ones lose most to one swap


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass
class NameIndex:
    """Normalised names of one scope, their canonical names, and a trigram index."""

    names: list[str]
    canonical: dict[str, str]
    postings: dict[str, np.ndarray]
    sizes: np.ndarray  # trigrams per name
    ruled_out: set[str] = field(default_factory=set)  # queries with no shortlist (rule_out)

    @classmethod
    def of(cls, choices: dict[str, str]) -> NameIndex:
        names = list(choices)
        grams = [_trigrams(name) for name in names]
        lists: dict[str, list[int]] = {}
        for i, own in enumerate(grams):
            for gram in own:
                lists.setdefault(gram, []).append(i)
        postings = {g: np.array(ids, dtype=np.int32) for g, ids in lists.items()}
        sizes = np.array([len(own) for own in grams], dtype=np.int32)
        return cls(names, choices, postings, sizes)

    def shortlist(self, query: str) -> list[int]:
        """Names sharing the most trigrams with *query* (at most SHORTLIST); for a query of
        7+ letters, none when no name shares a third of the shorter one's trigrams (then
        none is close by any of the scorers: one edit spoils at most three trigrams)."""
        if query in self.ruled_out:
            return []
        grams = _trigrams(query)
        hits = [self.postings[g] for g in grams if g in self.postings]
        if not hits or (len(grams) >= PRUNE_FROM and len(hits) < MIN_SHARED * len(grams)):
            return []  # too few of its trigrams occur in any name at all
        ids, counts = np.unique(np.concatenate(hits), return_counts=True)
        shared = (counts / np.minimum(self.sizes[ids], len(grams))).max()
        if len(grams) >= PRUNE_FROM and shared < MIN_SHARED:
            return []
        if len(ids) > SHORTLIST:
            ids = ids[np.argpartition(counts, -SHORTLIST)[-SHORTLIST:]]
        return [int(i) for i in ids]

    def rule_out(self, queries: Collection[str]) -> None:
        """Find, in one vectorised pass, the queries whose shortlist is empty by its tests
        (too few of their trigrams occur in any name, or in any one name, of the scope):
        most names of a file of unknown villages. shortlist() then skips them at once."""
        if not queries:
            return
        asked = list(queries)
        padded = pl.DataFrame({"p": [f"  {q} " for q in asked]}, schema={"p": pl.String})
        grams = (  # (query number, trigram number in the scope or null), each trigram once
            padded.with_row_index("q")
            .with_columns(pl.int_ranges(0, pl.col("p").str.len_chars() - 2).alias("i"))
            .explode("i")
            .select("q", pl.col("p").str.slice(pl.col("i"), 3).alias("g"))
            .unique()
            .join(self._grams_frame, on="g", how="left")
            .drop("g")
        )
        counts = grams.group_by("q").agg(pl.len().alias("n"), pl.col("gid").count().alias("hits"))
        long = pl.col("n") >= PRUNE_FROM
        first = (pl.col("hits") == 0) | (long & (pl.col("hits") < MIN_SHARED * pl.col("n")))
        out = counts.filter(first).get_column("q").to_list()
        # the second test, for the long queries left: the most any one name shares with
        # them, over the shorter one's trigrams
        left = counts.filter(~first & long).select("q", "n")
        shared = (
            grams.join(left.select("q"), on="q")
            .join(self._postings_frame, on="gid")
            .group_by("q", "id")
            .len()
            .join(left, on="q")
            .join(self._sizes_frame, on="id")
            .select("q", (pl.col("len") / pl.min_horizontal("size", "n")).alias("shared"))
            .group_by("q")
            .agg(pl.col("shared").max())  # plain aggregations only: no per-group expressions
        )
        out += shared.filter(pl.col("shared") < MIN_SHARED).get_column("q").to_list()
        self.ruled_out.update(asked[i] for i in out)

    @cached_property
    def _grams_frame(self) -> pl.DataFrame:
        """(trigram, its number) for every trigram of the scope's names."""
        grams = pl.Series("g", list(self.postings), dtype=pl.String)
        return grams.to_frame().with_row_index("gid")

    @cached_property
    def _postings_frame(self) -> pl.DataFrame:
        """(trigram number, name number) for every trigram of every name."""
        lengths = [len(ids) for ids in self.postings.values()]
        gids = np.repeat(np.arange(len(lengths), dtype=np.uint32), lengths)
        ids = (
            np.concatenate(list(self.postings.values()))
            if lengths
            else np.array([], dtype=np.int32)
        )
        return pl.DataFrame({"gid": gids, "id": ids})

    @cached_property
    def _sizes_frame(self) -> pl.DataFrame:
        return pl.DataFrame({"id": np.arange(len(self.sizes), dtype=np.int32), "size": self.sizes})

    def best(self, queries: Sequence[str], with_words: bool) -> str | None:
        """The canonical name closest to any query, or None when nothing is close. The
        scorers are tried in turn, most exact first; the first that finds a name decides."""
        shortlists = {
            q: [self.names[i] for i in ids] for q in queries if (ids := self.shortlist(q))
        }
        if not shortlists:
            return None  # most unknown names: nothing shares enough letters with them
        from rapidfuzz import fuzz, process
        from rapidfuzz.distance import OSA

        steps: list[tuple[Any, float, bool, Any]] = [
            (fuzz.ratio, SUGGEST_CUTOFF, True, _any),  # the whole name close
            (OSA.distance, 1, False, _letters3),  # one edit away: "Gzaa" -> "Gaza"
            (fuzz.WRatio, SUGGEST_CUTOFF, True, _any),  # a close part: "Panjakent city"
        ]
        if with_words:  # a garbled name of several words ("Shohon Sh. Shokhin")
            steps.append((token_cover, TOKEN_CUTOFF, False, _words2))
        for scorer, cutoff, highest, fits in steps:
            found = _hit(process.extractOne, shortlists, scorer, cutoff, highest, fits)
            if found is not None:
                return self.canonical[found]
        return None


def _hit(
    extract_one: Any,  # rapidfuzz's process.extractOne (its overloads do not fit a table)
    shortlists: dict[str, list[str]],
    scorer: Any,
    cutoff: float,
    highest: bool,
    fits: Any,
) -> str | None:
    """The name one scorer finds for the queries that *fits* accepts: the highest score over
    all queries when *highest*, else the first query's hit."""
    found: tuple[float, str] | None = None
    for query, names in shortlists.items():
        if not fits(query):
            continue
        hit = extract_one(query, names, scorer=scorer, score_cutoff=cutoff)
        if hit is not None and not highest:
            return str(hit[0])
        if hit is not None and (found is None or hit[1] > found[0]):
            found = (hit[1], hit[0])
    return found[1] if found is not None else None


def _any(query: str) -> bool:
    return True


def _letters3(query: str) -> bool:
    return len(query) >= 3


def _words2(query: str) -> bool:
    return len(query.split()) >= 2


def token_cover(query: str, choice: str, **_: object) -> float:
    """Mean, over the query's words of 3+ letters, of their best ratio to a word of choice."""
    from rapidfuzz import fuzz

    words = [w for w in query.split() if len(w) >= 3]
    targets = choice.split()
    if not words or not targets:
        return 0.0
    return sum(max(fuzz.ratio(w, t) for t in targets) for w in words) / len(words)
