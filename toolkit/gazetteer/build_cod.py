"""Build step: OCHA's Common Operational Datasets (COD) as the admin1/admin2 backbone.

Read by ``toolkit.gazetteer.build`` (not at run time). The global P-code table (admin 1 and
admin 2 of every country with a COD; committed under sources/) gives, for those countries,
the complete lists of regions and districts with their P-codes. The ISO 3166-2 regions
(with their GeoNames and curated names) are paired with COD regions one to one: the same
name first, then the same name without designation words, then a close spelling of a name
no other region is closer to; an ISO region left over is paired by its towns (the region
whose districts its towns lie in or are named after). P-codes become aliases ("AF1301" is
Gardez).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.gazetteer.normalise import compact, normalise

SOURCES = Path(__file__).with_name("sources")
PCODES = SOURCES / "global_pcodes_adm1_adm2.csv.gz"
# Words that say what kind of region a name is; ignored when pairing names of two sources.
GENERIC = frozenset(
    [
        "province",
        "provincia",
        "provincie",
        "region",
        "regiao",
        "state",
        "estado",
        "oblast",
        "oblys",
        "viloyati",
        "viloyat",
        "wilayah",
        "wilaya",
        "governorate",
        "muhafazah",
        "district",
        "county",
        "department",
        "departement",
        "sheng",
        "shi",
        "zizhiqu",
        "autonomous",
        "republic",
        "respublikasi",
        "prefecture",
        "territory",
        "capital",
        "city",
        "the",
        "of",
        "de",
        "do",
        "da",
        "del",
        "la",
        "le",
        "des",
        "das",
        "municipality",
        "krai",
        "kray",
        "okrug",
        "voivodeship",
    ]
)
FUZZY_PAIR = 88.0  # rapidfuzz WRatio of two cores for a spelling pair
# Compass words in the languages of COD names, in English: pairing "Sud-Est" with
# "South-East", and aliases such as "North Kivu" for "Nord-Kivu".
COMPASS = {
    "nord": "north", "norte": "north", "sud": "south", "sur": "south", "sul": "south",
    "est": "east", "este": "east", "leste": "east", "ouest": "west", "oeste": "west",
    "vest": "west", "nordeste": "northeast", "noreste": "northeast", "noroeste": "northwest",
    "sudeste": "southeast", "sureste": "southeast", "sudoeste": "southwest",
    "suroeste": "southwest", "centre": "center", "centro": "center", "central": "center",
}  # fmt: skip
_CENTRE = ("Centre", "Central", "Center")
_BRACKET = re.compile(r"\s*[(\[].*?[)\]]\s*")


@dataclass
class Row:
    name: str
    level: str
    country: str
    admin1: str = ""
    admin2: str = ""
    aliases: list[str] = field(default_factory=list)
    former: list[str] = field(default_factory=list)  # names the unit no longer bears

    def lookup_keys(self) -> set[str]:
        return {k for k in (compact(n) for n in [self.name, *self.aliases]) if k}


@dataclass
class Unit:
    pcode: str
    name: str
    parent: str  # parent P-code (admin2) or ""


def core(name: str) -> str:
    """A name's words without designation words, compass words in English, no spaces."""
    words = [COMPASS.get(w, w) for w in normalise(name).split() if w not in GENERIC]
    return "".join(words) or compact(name)


def compass_aliases(name: str) -> list[str]:
    """English forms of a name with French, Spanish or Portuguese compass words
    ("Nord-Kivu" -> "North Kivu"; "Centre-Nord" -> "Centre North", "Central North", ...)."""
    words = normalise(name).split()
    if not any(w in COMPASS and COMPASS[w] != w for w in words) and "centre" not in words:
        return []
    forms = [""]
    for word in words:
        if word in ("centre", "centro", "central"):
            options: tuple[str, ...] = _CENTRE
        elif word in COMPASS:
            options = (COMPASS[word].capitalize(),)
        else:
            options = (word.capitalize(),)
        forms = [f"{f} {o}".strip() for f in forms for o in options]
    return [f for f in forms if compact(f) != compact(name)]


def base_name(name: str) -> str:
    """A COD name without its bracketed part ("Shan (North)" -> "shan")."""
    return compact(_BRACKET.sub(" ", name))


def read_cod(path: Path = PCODES) -> dict[str, tuple[list[Unit], list[Unit]]]:
    """ISO alpha-2 -> (admin1 units, admin2 units) of the global P-code table."""
    import pycountry

    text = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    out: dict[str, tuple[list[Unit], list[Unit]]] = {}
    for record in csv.DictReader(io.StringIO(text)):
        country = pycountry.countries.get(alpha_3=record["Location"])
        if country is None:
            continue
        admin1, admin2 = out.setdefault(country.alpha_2, ([], []))
        if record["Admin Level"] == "1":
            admin1.append(Unit(record["P-Code"], record["Name"].strip(), ""))
        elif record["Admin Level"] == "2":
            admin2.append(Unit(record["P-Code"], record["Name"].strip(), record["Parent P-Code"]))
    return out


def _names(row: Row) -> list[str]:
    return [row.name, *row.aliases]


def pair_admin1(units: list[Unit], iso: list[Row]) -> dict[int, int]:
    """COD unit index -> ISO row index, one to one, by name, core name, then close spelling."""
    from rapidfuzz import fuzz

    scored: list[tuple[float, int, int]] = []
    for u, unit in enumerate(units):
        key, unit_core = compact(unit.name), core(unit.name)
        for r, row in enumerate(iso):
            names = _names(row)
            if key in row.lookup_keys():
                scored.append((200.0, u, r))
            elif unit_core in {core(n) for n in names}:
                scored.append((150.0, u, r))
            else:
                best = max(fuzz.WRatio(unit_core, core(n)) for n in names if core(n))
                if best >= FUZZY_PAIR:
                    scored.append((best, u, r))
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for score, u, r in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
        if u in pairs or r in taken:
            continue
        # a close spelling pairs only when no other candidate of either side is as close
        rivals = [s for s in scored if s[0] == score and (s[1] == u) != (s[2] == r)]
        if score < 150 and any(s[1] not in pairs and s[2] not in taken for s in rivals):
            continue
        pairs[u] = r
        taken.add(r)
    return pairs


def vote_by_towns(
    units: list[Unit],
    admin2: list[Unit],
    left_units: list[int],
    left_rows: list[int],
    iso: list[Row],
    towns: list[tuple[str, str, str]],
) -> dict[int, int]:
    """Pair leftover regions by their towns: (iso admin1 name, town name, GeoNames district)
    votes for the COD region holding a district of that name. Needs 2 votes and a majority."""
    district_region: dict[str, set[int]] = defaultdict(set)
    by_pcode = {units[u].pcode: u for u in left_units}
    for unit in admin2:
        if unit.parent in by_pcode:
            district_region[compact(unit.name)].add(by_pcode[unit.parent])
    pairs: dict[int, int] = {}
    for r in left_rows:
        votes: Counter[int] = Counter()
        for region, town, district in towns:
            if region == iso[r].name:
                for name in {compact(town), compact(district)} - {""}:
                    if len(district_region.get(name, ())) == 1:
                        votes[next(iter(district_region[name]))] += 1
        ranked = votes.most_common(2)
        majority = ranked and ranked[0][1] >= 2 and ranked[0][1] > sum(votes.values()) / 2
        if majority and ranked[0][0] not in pairs.values():
            pairs[r] = ranked[0][0]
    return {u: r for r, u in pairs.items()}


def pair_by_translations(
    units: list[Unit],
    left_units: list[int],
    left_rows: list[int],
    iso: list[Row],
    translated: dict[str, set[str]],
) -> dict[int, int]:
    """Pair leftover regions by ISO 3166-2's translations of a region's name (every
    language pycountry has: Ḩalab is "Aleppo" in some, ‘Adan "Aden"): a COD region whose
    name or core name one of them is, when that region is the only one so named and the ISO
    row the only one naming it (never by resemblance)."""
    found: dict[int, set[int]] = {}
    for r in left_rows:
        names = translated.get(iso_code(iso[r]), set())
        keys = {compact(n) for n in names} | {core(n) for n in names}
        found[r] = {u for u in left_units if {compact(units[u].name), core(units[u].name)} & keys}
    claimed = Counter(u for hits in found.values() for u in hits)
    return {
        next(iter(hits)): r
        for r, hits in found.items()
        if len(hits) == 1 and claimed[next(iter(hits))] == 1
    }


def iso_code(row: Row) -> str:
    """An ISO row's subdivision code (SY-HL), among its aliases."""
    return next((a for a in row.aliases if a.split("-")[0] == row.country and "-" in a), "")


def merge_country(
    cc: str,
    units: list[Unit],
    admin2: list[Unit],
    iso: list[Row],
    curated_names: set[str],
    towns: list[tuple[str, str, str]],
    translated: dict[str, set[str]] | None = None,
    fixed: dict[str, str] | None = None,
) -> tuple[list[Row], dict[str, str], dict[str, str]]:
    """The country's admin1 rows (COD backbone, ISO names as aliases), a map ISO-side name ->
    final name, and a map admin1 P-code -> final name.

    An ISO region that COD splits into parts ("Shan" into "Shan (North)", "Shan (South)",
    "Shan (East)") becomes a name of each part, so a district of any part lies in it.
    *fixed* (P-code -> ISO code: sources/iso_cod_pairs.csv) pairs regions first, where names
    alone cannot (Shabeellaha Hoose is Lower Shabelle)."""
    by_code = {iso_code(row): r for r, row in enumerate(iso)}
    settled = {
        u: by_code[fixed[unit.pcode]]
        for u, unit in enumerate(units)
        if fixed and unit.pcode in fixed and fixed[unit.pcode] in by_code
    }
    groups: dict[int, list[int]] = {}
    for r, row in enumerate(iso):
        keys = row.lookup_keys()
        parts = [
            u
            for u, unit in enumerate(units)
            if base_name(unit.name) in keys and compact(unit.name) != base_name(unit.name)
        ]
        if len(parts) >= 2:
            groups[r] = parts
    grouped = {u for parts in groups.values() for u in parts} | set(settled)
    kept = [r for r in range(len(iso)) if r not in groups]
    free = [r for r in kept if r not in settled.values()]
    pairs = {
        u: free[r]
        for u, r in pair_admin1(
            [unit for u, unit in enumerate(units) if u not in grouped], [iso[r] for r in free]
        ).items()
    }
    ungrouped = [u for u in range(len(units)) if u not in grouped]
    pairs = {ungrouped[u]: r for u, r in pairs.items()}
    pairs.update(settled)
    left_units = [u for u in range(len(units)) if u not in pairs and u not in grouped]
    left_rows = [r for r in kept if r not in pairs.values()]
    pairs.update(vote_by_towns(units, admin2, left_units, left_rows, iso, towns))
    left_units = [u for u in left_units if u not in pairs]
    left_rows = [r for r in left_rows if r not in pairs.values()]
    pairs.update(pair_by_translations(units, left_units, left_rows, iso, translated or {}))
    rows: list[Row] = []
    renamed: dict[str, str] = {}
    by_pcode: dict[str, str] = {}
    for u, unit in enumerate(units):
        if u in pairs:
            match = iso[pairs[u]]
            name = match.name if match.name in curated_names else unit.name
            aliases = [n for n in [unit.name, *_names(match)] if n != name] + [unit.pcode]
            renamed[match.name] = name
        else:
            name, aliases = unit.name, [unit.pcode]
        for r, parts in groups.items():
            if u in parts:
                aliases += _names(iso[r])
        aliases += [a for n in [unit.name, *aliases] for a in compass_aliases(n)]
        rows.append(Row(name, "admin1", cc, aliases=aliases))
        by_pcode[unit.pcode] = name
    paired_rows = set(pairs.values())
    for r in kept:
        if r not in paired_rows:  # an ISO region COD does not list: kept under its own name
            rows.append(iso[r])
            renamed[iso[r].name] = iso[r].name
    return rows, renamed, by_pcode


def admin2_rows(cc: str, admin2: list[Unit], by_pcode: dict[str, str]) -> list[Row]:
    """The country's COD districts under their regions' final names, P-codes as aliases."""
    return [
        Row(unit.name, "admin2", cc, by_pcode[unit.parent],
            aliases=[unit.pcode, *compass_aliases(unit.name)])
        for unit in admin2
        if unit.parent in by_pcode
    ]  # fmt: skip
