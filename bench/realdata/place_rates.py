"""Place findings on real, public event datasets: the rates the README reports.

    python bench/realdata/place_rates.py                      # the committed samples
    python bench/realdata/place_rates.py --mapped /work/realdata/mapped   # full local copies

For each mapped file (``map_sources.py`` writes them): filled cells per place column, and
the error- and warning-severity place findings there (place.known, place.hierarchy errors;
place.unverified warnings), as counts and rates of the filled cells. Then two plantings on
the file's own clean rows, whose answer keys are the data, not the checker:

- misspellings: a letter dropped, doubled or swapped in an accepted admin1 or admin2 name of
  a country whose list at that level is complete; counted as caught when the cell gets an
  error, and as suggested when the suggestion is the name as it was;
- moved districts: an accepted district put under another region of its country (one
  without a district of that name); caught when the row gets a place.hierarchy error.

Always exits 0: it is a benchmark; tests/test_real_samples.py holds the committed samples to
their ceilings.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "fixtures" / "real" / "samples"
COLUMNS = ("country", "admin1", "admin2", "location")
PCODED = ("iom_dtm", "hapi_acled_conflict_events")


@dataclass
class Rates:
    """Place findings of one file, per column."""

    name: str
    rows: int
    filled: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    warnings: Counter[str] = field(default_factory=Counter)

    def error_rate(self, columns: tuple[str, ...] = COLUMNS[:3]) -> float:
        """Error findings over filled cells of *columns* (country, admin1, admin2)."""
        filled = sum(self.filled[c] for c in columns)
        return sum(self.errors[c] for c in columns) / filled if filled else 0.0


@dataclass
class Planted:
    """Outcome of one planting: how many planted, caught, and suggested as they were."""

    planted: int = 0
    caught: int = 0
    suggested: int = 0
    examples: list[str] = field(default_factory=list)


def missing_values(name: str) -> tuple[str, ...]:
    """The publisher's "no value" placeholders of a source (sources.toml), which a user sets
    as the ``missing_values`` config key."""
    import tomllib

    sources = tomllib.loads((Path(__file__).with_name("sources.toml")).read_text("utf-8"))
    return tuple(sources.get(name, {}).get("missing_values", ()))


def rates(path: Path) -> Rates:
    """Validate *path* with the default settings (and its source's missing_values) and count
    its place findings."""
    from toolkit.checker import validate
    from toolkit.config import apply, default_settings

    markers = missing_values(path.stem)
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    result = Rates(path.stem, len(records))
    for record in records:
        for column in COLUMNS:
            cell = (record.get(column) or "").strip()
            if cell and cell not in markers:
                result.filled[column] += 1
    settings = apply(default_settings(), {"missing_values": list(markers)}, None)
    report = validate(path, settings)
    for finding in report.findings:
        if finding.rule.startswith("place.") and finding.column in COLUMNS:
            bucket = result.errors if finding.severity == "error" else result.warnings
            bucket[finding.column] += 1
    return result


def _clean_chains(path: Path) -> list[tuple[str, str, str]]:
    """Distinct (country, admin1, admin2) of the file that no place rule finds fault with."""
    from toolkit.gazetteer import Gazetteer
    from toolkit.gazetteer.judge import judge

    gazetteer = Gazetteer.default()
    with path.open(encoding="utf-8", newline="") as handle:
        chains = sorted({(r["country"], r["admin1"], r["admin2"]) for r in csv.DictReader(handle)})
    return [
        (country, admin1, admin2)
        for country, admin1, admin2 in chains
        if country and admin1 and not judge(gazetteer, (country, admin1, admin2 or None, None))
    ]


def plant_misspellings(path: Path, seed: int = 0, limit: int = 300) -> Planted:
    """Misspell accepted admin1/admin2 names of completely listed countries (see module)."""
    from toolkit.gazetteer import Gazetteer
    from toolkit.gazetteer.judge import judge
    from toolkit.rules.mutating import typo

    gazetteer = Gazetteer.default()
    rng = random.Random(seed)
    out = Planted()
    cells = []
    for country, admin1, admin2 in _clean_chains(path):
        code = gazetteer.country_code(country)
        for column, value in (("admin1", admin1), ("admin2", admin2)):
            if value and gazetteer.complete(code, column):
                cells.append((country, admin1, admin2, column, value))
    cells = sorted(set(cells))
    rng.shuffle(cells)
    for country, admin1, admin2, column, value in cells[:limit]:
        garbled = typo(value, rng)
        chain = {"country": country, "admin1": admin1, "admin2": admin2 or None}
        chain[column] = garbled
        if gazetteer.resolve(column, garbled, gazetteer.country_code(country)):
            continue  # the typo made another accepted name of that country: not a misspelling
        out.planted += 1
        found = judge(gazetteer, (chain["country"], chain["admin1"], chain["admin2"], None))
        verdict = found.get(column)
        if verdict is not None and verdict.rule in ("place.known", "place.hierarchy"):
            out.caught += 1
            admin = admin1 if column == "admin2" else None
            suggestion = gazetteer.suggest(column, garbled, country, admin)
            originals = {p.name for p in gazetteer.resolve(column, value, None)}
            if suggestion in originals or suggestion == value:
                out.suggested += 1
            elif len(out.examples) < 5:
                out.examples.append(f"{garbled!r} -> {suggestion!r} (was {value!r})")
        elif len(out.examples) < 5:
            out.examples.append(f"{garbled!r} not caught (was {value!r})")
    return out


def plant_moved_districts(path: Path, seed: int = 0, limit: int = 200) -> Planted:
    """Put accepted districts under another region of their country (see module)."""
    from toolkit.gazetteer import Gazetteer
    from toolkit.gazetteer.judge import judge

    gazetteer = Gazetteer.default()
    rng = random.Random(seed)
    out = Planted()
    chains = [c for c in _clean_chains(path) if c[2]]
    rng.shuffle(chains)
    for country, _admin1, admin2 in chains[:limit]:
        code = gazetteer.country_code(country)
        if not gazetteer.complete(code, "admin2"):
            continue
        homes = {p.admin1 for p in gazetteer.resolve("admin2", admin2, code)}
        regions = sorted(
            {p.name for p in gazetteer.places(code or "") if p.level == "admin1"} - homes
        )
        if not regions:
            continue
        region = rng.choice(regions)
        out.planted += 1
        found = judge(gazetteer, (country, region, admin2, None))
        if found.get("admin2") is not None and found["admin2"].rule == "place.hierarchy":
            out.caught += 1
        elif len(out.examples) < 5:
            out.examples.append(f"{admin2!r} under {region!r}: {found}")
    return out


def table(results: list[Rates]) -> str:
    """The README's Markdown table: one line per source and place column."""
    lines = [
        "| source | P-coded | rows | column | filled | errors | warnings |",
        "|---|---|---:|---|---:|---:|---:|",
    ]
    for r in results:
        pcoded = "yes" if r.name in PCODED else "no"
        for column in COLUMNS:
            filled = r.filled[column]
            if not filled:
                continue
            err, warn = r.errors[column], r.warnings[column]
            lines.append(
                f"| {r.name} | {pcoded} | {r.rows:,} | {column} | {filled:,} "
                f"| {err:,} ({100 * err / filled:.1f}%) | {warn:,} ({100 * warn / filled:.1f}%) |"
            )
        lines.append(
            f"| {r.name} | {pcoded} | {r.rows:,} | **country+admin1+admin2** | "
            f"{sum(r.filled[c] for c in COLUMNS[:3]):,} | **{100 * r.error_rate():.2f}%** | |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--mapped", type=Path, default=SAMPLES, help="folder of mapped CSVs")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    paths = sorted(args.mapped.glob("*.csv"))
    if not paths:
        print(f"no CSV files in {args.mapped}", file=sys.stderr)
        return 0
    results = [rates(path) for path in paths]
    print(table(results))
    print()
    print("| source | misspellings planted | caught (error) | suggested the original |")
    print("|---|---:|---:|---:|")
    for path in paths:
        m = plant_misspellings(path, args.seed)
        if m.planted:
            print(f"| {path.stem} | {m.planted} | {m.caught} ({100 * m.caught / m.planted:.1f}%) "
                  f"| {m.suggested} ({100 * m.suggested / m.planted:.1f}%) |")  # fmt: skip
            for example in m.examples:
                print(f"|   | {example} | | |")
    print()
    print("| source | districts moved to another region | caught (place.hierarchy) |")
    print("|---|---:|---:|")
    for path in paths:
        moved = plant_moved_districts(path, args.seed)
        if moved.planted:
            share = 100 * moved.caught / moved.planted
            print(f"| {path.stem} | {moved.planted} | {moved.caught} ({share:.1f}%) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
