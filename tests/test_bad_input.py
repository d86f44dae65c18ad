"""Whatever bytes the CLI is given, it ends with exit 0/1 and a report, or exit 2 and one
`error:` line on stderr; never another exception or a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import NO_PLACES, REAL
from toolkit.cli import validate_command
from toolkit.errors import InputError
from toolkit.readers import read_table

SEED = (REAL / "extraction_errors.csv").read_bytes()
NASTY = [b'"', b",", b"\n", b"\r", b"\x00", b"\xff"]
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def corrupted(draw: st.DrawFn) -> bytes:
    """The seed fixture with a few random byte flips, deletions and nasty insertions."""
    data = bytearray(SEED)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data) - 1))
        edit = draw(st.sampled_from(["flip", "delete", "insert"]))
        if edit == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif edit == "delete":
            del data[at : at + draw(st.integers(1, 3))]
        else:
            data[at:at] = draw(st.sampled_from(NASTY)) * draw(st.integers(1, 2))
    return bytes(data)


inputs = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from([*NASTY, b"a", b"record_id", b"1"]), max_size=60).map(b"".join),
    corrupted(),
)


def check_outcome(path: Path, fmt: str) -> None:
    result = CliRunner().invoke(validate_command, [str(path), "--format", fmt, *NO_PLACES])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2:
        assert result.stdout == ""
        assert result.stderr.startswith("error: ")
        assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    else:
        assert result.stderr == ""
        if fmt == "json":
            report = json.loads(result.stdout)
            assert report["valid"] is (result.exit_code == 0)
            assert report["summary"]["errors"] == sum(
                f["severity"] == "error" for f in report["failures"]
            )
        else:
            assert result.stdout.startswith(f"{path}: ")


@PROPERTY
@given(data=inputs, fmt=st.sampled_from(["json", "text"]))
def test_any_bytes_give_a_report_or_one_error_line(tmp_path: Path, data: bytes, fmt: str) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    check_outcome(path, fmt)
    assert path.read_bytes() == data


@PROPERTY
@given(data=corrupted())
def test_read_table_raises_only_input_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        table = read_table(path)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    # every line the reader reports lies inside the file, strictly increasing
    lines = table.frame["__line"].to_list()
    assert lines == sorted(set(lines))
    assert all(2 <= line <= data.count(b"\n") + 1 for line in lines)


@pytest.mark.parametrize(
    "data",
    [
        b"a,b\r1,2\r",  # lone CR line ends: _csv.Error from the header parse
        SEED.replace(b"\r\n", b"\r"),
    ],
)
def test_lone_cr_line_ends(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "cr.csv"
    path.write_bytes(data)
    check_outcome(path, "text")
