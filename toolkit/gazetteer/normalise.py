"""Name normalisation shared by the build script and the lookups.

``normalise`` makes matching case-, accent-, apostrophe- and whitespace-insensitive:
NFKD, drop combining marks, casefold, drop apostrophes and quotes, read hyphens, dots,
underscores, commas and slashes as spaces, collapse whitespace.
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

_TABLE: dict[int, str | None] = {ord(c): None for c in _DROP}
_TABLE.update({ord(c): " " for c in _SPACE})
_TABLE.update({ord(k): v for k, v in _LETTERS.items()})
_WS = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def normalise(value: str) -> str:
    """The matching key of a place name ("Kŭhistoni  Badakhshon" -> "kuhistoni badakhshon")."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = stripped.casefold().translate(_TABLE)
    return _WS.sub(" ", folded).strip()
