"""Build step: country names as conflict datasets write them, from maintained sources.

Read by ``toolkit.gazetteer.build`` (not at run time). Sources:

- pycountry: ISO 3166-1 names and codes, and their translations (``LANGUAGES``);
- country_converter (coco): short and official names;
- OCHA's Countries & Territories Taxonomy (hdx-python-country, committed under sources/):
  preferred, alternative, ReliefWeb, UN M49 and UN-language names, and its pattern.

A name that two sources give to two different countries is dropped (pycountry's
translations hold a few such slips). OCHA's pattern is shipped (``country_patterns.tsv``);
country_converter's (GPL-3.0) is not: only its names, which are facts, are read.
"""

from __future__ import annotations

import csv
import gettext
import gzip
import importlib.util
import io
import sys
from collections import defaultdict
from pathlib import Path

from toolkit.gazetteer.normalise import compact

SOURCES = Path(__file__).with_name("sources")
TAXONOMY = SOURCES / "hdx_countries_taxonomy.csv.gz"
# Languages of the translations taken from pycountry (the region's press, the UN's languages,
# and those of the big conflict-data producers' users).
LANGUAGES = ("ru", "uk", "ky", "tg", "uz", "kk", "tk", "fa", "ps", "ar", "fr", "es", "pt", "de",
             "tr", "it")  # fmt: skip
TAXONOMY_NAMES = (
    "Preferred Term", "ISO Alt Term", "DGACM Alt Term", "HPC Tools Alt Term", "RW Short Name",
    "RW API Alt Term", "English Short", "French Short", "Spanish Short", "Russian Short",
    "Arabic Short", "English Formal", "M49 English", "M49 French", "M49 Spanish", "M49 Russian",
    "M49 Arabic",
)  # fmt: skip


def _site(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        sys.exit(f"build needs the {package!r} package installed (pip install '.[gazetteer]')")
    return Path(spec.origin).parent


def _coco_rows() -> list[dict[str, str]]:
    path = _site("country_converter") / "country_data.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _taxonomy_rows() -> list[dict[str, str]]:
    text = gzip.decompress(TAXONOMY.read_bytes()).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _names(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def country_names() -> dict[str, list[str]]:
    """ISO alpha-2 code -> names from every source, first seen first, ambiguous ones dropped."""
    import pycountry

    found: dict[str, list[str]] = defaultdict(list)
    owners: dict[str, set[str]] = defaultdict(set)

    def add(code: str, name: str) -> None:
        for part in _names(name):
            key = compact(part)
            if key and len(code) == 2:
                found[code].append(part)
                owners[key].add(code)

    locales = Path(pycountry.__file__).parent / "locales"
    translations = []
    for language in LANGUAGES:
        try:
            translations.append(gettext.translation("iso3166-1", str(locales), [language]))
        except OSError:
            continue  # pycountry has no ISO 3166-1 catalogue in that language
    for country in pycountry.countries:
        english = [getattr(country, f, "") for f in ("name", "official_name", "common_name")]
        for name in english:
            if name:
                add(country.alpha_2, name)
                for translation in translations:
                    add(country.alpha_2, translation.gettext(name))
    for row in _coco_rows():
        for column in ("name_short", "name_official"):
            add(row["ISO2"], row[column])
    for row in _taxonomy_rows():
        if row["Deprecated"] != "Y":
            for column in TAXONOMY_NAMES:
                add(row["ISO 3166-1 Alpha 2-Codes"], row[column])
    return {
        code: [n for n in names if len(owners[compact(n)]) == 1] for code, names in found.items()
    }


def country_patterns() -> list[tuple[str, str]]:
    """(ISO alpha-2, OCHA taxonomy pattern) per country that has one."""
    return sorted(
        (r["ISO 3166-1 Alpha 2-Codes"], r["Regex"])
        for r in _taxonomy_rows()
        if r["Regex"] and r["Deprecated"] != "Y" and len(r["ISO 3166-1 Alpha 2-Codes"]) == 2
    )
