"""Where ``validate`` spends time and memory, phase by phase, in one process.

    python bench/phases.py bench/out/events_1m.csv [--rules]

Replays toolkit.checker.check_table step by step (read_table internals, prepare, the
pandera engine, explain, JSON rendering) and prints wall seconds, RSS after the phase and
the peak RSS so far (VmHWM). With --rules, also times every rule's check on its own
(collecting its lazy frame), so the engine's overhead over the bare checks shows.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _status(key: str) -> int:
    """A VmXXX figure of this process from /proc (bytes); 0 where unavailable."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


ROWS: list[tuple[str, float, int, int]] = []


@contextmanager
def phase(name: str) -> Iterator[None]:
    began = time.perf_counter()
    yield
    ROWS.append((name, time.perf_counter() - began, _status("VmRSS"), _status("VmHWM")))


def timed(name: str, call: Callable[[], Any]) -> Any:
    with phase(name):
        return call()


def _read_table(path: Path) -> Any:
    """toolkit.readers.read_table for a CSV, unrolled (scan and parse one after the other)."""
    import polars as pl

    from toolkit.contract import load_contract
    from toolkit.readers import delimited, scan, source
    from toolkit.readers.table import table_of

    comma = ord(",")
    data: bytes = timed("read: read_bytes", lambda: source.read_bytes(path))
    timed("read: check_line_ends", lambda: scan.check_line_ends(path, data, comma))
    header, _width = timed(
        "read: _parse_header", lambda: delimited._parse_header(path, data, ",", True)
    )
    starts, fields = timed("read: _scan_records (numpy)", lambda: scan._scan_records(data, comma))
    repeated = load_contract().repeated  # held as categories, as the checker reads them
    raw = timed(
        "read: _parse_frame (polars)",
        lambda: delimited._parse_frame(data, header, ",", repeated),
    )
    if starts is None or fields is None:
        starts, fields = timed(
            "read: _scan_records_slow", lambda: scan._scan_records_slow(path, data, comma)
        )
    with phase("read: LINE and CELLS columns"):
        keep = fields != 0
        table = table_of(path, header, raw.filter(pl.Series(keep)), starts[keep], fields[keep])
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--rules", action="store_true", help="time each rule's check alone")
    args = parser.parse_args(argv)
    path: Path = args.file

    with phase("import polars+toolkit"):
        import polars as pl

        from toolkit.checker import explain
        from toolkit.config import load_settings
        from toolkit.contract import load_contract
        from toolkit.formats import render
        from toolkit.prepare import prepare
        from toolkit.report import Report
        from toolkit.rules import all_rules
        from toolkit.rules.base import Context
    from toolkit.gazetteer.lookup import freeze_when_loaded

    freeze_when_loaded()  # as the console scripts do
    with phase("import pandera engine"):
        import pandera.polars as pa

        from toolkit.engines import pandera_engine

    settings = timed("load_settings", lambda: load_settings(data_path=path))
    ctx = Context(contract=load_contract(), settings=settings)

    table = _read_table(path)
    with phase("read: returned (raw bytes freed)"):
        pass
    frame = timed("prepare", lambda: prepare(table, ctx))
    rules = tuple(rule for rule in all_rules(ctx.contract) if settings.enabled(rule.id))
    if args.rules:
        lazy = frame.lazy()
        for rule in rules:
            for column in rule.targets(ctx):
                what = f"  check {rule.id}[{column or '*'}]"
                try:
                    with phase(what):
                        rule.check(ctx, lazy, column).collect()
                except Exception as exc:  # a broken rule: report and go on
                    ROWS.append((f"{what} FAILED: {type(exc).__name__}: {exc}"[:110], 0, 0, 0))
    schema = timed(
        "engine: build_schema",
        lambda: pandera_engine.build_schema(ctx, rules, dtypes=dict(frame.schema)),
    )
    with phase("engine: schema.validate (lazy)"):
        try:
            schema.validate(frame, lazy=True)
            cases = None
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
    failures = timed(
        "engine: failure cases -> Failures",
        lambda: (
            pandera_engine._failures(cases, {r.id for r in rules}, ctx.contract.names)
            if cases is not None
            else []
        ),
    )
    if cases is not None:
        crashed = pl.DataFrame(cases).filter(pl.col("index").is_null())
        for check, column, case in crashed.select("check", "column", "failure_case").iter_rows():
            ROWS.append((f"  ! {check}[{column}] crashed: {case}"[:110], 0, 0, 0))
    findings = timed("explain", lambda: explain(ctx, frame, rules, failures))
    report = Report(
        file=str(path),
        rows=table.rows,
        findings=findings,
        rule_order=tuple(s.id for s in ctx.contract.rules),
    )
    text = timed("render json", lambda: render([report], "json", color=False))

    total = sum(r[1] for r in ROWS)
    size = path.stat().st_size
    print(f"{path}: {table.rows:,} rows, {size / 2**20:.1f} MiB, {len(findings):,} findings")
    print(f"{'phase':<46} {'s':>7} {'%':>5} {'RSS MiB':>8} {'peak MiB':>9}")
    for name, seconds, rss, hwm in ROWS:
        if not rss:
            print(name)
            continue
        share = 100 * seconds / total
        print(f"{name:<46} {seconds:>7.2f} {share:>5.1f} {rss / 2**20:>8.0f} {hwm / 2**20:>9.0f}")
    print(f"{'total':<46} {total:>7.2f}")
    print(
        f"frame after prepare: {frame.estimated_size() / 2**20:.0f} MiB; "
        f"table frame: {table.frame.estimated_size() / 2**20:.0f} MiB; json {len(text):,} chars"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
