"""validate --changed-since REF: only rows added or changed since a git revision, while
event rules still see (and report on) the whole event."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import csv_text, one_line_error, rows
from toolkit.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

TOTAL = {"record_id": "t", "event_id": "e", "role": "total", "count": "300"}
PARTS = [{"record_id": f"p{i}", "event_id": "e", "role": "part", "count": "100"} for i in range(3)]
OLD_BAD = {"record_id": "old-bad", "event_id": "o", "count": "1,000"}  # committed, broken


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.org")
    git(tmp_path, "config", "user.name", "t")
    (tmp_path / "data").mkdir()
    write(tmp_path, [TOTAL, *PARTS, OLD_BAD])
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first")
    return tmp_path


def write(repo: Path, data: list[dict[str, str]]) -> Path:
    path = repo / "data" / "events.csv"
    path.write_text(csv_text(rows(*data)), encoding="utf-8")
    return path


def findings(repo: Path, *args: str) -> tuple[int, list[tuple[str, str, int]]]:
    result = CliRunner().invoke(
        main, ["validate", str(repo / "data"), "--format", "json", "--rule",
               "place.known=off", *args],
    )  # fmt: skip
    payload = json.loads(result.stdout)
    reports = payload if isinstance(payload, list) else [payload]
    found = [(f["rule"], f["record_id"], f["line"]) for r in reports for f in r["failures"]]
    return result.exit_code, found


def test_a_changed_part_breaking_its_total_is_reported(repo: Path) -> None:
    changed_part = {**PARTS[1], "count": "150"}
    new_row = {"record_id": "new", "event_id": "n", "published_date": "07.07.2021"}
    write(repo, [TOTAL, PARTS[0], changed_part, PARTS[2], OLD_BAD, new_row])
    assert findings(repo)[1] == [
        ("subtotal.sum", "t", 2),
        ("value.type", "old-bad", 6),
        ("value.type", "new", 7),
    ]
    code, found = findings(repo, "--changed-since", "HEAD")
    assert code == 1
    # the sum (anchored on the untouched total) and the new row; not the old bad row
    assert found == [("subtotal.sum", "t", 2), ("value.type", "new", 7)]


def test_moved_rows_are_not_changes_and_clean_diffs_pass(repo: Path) -> None:
    write(repo, [OLD_BAD, *reversed(PARTS), TOTAL])
    assert findings(repo, "--changed-since", "HEAD") == (0, [])


def test_a_new_file_is_all_new(repo: Path) -> None:
    (repo / "data" / "more.csv").write_text(csv_text(rows(OLD_BAD)), encoding="utf-8")
    code, found = findings(repo, "--changed-since", "HEAD")
    assert code == 1 and found == [("value.type", "old-bad", 2)]


def test_unknown_revision_and_no_repository_exit_2(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    result = CliRunner().invoke(main, ["validate", str(repo / "data"), "--changed-since", "nope"])
    assert "--changed-since nope: not a known git revision" in one_line_error(result)
    elsewhere = tmp_path_factory.mktemp("plain") / "e.csv"
    elsewhere.write_text(csv_text(rows({})), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(elsewhere), "--changed-since", "HEAD"])
    assert "not inside a git repository" in one_line_error(result)


def test_folder_without_csv_files_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert "no input files in this folder" in one_line_error(result)
