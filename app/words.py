"""How the store splits a quote into words, and the word pairs its phrase index holds.

A phrase of common words ("of the") costs a full-text index a merge of two long position
lists before any page can be ordered. The phrase index holds each pair of adjacent words as
one token, at the position of its first word ("they said it was" -> they_said said_it it_was),
so the same phrase is one short list, and a longer one ("one of the") is a phrase of pairs
(one_of of_the), matched exactly as the words are. SQLite's index calls ``word_pairs`` from
its triggers, so every connection that writes quotes registers it (``register``)."""

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


def words(text: str) -> list[str]:
    return WORD.findall(text)


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
