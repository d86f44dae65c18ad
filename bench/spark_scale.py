"""Scale of the Spark engine in local mode: time per million rows and peak memory, as the
file grows, and what a second core buys.

    python bench/spark_scale.py [--rows 2000000 5000000 10000000] [--cores 2] [--speedup-rows N]

Needs the spark extra and Java. Writes ``bench/out/spark_<rows>.csv`` if missing (the
committed valid synthetic file's totals tiled to ROWS rows, fresh record and event ids,
seeded; each quote on one line, as most exports write them). Then runs, as a whole process per size,
``validate FILE --engine spark --spark-master local[CORES] --format json``, sampling every
0.2 s the resident memory of that process and all its children (the Spark JVM and its
Python workers). Prints seconds, seconds per million rows and peak memory (the driver's
Python, the JVM, the workers) per size; then the same file of --speedup-rows rows on
local[1] and local[2], and their ratio (target: at least 1.6). Always exits 0: it is a
benchmark, not a test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # bench.tiled, when run as a script
    sys.path.insert(0, str(REPO))
OUT = REPO / "bench" / "out"
SPEEDUP_TARGET = 1.6


def make(path: Path, rows: int, seed: int = 7) -> None:
    import polars as pl

    from bench.tiled import tiled_totals

    one_line = pl.col("quote").str.replace_all(r"\s*\n\s*", " ")  # no cell spans lines
    frame = tiled_totals(rows, seed, "s").with_columns(one_line)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path)


def _tree(root: int) -> list[int]:
    """*root* and every process below it (from /proc)."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(status.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _rss(pid: int) -> tuple[str, int]:
    """(kind, resident KiB) of a process: the driver's python, the JVM, or a worker."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "gone", 0
    rss = [line for line in status.splitlines() if line.startswith("VmRSS")]
    kib = int(rss[0].split()[1]) if rss else 0
    kind = "jvm" if b"java" in command.split(b"\0")[0] else "python"
    return kind, kib


def run(path: Path, cores: int) -> dict[str, float]:
    """Wall seconds and peak MiB (driver python, JVM, workers, all at once) of one run."""
    command = [
        sys.executable, "-m", "toolkit", "validate", str(path), "--engine", "spark",
        "--spark-master", f"local[{cores}]", "--format", "json", "-q",
    ]  # fmt: skip
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = {"driver": 0, "jvm": 0, "workers": 0, "total": 0}
    while process.poll() is None:
        now = {"driver": 0, "jvm": 0, "workers": 0}
        for pid in _tree(process.pid):
            kind, kib = _rss(pid)
            if pid == process.pid:
                now["driver"] += kib
            elif kind == "jvm":
                now["jvm"] += kib
            elif kind == "python":
                now["workers"] += kib
        for key, kib in (*now.items(), ("total", sum(now.values()))):
            peak[key] = max(peak[key], kib)
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, **{k: v / 1024 for k, v in peak.items()}, "rc": process.returncode}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, nargs="+", default=[2_000_000, 5_000_000, 10_000_000])
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--speedup-rows", type=int, default=2_000_000)
    args = parser.parse_args(argv)
    print("rows        file MiB  seconds  s per 1M  peak MiB: driver    JVM  workers  all  rc")
    for rows in args.rows:
        path = OUT / f"spark_{rows}.csv"
        if not path.exists():
            make(path, rows)
        got = run(path, args.cores)
        size = path.stat().st_size / 2**20
        print(
            f"{rows:>10,} {size:>9.0f} {got['seconds']:>8.1f} {got['seconds'] / rows * 1e6:>9.1f}"
            f" {got['driver']:>16.0f} {got['jvm']:>6.0f} {got['workers']:>8.0f}"
            f" {got['total']:>5.0f} {got['rc']:>3.0f}",
            flush=True,
        )
    path = OUT / f"spark_{args.speedup_rows}.csv"
    if not path.exists():
        make(path, args.speedup_rows)
    one, two = run(path, 1)["seconds"], run(path, 2)["seconds"]
    ratio = one / two
    verdict = "PASS" if ratio >= SPEEDUP_TARGET else "FAIL"
    print(f"{args.speedup_rows:,} rows: local[1] {one:.1f} s, local[2] {two:.1f} s, "
          f"speed-up {ratio:.2f} (target >= {SPEEDUP_TARGET}): {verdict}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
