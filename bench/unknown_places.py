"""Benchmark the place rules on many distinct unknown names, against a plain pandas read.

    python bench/unknown_places.py [--rows 1000000] [--names 50000] [--share 0.2] [--repeat 3]

Writes ``bench/out/unknown_places_<rows>_<names>[_any].csv`` if missing: the committed valid
synthetic file tiled to ROWS rows (fresh record and event ids, every row its own total), with
SHARE of the rows naming one of NAMES distinct villages no gazetteer has (seeded random
letters). With ``--spread country`` (the default) each village lies in one country, as real
villages do: the rows naming it are rows of that country, so the file holds NAMES distinct
(name, country) places. With ``--spread any`` a village may be named on rows of any country
(about twice as many distinct places with these three countries: the harder case). Then
times, as whole processes and alternated K times, ``validate FILE --format json`` and
``pandas.read_csv(FILE, dtype=str)``, and prints the best of each, their ratio and the
median of each round's ratio (target: both at most 1.5). Always exits 0: it is a benchmark,
not a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # bench.tiled, when run as a script
    sys.path.insert(0, str(REPO))
OUT = REPO / "bench" / "out"
TARGET = 1.5


def make(path: Path, rows: int, names: int, share: float, spread: str, seed: int = 7) -> None:
    import numpy as np
    import polars as pl

    from bench.tiled import tiled_totals

    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    village = ["Q" + "".join(rng.choice(letters, size=9)) for _ in range(names)]
    frame = tiled_totals(rows, seed, "u")
    unknown = rng.random(rows) < share
    picks = rng.integers(0, names, size=rows)
    if spread == "country":  # the villages split among the countries, each named in its own
        country = frame.get_column("country").to_numpy()
        places = sorted(set(country))
        share_of = np.array([(country == c).mean() for c in places])
        ends = np.round(np.cumsum(share_of) * names).astype(np.int64)
        starts = np.concatenate([[0], ends[:-1]])
        which = np.searchsorted(places, country)
        picks = starts[which] + rng.integers(0, 1 << 62, size=rows) % (ends - starts)[which]
    location = [village[p] if u else None for u, p in zip(unknown, picks, strict=True)]
    frame = frame.with_columns(
        pl.when(pl.Series(unknown))
        .then(pl.Series(location, dtype=pl.String))
        .otherwise(pl.col("location"))
        .alias("location"),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path)


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--names", type=int, default=50_000)
    parser.add_argument("--share", type=float, default=0.2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--spread", choices=("country", "any"), default="country")
    args = parser.parse_args(argv)
    tail = "" if args.spread == "country" else "_any"
    path = OUT / f"unknown_places_{args.rows}_{args.names}{tail}.csv"
    if not path.exists():
        make(path, args.rows, args.names, args.share, args.spread)
    validate = [sys.executable, "-m", "toolkit", "validate", str(path), "--format", "json"]
    read = [sys.executable, "-c", f"import pandas; pandas.read_csv({str(path)!r}, dtype=str)"]
    runs: dict[str, list[float]] = {"validate": [], "pandas.read_csv": []}
    for _ in range(args.repeat):  # alternated, round by round
        runs["pandas.read_csv"].append(timed(read))
        runs["validate"].append(timed(validate))
    best = {name: min(seconds) for name, seconds in runs.items()}
    ratio = best["validate"] / best["pandas.read_csv"]
    paired = statistics.median(
        v / r for v, r in zip(runs["validate"], runs["pandas.read_csv"], strict=True)
    )
    size = path.stat().st_size / 2**20
    print(
        f"{path.name}: {args.rows:,} rows, {args.names:,} distinct unknown names"
        f" (each in {'one country' if args.spread == 'country' else 'any country'}),"
        f" {size:.0f} MiB"
    )
    for name, seconds in best.items():
        print(f"  {name:16} {seconds:7.2f} s (best of {args.repeat})")
    met = ratio <= TARGET and paired <= TARGET
    print(
        f"  ratio {ratio:.2f} best, {paired:.2f} paired (median of each round's ratio;"
        f" target <= {TARGET} for both): {'PASS' if met else 'FAIL'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
