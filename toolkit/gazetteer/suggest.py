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
from itertools import compress
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
        asked = pl.Series("query", list(queries), dtype=pl.String)
        grams = (  # (query number, trigram number in the scope or null), each trigram once
            asked.to_frame()
            .with_row_index("q")
            .select("q", pl.concat_str(pl.lit("  "), "query", pl.lit(" ")).alias("p"))
            .with_columns(pl.int_ranges(0, pl.col("p").str.len_chars() - 2).alias("i"))
            .explode("i")
            .select("q", pl.col("p").str.slice(pl.col("i"), 3).alias("g"))
            .unique()
            .join(self._grams_frame, on="g", how="left")
        )
        counts = grams.group_by("q").agg(pl.len().alias("n"), pl.col("gid").count().alias("hits"))
        long = pl.col("n") >= PRUNE_FROM
        kept = counts.filter(
            (pl.col("hits") > 0) & ~(long & (pl.col("hits") < MIN_SHARED * pl.col("n")))
        )
        found = grams.join(kept.select("q"), on="q").drop_nulls("gid")
        trigrams = np.zeros(len(asked), dtype=np.int64)  # per query number: its trigrams
        trigrams[counts.get_column("q").to_numpy()] = counts.get_column("n").to_numpy()
        q, ids = self._listed(
            found.get_column("q").to_numpy().astype(np.int64),
            found.get_column("gid").to_numpy().astype(np.int64),
            trigrams,
        )
        return pl.DataFrame({"q": asked.gather(q), "id": ids})

    def _listed(
        self, q: np.ndarray, gids: np.ndarray, trigrams: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """shortlists' (query number, name number) pairs, by query then name, from each
        kept query's (query number, trigram number) pairs, with numpy: every trigram's
        names (the postings), counted per pair, pruned and ranked per query."""
        starts, ends = self._offsets[gids], self._offsets[gids + 1]
        lengths = ends - starts
        if not lengths.sum():
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        at = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        size = len(self.names)  # a (query, name) pair as one number: q * size + id
        pairs = np.repeat(q, lengths) * size + self._posted[np.arange(len(at)) + at]
        pairs.sort(kind="stable")
        first = _firsts(pairs)
        shared = np.diff(np.append(first, len(pairs)))  # trigrams the pair shares
        pairs = pairs[first]
        q, ids = pairs // size, pairs % size
        part = shared / np.minimum(self.sizes[ids], trigrams[q])
        close = np.bincount(q, weights=part >= MIN_SHARED, minlength=len(trigrams)) > 0
        keep = (close | (trigrams < PRUNE_FROM))[q]
        q, ids, shared = q[keep], ids[keep], shared[keep]
        if not len(q):
            return q, ids
        most = int(shared.max()) + 1  # by query, then most trigrams shared, then name number
        order = np.argsort(q * most + (most - shared), kind="stable")
        heads = _firsts(q[order])
        rank = np.arange(len(order)) - np.repeat(heads, np.diff(np.append(heads, len(order))))
        chosen = np.zeros(len(q), dtype=bool)
        chosen[order[rank < SHORTLIST]] = True
        return q[chosen], ids[chosen]

    @cached_property
    def _grams_frame(self) -> pl.DataFrame:
        """(trigram, its number) for every trigram of the scope's names."""
        grams = pl.Series("g", list(self.postings), dtype=pl.String)
        return grams.to_frame().with_row_index("gid")

    @cached_property
    def _offsets(self) -> np.ndarray:
        """Where each trigram's names start in _posted (by trigram number), and the end."""
        lengths = [len(ids) for ids in self.postings.values()]
        return np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])

    @cached_property
    def _posted(self) -> np.ndarray:
        """The names of every trigram, trigram after trigram (postings as one array)."""
        if not self.postings:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(list(self.postings.values())).astype(np.int64)

    @cached_property
    def _names_array(self) -> np.ndarray:
        return np.array(self.names, dtype=object)

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
        listed = self.shortlists(dict.fromkeys(q for queries in asked for q in queries))
        if listed.is_empty():
            return out  # most unknown names: nothing shares enough letters with them
        from rapidfuzz import fuzz
        from rapidfuzz.distance import OSA

        steps: list[tuple[Any, float, bool, bool, Any]] = [  # similarity?, highest?, fits
            (fuzz.ratio, SUGGEST_CUTOFF, True, True, _any),  # the whole name close
            (OSA.distance, 1, False, False, _letters3),  # one edit away: "Gzaa" -> "Gaza"
            (fuzz.WRatio, SUGGEST_CUTOFF, True, True, _any),  # a close part: "Panjakent city"
        ]
        if with_words:  # a garbled name of several words ("Shohon Sh. Shokhin")
            steps.append((token_cover, TOKEN_CUTOFF, True, False, _words2))
        pairs = _Pairs(listed, self._names_array)
        tuples_of: dict[str, list[int]] = {q: [] for q in pairs.queries}  # the listed ones
        for i, queries in enumerate(asked):
            for q in dict.fromkeys(queries):
                if q in tuples_of:
                    tuples_of[q].append(i)
        left = {i for numbers in tuples_of.values() for i in numbers}
        for scorer, cutoff, similarity, highest, fits in steps:
            wanted = {
                q for q, numbers in tuples_of.items() if fits(q) and not left.isdisjoint(numbers)
            }
            hits = pairs.best(wanted, scorer, cutoff, similarity)
            touched = sorted({i for q in hits for i in tuples_of[q] if i in left})
            for i in touched:
                found = [hits[q] for q in asked[i] if q in wanted and q in hits]
                name = max(found, key=lambda hit: hit[0])[1] if highest else found[0][1]
                out[i] = self.canonical[name]
            left.difference_update(touched)
            if not left:
                break
        return out


class _Pairs:
    """A shortlist's (query, name) pairs as lists, scored scorer by scorer."""

    def __init__(self, listed: pl.DataFrame, names: np.ndarray) -> None:
        self.q = listed.get_column("q")
        self.query_list: list[str] = self.q.to_list()
        self.ids = listed.get_column("id").to_numpy()
        self.name_list: list[str] = names[self.ids].tolist()
        self.queries = self.q.unique(maintain_order=True).to_list()

    def best(
        self, wanted: set[str], scorer: Any, cutoff: float, similarity: bool
    ) -> dict[str, tuple[float, str]]:
        """Query -> (score, name) of its best name by one scorer, for the *wanted* queries
        with a name within the cutoff (at least it for a similarity, at most it for a
        distance; a distance's score is negated, so that higher is better). Ties go to the
        lower name number."""
        if not wanted:
            return {}
        from rapidfuzz import process

        queries, names, ids = self.query_list, self.name_list, self.ids
        if len(wanted) < len(self.queries):
            keep = self.q.is_in(list(wanted)).to_numpy()
            queries = list(compress(queries, keep))
            names = list(compress(names, keep))
            ids = ids[keep]
        scores = process.cpdist(
            queries,
            names,
            scorer=scorer,
            score_cutoff=cutoff,  # scores past it are not exact, but never within it
            dtype=np.float64,
            workers=-1,
        )
        sign = 1 if similarity else -1
        within = np.flatnonzero(scores >= cutoff if similarity else scores <= cutoff)
        best: dict[str, tuple[float, int, str]] = {}
        for j in within.tolist():
            key = (sign * float(scores[j]), -int(ids[j]), names[j])
            held = best.get(queries[j])
            if held is None or key[:2] > held[:2]:
                best[queries[j]] = key
        return {q: (score, name) for q, (score, _, name) in best.items()}


def _firsts(sorted_values: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in a sorted array."""
    if not len(sorted_values):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate([[True], sorted_values[1:] != sorted_values[:-1]]))


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
