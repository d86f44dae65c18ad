"""The committed synthetic fixtures (fixtures/synthetic/): how they are made, and a writer.

    python -m tests.synthetic       # rewrite fixtures/synthetic/ (review the diff!)

Each file is written by the ``event-toolkit fixtures`` command with the options below:
one valid file, and one file per rule with a fifth of its events broken for that rule.
The bytes depend on the installed Faker, numpy and polars (recorded in each manifest under
options.versions): tests compare bytes only when those versions are installed, and always
check each file's meaning against its manifest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from toolkit.cli import main
from toolkit.contract import load_contract
from toolkit.fixtures import manifest_path

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


def manifests(folder: Path = SYNTHETIC) -> dict[str, dict[str, Any]]:
    """File name -> its committed manifest."""
    return {
        name: json.loads(manifest_path(folder / name).read_text(encoding="utf-8"))
        for name in commands()
    }


def recorded_versions(folder: Path = SYNTHETIC) -> dict[str, str]:
    """The generator packages' versions the committed files were written with (one set)."""
    found = {
        json.dumps(m["options"]["versions"], sort_keys=True) for m in manifests(folder).values()
    }
    if len(found) != 1:
        raise AssertionError(f"{folder}: manifests record different versions: {sorted(found)}")
    versions: dict[str, str] = json.loads(found.pop())
    return versions


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
