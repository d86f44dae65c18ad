"""Benchmark ``validate`` against a pandas read of the same file, as whole processes.

    python bench/run.py [--rows N] [--repeat K] [--seed S] [--engine NAME ...]
                        [--kind long|short|both] [--no-rules]

For each kind of file (both by default): the generator's events with long quoted cells,
``bench/out/events_<N>.csv`` (``event-toolkit fixtures``), and one-line records (no quoted
text), ``bench/out/short_<N>.csv``; each written if missing. Times each command in
``commands()`` as a subprocess: wall clock, best of K runs (and the median of each round's
ratio to the baseline's run in that round), and the peak RSS of that very
child (``os.wait4`` returns the rusage of the one process waited for, so no delta of
RUSAGE_CHILDREN is needed). Prints a table, the findings ``validate`` reported per rule,
each rule's check timed on its own (bench/phases.py --rules) and PASS/FAIL per target.
Always exits 0: it is a benchmark, not a test.

To time another command, add a ``Timed`` to ``commands()`` (or pass ``--engine gx`` to
time ``validate --engine gx`` beside the default engine, in the same rounds).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # bench.tiled, when run as a script
    sys.path.insert(0, str(REPO))
OUT = REPO / "bench" / "out"
PYTHON = sys.executable

BASELINE = "pandas.read_csv"
MAX_RATIO = 1.0  # validate seconds / baseline seconds
MAX_PEAK_PER_SIZE = 4.0  # validate peak RSS / file size
MAX_HELP_SECONDS = 0.5
MAX_ENGINE_RATIO = 10.0  # another engine's seconds / validate[pandera] seconds


@dataclass(frozen=True)
class Timed:
    """One command to time; *report* is the JSON report it writes, if any."""

    name: str
    argv: list[str]
    report: Path | None = None  # a JSON report the command writes (findings by rule)
    ok_codes: tuple[int, ...] = (0,)


@dataclass
class Result:
    timed: Timed
    seconds: list[float] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)  # bytes
    codes: list[int] = field(default_factory=list)
    stderr: str = ""

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def peak(self) -> int:
        return max(self.peaks)


def label(rows: int) -> str:
    for unit, size in (("m", 1_000_000), ("k", 1_000)):
        if rows >= size and rows % size == 0:
            return f"{rows // size}{unit}"
    return str(rows)


def validate_argv() -> list[str]:
    """The ``validate`` console script of this venv, else ``python -m toolkit validate``."""
    script = Path(PYTHON).parent / "validate"
    if script.exists():
        return [str(script)]
    return [PYTHON, "-m", "toolkit", "validate"]


def child_env() -> dict[str, str]:
    """The environment of the timed children: the repo importable even without an install."""
    env = dict(os.environ)
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(REPO) if not path else f"{REPO}{os.pathsep}{path}"
    return env


def commands(
    data: Path, work: Path, engines: list[str], rows: int, seed: int, kind: str = "long"
) -> list[Timed]:
    """Everything timed, in order; the first one is the baseline the ratios refer to."""
    validate = validate_argv()
    timed = [
        Timed(
            BASELINE,
            [
                PYTHON,
                "-c",
                # a ragged row (row.shape) stops a plain read: it skips such rows
                "import pandas, sys; pandas.read_csv(sys.argv[1], dtype=str, on_bad_lines='skip')",
                str(data),
            ],
        )
    ]
    for engine in engines:
        report = work / f"report-{engine}.json"
        argv = [*validate, str(data), "--format", "json", "--output", str(report)]
        if engine != "pandera":
            argv += ["--engine", engine]
        timed.append(Timed(f"validate[{engine}]", argv, report=report, ok_codes=(0, 1)))
    timed.append(Timed("validate --help", [*validate, "--help"]))
    if kind == "long":  # making the same file: as fast as checking it
        timed.append(Timed("event-toolkit fixtures", fixtures_argv(rows, seed, work / "made.csv")))
    return timed


def run_once(timed: Timed, env: dict[str, str]) -> tuple[float, int, int, str]:
    """Wall seconds, peak RSS (bytes), exit code and stderr of one run of *timed*."""
    with tempfile.TemporaryFile() as err:
        began = time.perf_counter()
        proc = subprocess.Popen(
            timed.argv, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=REPO
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - began
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return seconds, usage.ru_maxrss * 1024, proc.returncode, stderr  # ru_maxrss is KiB


def measure(timed: list[Timed], repeat: int, env: dict[str, str]) -> list[Result]:
    """*repeat* rounds, each running every command once (interleaved, so a slow spell of
    this shared machine hits all commands alike rather than one command's runs)."""
    results = [Result(t) for t in timed]
    for round_number in range(1, repeat + 1):
        print(f"  round {round_number}/{repeat} ...", flush=True)
        for result in results:
            seconds, peak, code, stderr = run_once(result.timed, env)
            result.seconds.append(seconds)
            result.peaks.append(peak)
            result.codes.append(code)
            if code not in result.timed.ok_codes:
                result.stderr = stderr
    return results


def catalogue_rules() -> list[str]:
    """Rule ids of the contract, in catalogue order (to show rules that reported nothing)."""
    try:
        with (REPO / "schemas" / "contract.toml").open("rb") as fh:
            return list(tomllib.load(fh).get("rules", {}))
    except (OSError, tomllib.TOMLDecodeError):
        return []


def findings_by_rule(report: Path) -> dict[str, int] | None:
    try:
        payload = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    first = payload[0] if isinstance(payload, list) else payload
    by_rule: dict[str, int] = first["summary"]["by_rule"]
    return by_rule


def matches_manifest(result: Result, data: Path) -> str:
    """Whether the report's findings are exactly the data manifest's labels."""
    if result.timed.report is None:
        return "no report"
    manifest = data.with_name(data.stem + ".manifest.json")
    keys = ("rule", "record_id", "event_id", "column", "line")
    try:
        labels = json.loads(manifest.read_text(encoding="utf-8"))["labels"]
        report = json.loads(result.timed.report.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError) as exc:
        return f"cannot tell ({exc})"
    want = {tuple(x[k] for k in keys) for x in labels}
    got = {tuple(f[k] for k in keys) for f in report["failures"]}
    if want == got:
        return f"yes ({len(got):,})"
    return f"NO: {len(got - want):,} unexpected, {len(want - got):,} missing"


def paired(r: Result, base: Result) -> float:
    """The median, over rounds, of this command's time over the baseline's in the same
    round: steadier than a ratio of bests on a machine whose speed drifts."""
    ratios = sorted(a / b for a, b in zip(r.seconds, base.seconds, strict=False))
    middle = len(ratios) // 2
    return ratios[middle] if len(ratios) % 2 else (ratios[middle - 1] + ratios[middle]) / 2


def print_table(results: list[Result], size: int) -> None:
    base = results[0].best
    print(
        f"{'command':<20} {'best s':>8} {'runs s':>22} {'x base':>7} {'paired':>7} "
        f"{'peak MiB':>9} {'peak/file':>9}"
    )
    for r in results:
        runs = " ".join(f"{s:.2f}" for s in r.seconds)
        bad = "" if all(c in r.timed.ok_codes for c in r.codes) else f"  exit {r.codes}"
        print(
            f"{r.timed.name:<20} {r.best:>8.2f} {runs:>22} {r.best / base:>7.2f} "
            f"{paired(r, results[0]):>7.2f} {r.peak / 2**20:>9.0f} {r.peak / size:>9.2f}{bad}"
        )


def targets(results: list[Result], size: int) -> list[tuple[str, bool, str]]:
    base = results[0].best
    out: list[tuple[str, bool, str]] = []
    pandera = next((x for x in results if x.timed.name == "validate[pandera]"), None)
    for r in results:
        if r.timed.name.startswith("validate[") and r is not pandera and pandera is not None:
            # other engines may be slower than pandera, not pathologically so
            ratio = r.best / pandera.best
            out.append(
                (
                    f"{r.timed.name} time <= {MAX_ENGINE_RATIO:g}x validate[pandera]",
                    ratio <= MAX_ENGINE_RATIO,
                    f"{ratio:.2f}x ({r.best / base:.2f}x pandas)",
                )
            )
        elif r.timed.name.startswith("validate["):
            ratio, steady = r.best / base, paired(r, results[0])
            out.append(
                (
                    f"{r.timed.name} time <= {MAX_RATIO:g}x pandas",
                    ratio <= MAX_RATIO and steady <= MAX_RATIO,  # best and paired median
                    f"{ratio:.2f}x best, {steady:.2f}x paired",
                )
            )
            per_size = r.peak / size
            out.append(
                (
                    f"{r.timed.name} peak RSS <= {MAX_PEAK_PER_SIZE:g}x file",
                    per_size <= MAX_PEAK_PER_SIZE,
                    f"{per_size:.2f}x",
                )
            )
        elif r.timed.name == "event-toolkit fixtures":
            validated = next(x for x in results if x.timed.name == "validate[pandera]")
            out.append(
                (
                    "fixtures (same size) time <= validate time",
                    r.best <= validated.best,
                    f"{r.best:.2f} s vs {validated.best:.2f} s",
                )
            )
        elif r.timed.name == "validate --help":
            out.append(
                (
                    f"validate --help < {MAX_HELP_SECONDS:g} s",
                    r.best < MAX_HELP_SECONDS,
                    f"{r.best:.3f} s",
                )
            )
    return out


ROWS_PER_EVENT = 3.11  # the generator's mean: one total and 0 or 2-7 parts
BREAK_EACH = 0.001  # of the events, per rule: about 1% of the events break some rule


def fixtures_argv(rows: int, seed: int, output: Path) -> list[str]:
    """``event-toolkit fixtures`` for about *rows* rows, every rule broken in a few events."""
    script = Path(PYTHON).parent / "event-toolkit"
    base = [str(script)] if script.exists() else [PYTHON, "-m", "toolkit"]
    breaks = [arg for rule in catalogue_rules() for arg in ("--break", f"{rule}={BREAK_EACH}")]
    events = str(round(rows / ROWS_PER_EVENT))
    return [*base, "fixtures", "--events", events, "--seed", str(seed), *breaks,
            "--output", str(output)]  # fmt: skip


def ensure_data(rows: int, seed: int, regenerate: bool, kind: str = "long") -> Path:
    """The file timed: ``long``, the generator's events (quotes of several lines, every rule
    broken in a few events; its manifest labels every finding); ``short``, one-line
    records with an empty quote (the committed valid totals tiled, fresh ids), the kind of file
    where a plain read is fastest."""
    data = OUT / (f"events_{label(rows)}.csv" if kind == "long" else f"short_{label(rows)}.csv")
    if regenerate or not data.exists():
        print(f"generating {data} ...", flush=True)
        OUT.mkdir(parents=True, exist_ok=True)
        if kind == "long":
            subprocess.run(fixtures_argv(rows, seed, data), check=True)
        else:
            make_short(data, rows, seed)
    return data


def make_short(path: Path, rows: int, seed: int) -> None:
    import polars as pl

    from bench.tiled import tiled_totals

    tiled_totals(rows, seed, "s").with_columns(pl.lit("").alias("quote")).write_csv(path)


def rule_costs(data: Path, env: dict[str, str]) -> None:
    """Each rule's check timed on its own, in one process (bench/phases.py --rules)."""
    done = subprocess.run(
        [PYTHON, str(REPO / "bench" / "phases.py"), str(data), "--rules"],
        capture_output=True, text=True, env=env, cwd=REPO, check=False,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("  check ")]
    costly = sorted(lines, key=lambda line: -float(line.split()[2]))
    print("\nper-rule cost (seconds, in one process; the costliest first):")
    for line in costly[:12]:
        print(f"  {line.strip()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (best of)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--regenerate", action="store_true", help="rewrite the data file")
    parser.add_argument(
        "--engine", action="append", default=None, help="engine(s) to time (default pandera)"
    )
    parser.add_argument(
        "--kind",
        choices=("long", "short", "both"),
        default="both",
        help="the generator's events (long quoted cells), one-line records, or both",
    )
    parser.add_argument("--no-rules", action="store_true", help="skip the per-rule costs")
    args = parser.parse_args(argv)
    for kind in ("long", "short") if args.kind == "both" else (args.kind,):
        print(f"\n===== {kind} rows =====")
        run_kind(args, kind)
    return 0


def run_kind(args: argparse.Namespace, kind: str) -> None:
    data = ensure_data(args.rows, args.seed, args.regenerate, kind)
    size = data.stat().st_size
    env = child_env()
    print(f"file: {data} ({size / 2**20:.1f} MiB, {args.rows:,} rows); best of {args.repeat}")
    work = Path(tempfile.mkdtemp(prefix="event-bench-"))
    try:
        timed = commands(data, work, args.engine or ["pandera"], args.rows, args.seed, kind)
        results = measure(timed, args.repeat, env)
        print()
        print_table(results, size)
        for r in results:
            if r.stderr:
                print(f"\n{r.timed.name} failed (exit {r.codes}):\n{r.stderr.strip()[-2000:]}")
            if r.timed.report is not None:
                by_rule = findings_by_rule(r.timed.report)
                print(f"\nfindings of {r.timed.name} by rule:")
                if by_rule is None:
                    print("  (no readable JSON report)")
                for rule, n in (by_rule or {}).items():
                    print(f"  {rule:<20} {n:>8,}")
                silent = [rule for rule in catalogue_rules() if by_rule and rule not in by_rule]
                for rule in silent:
                    print(
                        f"  {rule:<20} {0:>8}  (none reported: clean data, or the rule did not run)"
                    )
                if by_rule is not None:
                    print(f"  {'total':<20} {sum(by_rule.values()):>8,}")
                if kind == "long":
                    manifest = matches_manifest(r, data)
                    print(f"  exactly the manifest's labelled findings: {manifest}")
        if not args.no_rules:
            rule_costs(data, env)
        print("\ntargets:")
        for name, ok, detail in targets(results, size):
            print(f"  {'PASS' if ok else 'FAIL'}  {name:<40} ({detail})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
