"""Fail unless the wheel ships what the toolkit reads at run time (used by ci.yml)."""

from __future__ import annotations

import sys
import zipfile

REQUIRED = (
    "toolkit/_schemas/contract.toml",
    "toolkit/_schemas/event-record.gx.json",
    "toolkit/gx/expectations.py",
    "toolkit/gazetteer/places.csv.gz",
    "toolkit/gazetteer/places.keys.gz",
    "toolkit/pytest_plugin.py",
)


def main(paths: list[str]) -> int:
    if len(paths) != 1:
        print("usage: check_wheel.py DIST.whl", file=sys.stderr)
        return 2
    with zipfile.ZipFile(paths[0]) as wheel:
        names = set(wheel.namelist())
        entry_points = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), "")
        text = wheel.read(entry_points).decode() if entry_points else ""
    missing = [name for name in REQUIRED if name not in names]
    if "[pytest11]" not in text:
        missing.append("entry point pytest11")
    for name in missing:
        print(f"{paths[0]}: missing {name}", file=sys.stderr)
    print(f"{paths[0]}: {len(names)} files; " + ("OK" if not missing else "INCOMPLETE"))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
