"""The checker reproduces the committed reports of the real extractions exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import golden
from tests.golden import ANSWER_KEY, EXIT_CODES, FILES, FORMATS, expected_path, keyed, render


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", FILES)
def test_report_matches_the_committed_one(name: str, fmt: str) -> None:
    code, out = render(name, fmt)
    assert code == EXIT_CODES[name]
    assert out == expected_path(name, fmt).read_text(encoding="utf-8")


def test_the_error_fixture_breaks_each_documented_rule() -> None:
    """The findings the fixture's README promises, rule by rule (not just 'what we print')."""
    report = json.loads(expected_path("extraction_errors", "json").read_text(encoding="utf-8"))
    assert report["summary"]["by_rule"] == {
        "row.shape": 1, "value.required": 1, "value.type": 3, "value.enum": 2,
        "record_id.unique": 1, "date.range": 1, "date.order": 2, "event.consistent": 1,
        "subtotal.total": 1,
        "subtotal.sum": 2, "place.known": 1, "place.unverified": 1, "place.hierarchy": 1,
    }  # fmt: skip
    assert keyed(report["failures"]) == ANSWER_KEY["extraction_errors"]
    assert json.loads(expected_path("events", "json").read_text(encoding="utf-8"))["valid"]


def test_the_writer_writes_what_the_tests_expect(tmp_path: Path) -> None:
    written = golden.write(tmp_path)
    assert len(written) == len(FILES) * len(FORMATS)
    for path in written:
        assert path.read_bytes() == (golden.EXPECTED / path.name).read_bytes(), path.name


def test_the_writer_refuses_a_report_that_is_not_the_answer_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong checker with the right exit codes must not rewrite the golden files."""
    real_render = golden.render

    def one_finding_short(name: str, fmt: str) -> tuple[int, str]:
        code, out = real_render(name, fmt)
        if name == "extraction_errors" and fmt == "json":
            report = json.loads(out)
            report["failures"] = [f for f in report["failures"] if f["rule"] != "date.range"]
            out = json.dumps(report)
        return code, out

    monkeypatch.setattr(golden, "render", one_finding_short)
    with pytest.raises(SystemExit, match=r"missing \[\('err-year-2201'"):
        golden.write(tmp_path / "out")
    assert not (tmp_path / "out").exists()
