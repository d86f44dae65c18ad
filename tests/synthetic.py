"""The committed synthetic fixtures (fixtures/synthetic/): how they are made, and a writer.

    python -m tests.synthetic       # rewrite fixtures/synthetic/ (review the diff!)

Each file is written by the ``event-toolkit fixtures`` command with the options below:
one valid file, and one file per rule with a fifth of its events broken for that rule.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from toolkit.cli import main
from toolkit.contract import load_contract

ROOT = Path(__file__).resolve().parents[1]
SYNTHETIC = ROOT / "fixtures" / "synthetic"
EVENTS, SEED = "40", "1"


def commands() -> dict[str, list[str]]:
    """File name -> the fixtures command's options (without --output)."""
    base = ["fixtures", "--events", EVENTS, "--seed", SEED]
    out = {"valid.csv": base}
    for spec in load_contract().rules:
        out[f"{spec.id}.csv"] = [*base, "--break", f"{spec.id}=0.2"]
    return out


def write(folder: Path = SYNTHETIC) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, args in commands().items():
        result = CliRunner().invoke(main, [*args, "--output", str(folder / name)])
        if result.exit_code != 0:
            raise SystemExit(f"{name}: exit {result.exit_code}: {result.output}")
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for path in write():
        print(f"wrote {path.relative_to(ROOT)} and its manifest")
