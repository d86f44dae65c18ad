"""Name normalisation shared by the build script and the lookups.

``normalise`` makes matching case-, accent-, apostrophe- and whitespace-insensitive:
NFKD, drop combining marks, casefold, drop apostrophes and quotes, read hyphens, dots,
underscores, commas and slashes as spaces, collapse whitespace. ``compact`` (the lookup key)
also drops the spaces; ``latin`` transliterates other scripts for a second lookup.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Apostrophe-like and quote characters that are dropped outright ("Roshtqal'a" -> "roshtqala").
_DROP = "'\"`´‘’‚‛“”„‟ʹʺʻʼʽʾʿˈˊˋ′″"
# Separators read as a space ("Gorno-Badakhshan" -> "gorno badakhshan").
_SPACE = "-‐‑‒–—―._,/\\()[]"
# Letters that NFKD does not decompose into a base letter plus a mark.
_LETTERS = {
    "ı": "i",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ł": "l",
    "ħ": "h",
    "ŧ": "t",
    "æ": "ae",
    "œ": "oe",
}

# Distinct names a run keeps the keys of (a file with 50,000 unknown villages needs them all).
NAMES_CACHED = 1 << 18

_TABLE: dict[int, str | None] = {ord(c): None for c in _DROP}
_TABLE.update({ord(c): " " for c in _SPACE})
_TABLE.update({ord(k): v for k, v in _LETTERS.items()})
_WS = re.compile(r"\s+")


@lru_cache(maxsize=NAMES_CACHED)
def normalise(value: str) -> str:
    """The matching key of a place name ("Kŭhistoni  Badakhshon" -> "kuhistoni badakhshon")."""
    if value.isascii():  # NFKD changes no ASCII text and leaves no mark to drop
        folded = value.lower().translate(_TABLE)
    else:
        decomposed = unicodedata.normalize("NFKD", value)
        stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
        folded = stripped.casefold().translate(_TABLE)
    return _WS.sub(" ", folded).strip()


@lru_cache(maxsize=NAMES_CACHED)
def compact(value: str) -> str:
    """The lookup key: ``normalise`` without spaces, so spacing variants are equal
    ("Sidi Bou Zid" = "Sidi Bouzid", "Grand'Anse" = "Grand Anse")."""
    return normalise(value).replace(" ", "")


# Ukraine's national romanisation (Cabinet of Ministers resolution 55 of 2010), the one
# OCHA's Ukrainian P-code names use; applied to any Cyrillic name besides anyascii's reading.
# First letters of a word take the second form.
_UKRAINIAN = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ы": "y",
    "э": "e", "ё": "io", "ъ": "",
}  # fmt: skip
_UKRAINIAN_FIRST = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def _ukrainian(key: str) -> str:
    out: list[str] = []
    previous = " "
    for char in key:
        if previous == " " and char in _UKRAINIAN_FIRST:
            out.append(_UKRAINIAN_FIRST[char])
        else:
            out.append(_UKRAINIAN.get(char, char))
        previous = char
    return "".join(out)


@lru_cache(maxsize=NAMES_CACHED)
def latin(value: str) -> tuple[str, ...]:
    """Latin readings of a name in another script, for a second lookup: anyascii's (ISC
    licence), and for Cyrillic also Ukraine's national romanisation ("Нікопольський" ->
    "nikopolskyi"); empty when the name holds no letters outside Latin."""
    key = normalise(value)
    if key.isascii():
        return ()
    from anyascii import anyascii

    readings = [normalise(anyascii(key))]
    if any("\u0400" <= c <= "\u04ff" for c in key):  # before NFKD drops the breve of й
        composed = unicodedata.normalize("NFC", value).casefold()
        readings.append(normalise(anyascii(_ukrainian(composed))))
    return tuple(dict.fromkeys(r for r in readings if r))
