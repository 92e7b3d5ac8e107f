"""How the store splits a quote into words, and the word pairs its phrase index holds.

A phrase of common words ("of the") costs a full-text index a merge of two long position
lists before any page can be ordered. The phrase index holds each pair of adjacent words as
one token, at the position of its first word ("they said it was" -> they_said said_it it_was),
so the same phrase is one short list, and a longer one ("one of the") is a phrase of pairs
(one_of of_the), matched exactly as the words are. SQLite's index calls ``word_pairs`` from
its triggers, so every connection that writes quotes registers it (``register``)."""

import datetime as dt
import re
from typing import Any

# What the store's tokenizer (FTS5 unicode61, and PostgreSQL's word split) keeps as word
# characters: letters and digits; everything else separates words.
WORD = re.compile(r"[^\W_]+")
# Joins a pair's two words into one token: a word character to the pair index's tokenizer
# (``tokenchars``), never one inside a word.
JOIN = "_"
# The SQL name of ``word_pairs`` on SQLite connections.
FUNCTION = "saidwho_word_pairs"

# On SQLite the phrase index lists a quote under a key that orders by its date, then its id
# (days since 1900 above the low ``ID_BITS`` bits, the id in them): a phrase's newest matches
# are the first it lists, so a page needs no sort and a total no look at the quotes.
ID_BITS = 41
ID_MASK = (1 << ID_BITS) - 1
_DAY_ZERO = dt.date(1900, 1, 1)
# Julian day number of 1900-01-01 as SQLite's julianday() gives it, cast to an integer.
_JULIAN_ZERO = 2415020


def pair_key_sql(quote: str) -> str:
    """The key of a quote row (``new``, ``old``, ``q``) in SQL."""
    return (
        f"((CAST(julianday({quote}.date) AS INTEGER) - {_JULIAN_ZERO}) * {1 << ID_BITS} "
        f"+ {quote}.id)"
    )


def pair_key(date: dt.date, quote_id: int) -> int:
    return ((date - _DAY_ZERO).days << ID_BITS) + quote_id


def key_date(key: int) -> dt.date:
    return _DAY_ZERO + dt.timedelta(days=key >> ID_BITS)


def word_pairs(text: str | None) -> str:
    """The pair tokens of ``text``, space-separated, in order: one for each two adjacent
    words. Case and accents are left to the index's tokenizer, which folds them as the word
    index does."""
    found = WORD.findall(text or "")
    return " ".join(first + JOIN + second for first, second in zip(found, found[1:], strict=False))


def pair_tokens(phrase_words: tuple[str, ...]) -> tuple[str, ...]:
    """A phrase's words as the pair tokens that make it, in order (none for a single word)."""
    return tuple(a + JOIN + b for a, b in zip(phrase_words, phrase_words[1:], strict=False))


def register(connection: Any) -> None:
    """Makes ``word_pairs`` callable from SQL on a sqlite3 connection (the triggers of the
    phrase index call it)."""
    connection.create_function(FUNCTION, 1, word_pairs, deterministic=True)
