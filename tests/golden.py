"""Expected reports of the real extractions: how they are made, and a writer.

    python -m tests.golden          # rewrite fixtures/real/expected/ (review the diff!)

Each report is what ``validate fixtures/real/<name>.csv --format <fmt>`` prints when run from
the repository root; fixtures/real/pyproject.toml pins date_max so the reports are stable.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from toolkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "fixtures" / "real"
EXPECTED = REAL / "expected"
FILES = ("events", "extraction_errors")
FORMATS = {"text": "txt", "json": "json", "github": "github.txt", "junit": "junit.xml",
           "markdown": "md"}  # fmt: skip
# a fixed GitHub environment, so the Markdown links are the same everywhere
GITHUB_ENV: dict[str, str | None] = {
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "example/event-data",
    "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
    "GITHUB_STEP_SUMMARY": None,
}
EXIT_CODES = {"events": 0, "extraction_errors": 1}


@contextmanager
def _at_root() -> Iterator[None]:
    before = Path.cwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(before)


def render(name: str, fmt: str) -> tuple[int, str]:
    """(exit code, stdout) of ``validate fixtures/real/<name>.csv --format <fmt>``."""
    with _at_root():
        result = CliRunner(env=GITHUB_ENV).invoke(
            main, ["validate", f"fixtures/real/{name}.csv", "--format", fmt], color=False
        )
    return result.exit_code, result.stdout


def expected_path(name: str, fmt: str) -> Path:
    return EXPECTED / f"{name}.{FORMATS[fmt]}"


def write() -> None:
    EXPECTED.mkdir(exist_ok=True)
    for name in FILES:
        for fmt in FORMATS:
            code, out = render(name, fmt)
            if code != EXIT_CODES[name]:
                raise SystemExit(f"{name} {fmt}: exit {code}, expected {EXIT_CODES[name]}")
            expected_path(name, fmt).write_text(out, encoding="utf-8")
            print(f"wrote {expected_path(name, fmt).relative_to(ROOT)}")


if __name__ == "__main__":
    write()
