"""How names become ids and lookup keys, so "Antony Blinken", "antony blinken" and
"antony-blinken" all find the same speaker."""

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'"})
_SPACES = re.compile(r"\s+")
_NON_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=16384)  # a batch of articles looks the same names up many times
def name_key(name: str) -> str:
    """Case-, space- and apostrophe-insensitive form of a name, for alias lookups."""
    folded = unicodedata.normalize("NFKC", name).translate(_APOSTROPHES).casefold()
    return _SPACES.sub(" ", folded).strip()


@lru_cache(maxsize=16384)
def slugify(name: str) -> str:
    """A URL-safe id from a name: "The Washington Post" -> "the-washington-post"."""
    ascii_only = (
        unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    )
    # "U.S." should read as "us", not "u-s".
    ascii_only = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\.)|(?<=\b[a-z]\.[a-z])\.", "", ascii_only)
    return _NON_SLUG.sub("-", ascii_only).strip("-")
