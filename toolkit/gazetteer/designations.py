"""Designation words: what publishers add to a name to say what kind of unit it is.

"Donetsk Oblast", "Herat Province", "Laukkaing District", "г. Худжанд", "Рудакинский район".
A lookup drops one such word (at the start or the end of the name) only when the full name is
unknown at a level and the bare name is known at that same level; each level has its own
words, so "Herat District" never becomes Herat province, and "Eastern Province", a name of
its own, is found before any word is dropped.
"""

from __future__ import annotations

from functools import lru_cache

from toolkit.gazetteer.normalise import NAMES_CACHED, compact, normalise

# Normalised words (and two-word phrases) per gazetteer level.
_REGION = (
    "oblast", "oblasti", "oblys", "oblysy", "province", "provincia", "provinsi", "provincie",
    "governorate", "gouvernorat", "muhafazah", "muhafazat", "mohafazat", "region", "regiao",
    "state", "estado", "wilayah", "wilaya", "wilayat", "velayat", "viloyati", "viloyat",
    "departement", "department", "departamento", "county", "prefecture", "krai", "kray",
    "okrug", "division", "territory", "canton", "emirate", "area", "governorate of",
    "province of", "region of", "state of", "wilayat of", "autonomous region",
    "autonomous oblast", "область", "обл", "край", "вилояти", "вилоят", "viloyati of",
    "провинция", "штат", "округ", "республика", "муҳофазаи", "мухафаза", "області",
    "city", "city of", "м", "місто", "г", "город", "shahri", "шаҳри",
)  # fmt: skip
_DISTRICT = (
    "district", "districts", "township", "raion", "rayon", "raioni", "county", "municipality",
    "municipio", "municipalite", "commune", "subprefecture", "sub prefecture", "prefecture",
    "departement", "department", "zone", "woreda", "lga", "local government area",
    "local government", "sub county", "subcounty", "cercle", "circle", "arrondissement",
    "tehsil", "tahsil", "tumani", "tuman", "nohiyai", "nohiya", "shahri", "city", "city of",
    "district of", "wuleswali", "uluswali", "район", "р н", "рн", "г", "город", "ноҳияи",
    "ноҳия", "нохияи", "нохия", "шаҳри", "шахри", "туман", "тумани", "округ", "шаҳр",
    "м", "місто", "громада", "hromada", "territorial community",
)  # fmt: skip
_PLACE = (
    "village", "town", "city", "city of", "town of", "village of", "settlement", "camp",
    "qishloq", "qishlogi", "kishlak", "dehai", "deh", "г", "город", "село", "с", "пос",
    "посёлок", "поселок", "пгт", "кишлак", "деҳаи", "деҳа", "шаҳри", "шахри", "шаҳрак",
    "м", "місто", "смт", "селище", "село", "с", "громада", "hromada",
)  # fmt: skip

WORDS: dict[str, frozenset[str]] = {
    "country": frozenset(),
    "admin1": frozenset(normalise(w) for w in _REGION),
    "admin2": frozenset(normalise(w) for w in _DISTRICT),
    "location": frozenset(normalise(w) for w in _PLACE),
}


@lru_cache(maxsize=NAMES_CACHED)
def bare_words(value: str, level: str) -> tuple[str, ...]:
    """*value* normalised, without one designation word (or phrase) of *level* at its start
    or end ("Donetsk Oblast" -> ("donetsk",)); empty when it has none (or only that word)."""
    words = normalise(value).split()
    out: list[str] = []
    designations = WORDS[level]
    for size in (1, 2, 3):
        if len(words) <= size:
            break
        if " ".join(words[:size]) in designations:
            out.append(" ".join(words[size:]))
        if " ".join(words[-size:]) in designations:
            out.append(" ".join(words[:-size]))
    return tuple(dict.fromkeys(out))


def bare_keys(value: str, level: str) -> tuple[str, ...]:
    """Lookup keys of ``bare_words`` ("Donetsk Oblast" -> ("donetsk",))."""
    return tuple(dict.fromkeys(compact(words) for words in bare_words(value, level)))


@lru_cache(maxsize=NAMES_CACHED)
def near_bare_words(value: str, level: str) -> tuple[str, ...]:
    """For suggestions only (a match never comes from resemblance): *value* normalised,
    without a first or last word of 5+ letters one edit away from a designation word of
    *level* ("Hajjah Governoraet" -> ("hajjah",)), so that the misspelt word does not make
    another "X Governorate" look closest. Empty for a one-word name."""
    words = normalise(value).split()
    if len(words) < 2:
        return ()
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    long = _LONG_WORDS[level]
    out = []
    for word, rest in ((words[0], words[1:]), (words[-1], words[:-1])):
        if (
            len(word) >= 5
            and word not in WORDS[level]
            and process.extractOne(word, long, scorer=OSA.distance, score_cutoff=1) is not None
        ):
            out.append(" ".join(rest))
    return tuple(dict.fromkeys(out))


_LONG_WORDS = {
    level: sorted(w for w in words if len(w) >= 5 and " " not in w)
    for level, words in WORDS.items()
}
