"""The place rules on samples of real, public event datasets (fixtures/real/samples/).

The samples are published data as their publishers wrote it (see that folder's README for
sources and licences). Ceilings are the error rates measured when the samples were committed,
rounded up a little: a change that makes real names fail more often fails here. The planted
misspellings and moved districts take their answer keys from the data itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.realdata.place_rates import plant_misspellings, plant_moved_districts, rates

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "samples"
# error-severity place findings / filled country, admin1 and admin2 cells
CEILINGS = {
    "ucdp_ged": 0.035,  # Myanmar districts romanised otherwise than OCHA (Tachilek, Dawai)
    "insecurity_insight_education": 0.03,
    # with its publisher's "No Information" as missing_values (bench/realdata/sources.toml)
    "insecurity_insight_aidworkers": 0.04,
    "ua_air_raid_sirens": 0.005,  # Ukrainian in Cyrillic
}


@pytest.mark.parametrize("name", sorted(CEILINGS))
def test_error_rate_on_real_names_stays_under_its_ceiling(name: str) -> None:
    measured = rates(SAMPLES / f"{name}.csv")
    assert measured.rows > 1000
    assert measured.error_rate() <= CEILINGS[name], (measured.errors, measured.filled)


def test_cyrillic_sample_names_resolve_at_every_admin_level() -> None:
    measured = rates(SAMPLES / "ua_air_raid_sirens.csv")
    assert measured.filled["admin1"] > 1000 and measured.filled["admin2"] > 100
    assert measured.errors["admin1"] == measured.errors["admin2"] == 0


@pytest.mark.parametrize("name", sorted(CEILINGS))
def test_planted_misspellings_are_errors_that_suggest_the_original(name: str) -> None:
    planted = plant_misspellings(SAMPLES / f"{name}.csv", seed=1, limit=60)
    assert planted.planted >= 30
    assert planted.caught / planted.planted >= 0.95, planted.examples
    assert planted.suggested / planted.planted >= 0.85, planted.examples


@pytest.mark.parametrize("name", ["ucdp_ged", "ua_air_raid_sirens"])
def test_a_district_moved_to_another_region_is_an_error(name: str) -> None:
    moved = plant_moved_districts(SAMPLES / f"{name}.csv", seed=1, limit=40)
    assert moved.planted >= 20
    assert moved.caught == moved.planted, moved.examples
