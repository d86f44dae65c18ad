"""Real datasets in, as they come: presets, HXL hashtag rows, column mapping in config,
count ranges (README: Real datasets as published)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import REAL, csv_text, one_line_error, rows
from toolkit.checker import validate
from toolkit.cli import main, validate_command
from toolkit.config import load_settings
from toolkit.errors import ConfigError

RAW = REAL / "raw"
PLACES_OFF = {"rules": {r: "off" for r in ("place.known", "place.unverified", "place.hierarchy")}}


def invoke(*args: str | Path) -> Any:
    return CliRunner().invoke(validate_command, [str(a) for a in args])


def settings(**overrides: Any) -> Any:
    return load_settings(overrides={**PLACES_OFF, **overrides})


# ---------------------------------------------------------------- UCDP GED, as published
def test_ucdp_ged_validates_with_its_preset() -> None:
    report = validate(RAW / "ucdp_ged191_sample.csv", settings(preset="ucdp"))
    assert report.mapping == "preset ucdp"
    assert report.rows == 37
    # the sample's own gaps only: UCDP leaves no required column empty in these rows
    assert report.flatten(("rule",)) == []
    without = one_line_error(invoke(RAW / "ucdp_ged191_sample.csv"))
    assert without.endswith(
        "missing required column(s): record_id, event_id, role, source, published_date, "
        "event_date, event_type, count"
    )


def test_ucdp_counts_are_their_low_to_high_range(tmp_path: Path) -> None:
    """A part's best estimate alone does not add up; its low-high range does."""
    header = "id,date_start,date_end,type_of_violence,country,best,low,high,source_article"
    lines = [
        header,
        "1,2015-05-11,2015-05-12,1,Myanmar (Burma),10,5,12,DVB",
        "2,2015-05-11,2015-05-12,1,Myanmar (Burma),3,1,9,DVB",
    ]
    path = tmp_path / "ged.csv"
    path.write_text("\n".join(lines) + "\n")
    report = validate(path, settings(preset="ucdp"))
    assert report.valid, report.flatten(("line", "rule", "message"))
    # as one event (columns: event_id and role from the file), the parts' 4..21 meet 5..12
    path.write_text(
        "\n".join(
            [
                header + ",ev,role",
                "1,2015-05-11,2015-05-12,1,Myanmar (Burma),10,5,12,DVB,e,total",
                "2,2015-05-11,2015-05-12,1,Myanmar (Burma),3,1,9,DVB,e,part",
                "3,2015-05-11,2015-05-12,1,Myanmar (Burma),3,3,12,DVB,e,part",
            ]
        )
        + "\n"
    )
    mapped = settings(preset="ucdp", columns={"event_id": "ev"})
    assert validate(path, mapped).valid
    exact = path.read_text().replace(",5,12,DVB,e,total", ",10,10,DVB,e,total")
    path.write_text(exact.replace(",3,3,12,", ",3,30,40,"))  # parts 31..49 > total 10
    assert validate(path, mapped).flatten(("rule", "record_id")) == [("subtotal.sum", "1")]


# ---------------------------------------------------------------- HXL
def test_a_hxl_row_is_recognised_skipped_and_its_line_kept() -> None:
    report = validate(RAW / "conflict_data_BGD_sample.csv", settings())
    assert report.mapping == "HXL hashtags"
    assert report.rows == 40
    assert report.flatten(("rule",)) == []
    flagged = validate(
        RAW / "conflict_data_BGD_sample.csv",
        load_settings(overrides={"rules": {"place.unverified": "off"}}),
    )
    assert min(f.line for f in flagged.findings) >= 3  # line 2 is the hashtag row


def test_hxl_hashtags_choose_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "hdx.csv"
    path.write_text(
        "ID,When,Year,Type,Where,Region,Nation,Killed,Injured,Notes\n"
        "#event+code,#date+occurred,#date+year,#event+type,#loc+name,#adm1+name,"
        "#country+name,#affected+killed,#affected+injured,#description\n"
        "a1,2021-07-05T00:00:00,2021,Battles,,Gorno-Badakhshan,Tajikistan,3,4,x\n"
        "a2,2021-07-05 09:30:00,2021,Sports,,,Tajikistan,,1,y\n"
    )
    report = validate(path, settings())
    assert report.flatten(("line", "rule", "column", "value")) == [
        (4, "value.required", "count", None),  # #affected+killed, not +injured
        (4, "value.type", "event_date", "2021-07-05 09:30:00"),  # not at midnight: as written
        (4, "value.enum", "event_type", "Sports"),
    ]


# ---------------------------------------------------------------- ACLED, in its layouts
# ACLED's terms forbid redistributing its rows: these files have ACLED's column names (its
# codebooks; the 2016 header as published, seven nameless columns at its end) and
# records of the seed articles.
OLD_HEADER = (
    "GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,ACTOR1,"
    "ALLY_ACTOR_1,INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,ADMIN1,ADMIN2,ADMIN3,"
    "LOCATION,LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES,,,,,,,"
)
NEW_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp"
)


def _old_acled(tmp_path: Path) -> Path:
    records = [
        "702,1TJK,,05/07/2021,2021,1,Strategic development,Military Forces of Afghanistan,,1,,,0,"
        "10,Tajikistan,Gorno-Badakhshan,Darvoz,,Ruzvay,38.1,70.9,1,Avesta,"
        '"Soldiers crossed near Ruzvay; “1,037” in all — per the border troops",0,,,,,,,',
        "702,2TJK,,31/02/2021,2021,1,Battles,Taliban,,2,,,0,20,Tajikistan,,,,,,,1,Asia-Plus,,1,"
        ",,,,,,",
        "702,3TJK,,06/07/2021,2021,1,Remote violence,Taliban,,2,,,0,20,Tajikistan,,,,,,,1,"
        "Sputnik,Kérouane-style accents: é è ñ,2,,,,,,,",
    ]
    path = tmp_path / "ACLED All Africa File.csv"
    path.write_bytes(("\r\n".join([OLD_HEADER, *records]) + "\r\n").encode("cp1252"))
    return path


def test_an_old_acled_export_in_cp1252(tmp_path: Path) -> None:
    path = _old_acled(tmp_path)
    error = one_line_error(invoke(path, "--preset", "acled"))
    assert "line 2: bytes that are not UTF-8 at byte " in error
    assert "; they look like cp125" in error  # a guess from few bytes: cp1250 or cp1252
    result = invoke(path, "--preset", "acled", "--encoding", "cp1252", "--format", "json",
                    "--rule", "place.unverified=off")  # fmt: skip
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["mapping"] == "preset acled"
    assert [(f["line"], f["rule"], f["column"], f["value"]) for f in report["failures"]] == [
        (3, "value.type", "event_date", "31/02/2021"),  # no such day: as written
    ]


def test_a_current_acled_export(tmp_path: Path) -> None:
    cells = [""] * 31
    named = dict(zip(NEW_HEADER.split(","), range(31), strict=True))
    for key, value in {
        "event_id_cnty": "TJK1", "event_date": "10 February 2023", "event_type": "Protests",
        "country": "Tajikistan", "admin1": "Khatlon", "source": "Asia-Plus", "fatalities": "0",
        "notes": "On 10 February 2023, people gathered.",
    }.items():  # fmt: skip
        cells[named[key]] = value
    second = list(cells)
    second[named["event_id_cnty"]], second[named["event_type"]] = "TJK2", "Meeting"
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([NEW_HEADER.split(","), cells, second])
    report = validate(path, settings(preset="acled"))
    assert report.flatten(("record_id", "rule", "column", "value")) == [
        ("TJK2", "value.enum", "event_type", "Meeting")
    ]


# ---------------------------------------------------------------- precedence, config, errors
def test_config_columns_win_over_the_preset(tmp_path: Path) -> None:
    path = _old_acled(tmp_path)
    config = tmp_path / "pyproject.toml"
    config.write_text(
        '[tool.event-toolkit]\npreset = "acled"\n\n[tool.event-toolkit.columns]\n'
        'record_id = "GWNO"\n'
    )
    report = validate(path, load_settings(data_path=path, overrides={"rules": {
        "place.unverified": "off"}}), options=_cp1252())  # fmt: skip
    assert report.mapping == f"columns from {config}, preset acled"
    ids = {f.record_id for f in report.findings}
    assert ids == {"702"}  # GWNO, the country code, as record_id: used three times
    assert {f.rule for f in report.findings} >= {"record_id.unique"}


def _cp1252() -> Any:
    from toolkit.readers import ReadOptions

    return ReadOptions(encoding="cp1252")


def test_a_plain_contract_file_is_reported_as_before(write_csv: Any) -> None:
    path = write_csv(rows({}))
    report = validate(path, settings())
    assert report.mapping is None
    assert "mapping" not in report.to_dict()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('preset = "acledd"', "unknown preset 'acledd'; did you mean acled? (known: acled, ucdp, "
         "hapi, hxl)"),
        ("[tool.event-toolkit.columns]\nrecord = \"id\"", "columns.record: not a column of the "
         "contract; did you mean record_id?"),
    ],
)  # fmt: skip
def test_bad_mapping_config_names_what_is_wrong(tmp_path: Path, table: str, message: str) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text("[tool.event-toolkit]\n" + table.replace("[tool.event-toolkit]\n", ""))
    with pytest.raises(ConfigError) as info:
        load_settings(config_path=config)
    assert message in str(info.value)


def test_a_mapped_column_the_file_lacks_is_unusable(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(csv_text(rows({})))
    error = one_line_error(invoke(path, "--config", _config(tmp_path, 'quote = "notes"')))
    assert error == f"{path}: columns: quote = 'notes', but the file has no column 'notes'"


def _config(tmp_path: Path, line: str) -> Path:
    config = tmp_path / "mapping.toml"
    config.write_text(f"[tool.event-toolkit.columns]\n{line}\n")
    return config


def test_presets_command_lists_every_preset_and_its_columns() -> None:
    result = CliRunner().invoke(main, ["presets"])
    assert result.exit_code == 0
    heads = [line.split(":")[0] for line in result.stdout.splitlines() if line[:1].isalpha()]
    assert heads == ["acled", "ucdp", "hapi", "hxl"]
    assert "  count           <- fatalities" in result.stdout
    assert "  count_low       <- low" in result.stdout


def test_hxl_tags_as_publishers_write_them(tmp_path: Path) -> None:
    """Insecurity Insight's sheets: #admin1 for #adm1, a bare #loc for the kind of site."""
    path = tmp_path / "ii.csv"
    path.write_text(
        "Date,Country,Admin 1,Location ,Killed\n#date,#country +name,#admin1,#loc,"
        "#affected +healthworker +killed\n2023-12-21T00:00:00,Tajikistan,Nowhereland,"
        "Health Building,1\n"
    )
    report = validate(path, load_settings())
    assert report.flatten(("line", "rule", "column", "value")) == [
        (3, "place.known", "admin1", "Nowhereland")  # the region is read; the site is not
    ]


def test_the_hxl_preset_on_a_file_without_hashtags_says_so(write_csv: Any) -> None:
    report = validate(write_csv(rows({})), settings(preset="hxl"))
    assert report.mapping == "preset hxl"


def test_gx_frame_maps_a_dataset_as_the_checker_does() -> None:
    from toolkit import gx_frame

    frame = gx_frame(RAW / "ucdp_ged191_sample.csv", settings(preset="ucdp"))
    assert len(frame) == 37
    assert frame["record_id"].iloc[0] == "209980" and frame["role"].iloc[0] == "total"
    assert frame["__count_low"].iloc[0] == 1 and frame["__count_high"].iloc[0] == 30
