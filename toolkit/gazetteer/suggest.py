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
from dataclasses import dataclass
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

    def shortlists(self, queries: Collection[str]) -> pl.DataFrame:
        """The names each query is compared with, in one vectorised pass: rows (q: the
        query, id: a name's number), by query then name number. A query's shortlist holds
        the SHORTLIST names sharing the most of its letter trigrams (ties: the lower number);
        for a query of PRUNE_FROM+ trigrams (7+ letters) it is empty when fewer than a third
        of them occur in any name, or no name shares a third of the shorter one's trigrams
        (then no scorer finds it close: one edit spoils at most three trigrams)."""
        asked = pl.DataFrame({"query": list(queries)}, schema={"query": pl.String})
        asked = asked.with_row_index("q")
        grams = (  # (query number, trigram number in the scope or null), each trigram once
            asked.select("q", pl.concat_str(pl.lit("  "), "query", pl.lit(" ")).alias("p"))
            .with_columns(pl.int_ranges(0, pl.col("p").str.len_chars() - 2).alias("i"))
            .explode("i")
            .select("q", pl.col("p").str.slice(pl.col("i"), 3).alias("g"))
            .unique()
            .join(self._grams_frame, on="g", how="left")
            .drop("g")
        )
        counts = grams.group_by("q").agg(pl.len().alias("n"), pl.col("gid").count().alias("hits"))
        long = pl.col("n") >= PRUNE_FROM
        kept = counts.filter(
            (pl.col("hits") > 0) & ~(long & (pl.col("hits") < MIN_SHARED * pl.col("n")))
        )
        size = len(self.names)  # (query, name) pairs as one number: q * size + id
        shared = (  # per query and name: the trigrams they share
            grams.join(kept.select("q", "n"), on="q")
            .join(self._postings_frame, on="gid")
            .group_by((pl.col("q").cast(pl.Int64) * size + pl.col("id")).alias("pair"))
            .agg(pl.len().alias("shared"), pl.col("n").first())
            .with_columns(
                (pl.col("pair") // size).alias("q"),
                (pl.col("pair") % size).cast(pl.Int32).alias("id"),
            )
            .join(self._sizes_frame, on="id")
        )
        part = pl.col("shared") / pl.min_horizontal("size", "n")
        close = (  # plain aggregations only: no per-group expressions
            shared.group_by("q")
            .agg(part.max().alias("part"), pl.col("n").first())
            .filter((pl.col("n") < PRUNE_FROM) | (pl.col("part") >= MIN_SHARED))
            .select("q")
        )
        most = int(counts.select(pl.col("n").max()).item() or 0) + 1  # more than any shares
        ranked = (  # by query, then most trigrams shared, then name number
            pl.col("q").cast(pl.Int64) * (size * most)
            + (most - pl.col("shared").cast(pl.Int64)) * size
            + pl.col("id").cast(pl.Int64)
        )
        listed = (
            shared.join(close, on="q")
            .sort(ranked)
            .group_by("q", maintain_order=True)
            .head(SHORTLIST)
            .sort("q", "id")
            .join(asked.with_columns(pl.col("q").cast(pl.Int64)), on="q", maintain_order="left")
        )
        return listed.select(pl.col("query").alias("q"), pl.col("id").cast(pl.Int64))

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
    def _names_frame(self) -> pl.DataFrame:
        return (
            pl.DataFrame({"name": self.names}, schema={"name": pl.String})
            .with_row_index("id")
            .cast({"id": pl.Int64})
        )

    @cached_property
    def _sizes_frame(self) -> pl.DataFrame:
        return pl.DataFrame({"id": np.arange(len(self.sizes), dtype=np.int32), "size": self.sizes})

    def best(self, queries: Sequence[str], with_words: bool) -> str | None:
        """The canonical name closest to any query, or None when nothing is close."""
        return self.best_many([tuple(queries)], with_words)[0]

    def best_many(self, asked: Sequence[tuple[str, ...]], with_words: bool) -> list[str | None]:
        """``best`` for many query tuples (a name's spellings) at once. The scorers are tried
        in turn, most exact first; the first that finds a name for a tuple decides: the
        highest score over its queries (ties: the earlier query), or for the scorers not
        ranked by score, its first query with a hit. Within a query's shortlist the best
        score wins, ties going to the lower name number (as rapidfuzz's extractOne)."""
        out: list[str | None] = [None] * len(asked)
        listed = self.shortlists({q: None for queries in asked for q in queries})
        if listed.is_empty():
            return out  # most unknown names: nothing shares enough letters with them
        from rapidfuzz import fuzz
        from rapidfuzz.distance import OSA

        pairs = listed.join(self._names_frame, on="id", maintain_order="left")
        steps: list[tuple[Any, float, bool, bool, Any]] = [  # similarity?, highest?, fits
            (fuzz.ratio, SUGGEST_CUTOFF, True, True, _any),  # the whole name close
            (OSA.distance, 1, False, False, _letters3),  # one edit away: "Gzaa" -> "Gaza"
            (fuzz.WRatio, SUGGEST_CUTOFF, True, True, _any),  # a close part: "Panjakent city"
        ]
        if with_words:  # a garbled name of several words ("Shohon Sh. Shokhin")
            steps.append((token_cover, TOKEN_CUTOFF, True, False, _words2))
        listed_queries = set(listed.get_column("q").unique().to_list())
        left = [i for i, queries in enumerate(asked) if not listed_queries.isdisjoint(queries)]
        for scorer, cutoff, similarity, highest, fits in steps:
            wanted = {q for i in left for q in asked[i] if q in listed_queries and fits(q)}
            hits = _hits(pairs.filter(pl.col("q").is_in(list(wanted))), scorer, cutoff, similarity)
            for i in left:
                found = [hits[q] for q in asked[i] if q in wanted and q in hits]
                if found:
                    name = max(found, key=lambda hit: hit[0])[1] if highest else found[0][1]
                    out[i] = self.canonical[name]
            left = [i for i in left if out[i] is None]
            if not left:
                break
        return out


def _hits(pairs: pl.DataFrame, scorer: Any, cutoff: float, similarity: bool) -> dict[str, Any]:
    """Query -> (score, name) of its best name by one scorer, for the queries with a name
    within the cutoff (at least it for a similarity, at most it for a distance)."""
    if pairs.is_empty():
        return {}
    from rapidfuzz import process

    scores = process.cpdist(
        pairs.get_column("q").to_list(),
        pairs.get_column("name").to_list(),
        scorer=scorer,
        score_cutoff=cutoff,  # scores past it are not exact, but never within it
        dtype=np.float64,
        workers=-1,
    )
    scored = pairs.with_columns(pl.Series("score", scores, dtype=pl.Float64))
    within = pl.col("score") >= cutoff if similarity else pl.col("score") <= cutoff
    best = (
        scored.filter(within)
        .sort("q", "score", "id", descending=[False, similarity, False])
        .group_by("q", maintain_order=True)
        .first()
    )
    sign = 1 if similarity else -1
    rows = best.select("q", "score", "name").iter_rows()
    return {q: (sign * score, name) for q, score, name in rows}


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
