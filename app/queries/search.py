"""The `q` syntax for clients: words, "a phrase", prefix*. Anything else is read as plain words.

The client's text never reaches the store's search syntax: it is parsed here into terms and
rebuilt, every term quoted, so no input can be an operator, a column filter or a syntax error."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# A phrase between straight or curly double quotes; then any run of non-space characters.
_TOKEN = re.compile(r'["\u201c\u201d]([^"\u201c\u201d]*)["\u201c\u201d]|(\S+)')
# What the store's tokenizer (FTS5 unicode61) keeps as word characters.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchTerm:
    """Consecutive words that must appear together; ``prefix`` lets the last one be a prefix."""

    words: tuple[str, ...]
    prefix: bool = False


def parse_search(q: str) -> list[SearchTerm]:
    """Every term of ``q``; all of them must match. Unpaired quote marks are ignored."""
    terms: list[SearchTerm] = []
    for match in _TOKEN.finditer(q):
        phrase, bare = match.group(1), match.group(2)
        if phrase is not None:
            words = tuple(_WORD.findall(phrase))
            prefix = False
        else:
            words = tuple(_WORD.findall(bare))
            prefix = bare.endswith("*")
        if words:
            terms.append(SearchTerm(words=words, prefix=prefix))
    return terms


def to_tsquery(terms: list[SearchTerm]) -> str:
    """The same search for PostgreSQL's ``to_tsquery('simple', ...)``: a phrase's words
    follow each other (<->), a prefix ends in :*, terms are ANDed. Words hold only letters and
    digits (``_WORD``), so quoting them is enough to keep them plain lexemes."""
    parts = []
    for term in terms:
        words = [f"'{word.lower()}'" for word in term.words]
        if term.prefix:
            words[-1] += ":*"
        parts.append("(" + " <-> ".join(words) + ")")
    return " & ".join(parts)


def to_fts5(terms: list[SearchTerm]) -> str:
    """An FTS5 MATCH expression: each term a quoted phrase, ANDed together."""
    parts = []
    for term in terms:
        phrase = '"' + " ".join(term.words) + '"'
        parts.append(phrase + " *" if term.prefix else phrase)
    return " ".join(parts)


# A search whose rarest word is in more than this share of quotes is "common": its matches are
# found by walking the date order and checking each quote, which stops after one page, instead
# of listing every match first, which is quick only for rare words.
COMMON_SHARE = 0.05
# ...and in more than this many: below it, listing every match is quick anyway.
COMMON_FLOOR = 5000


def search_total(
    rows: Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]],
    match: str,
    up_to: int,
    quotes: int,
) -> tuple[int, bool]:
    """How many quotes an FTS5 search matches, and whether that is exact: counted up to
    ``up_to``; past it, estimated from how far into the store (FTS5 returns matches in id
    order) the match after ``up_to`` stands, so a phrase of common words ("in the") is not
    matched through a million quotes only to be counted. ``rows(sql, params)`` runs a query;
    ``quotes`` is the highest quote id. ``up_to`` 0 counts exactly. Both read paths use this,
    so they give the same estimate."""
    if up_to <= 0:
        found = rows("SELECT count(*) FROM quote_fts WHERE quote_fts MATCH ?", (match,))
        return int(found[0][0]), True
    found = rows(
        "SELECT count(*), max(rowid) FROM (SELECT rowid FROM quote_fts WHERE quote_fts MATCH ? "
        "LIMIT ?)",
        (match, up_to + 1),
    )
    counted, last = int(found[0][0]), found[0][1]
    if counted <= up_to:
        return counted, True
    return max(up_to + 1, round(counted * max(quotes, last) / last)), False


def is_common(
    terms: list[SearchTerm],
    documents: Callable[[str], int],
    quotes: int,
    matches: Callable[[], int],
) -> bool:
    """Whether the search matches many quotes. ``documents(word)`` counts the quotes holding
    a word (cheap for rare words), ``matches()`` the quotes matching the whole search (read
    only when every word is common: a phrase of common words can still be rare), ``quotes``
    counts them all."""
    if not terms or quotes <= 0:
        return False
    many = max(COMMON_SHARE * quotes, COMMON_FLOOR)
    for term in terms:
        words = term.words[:-1] if term.prefix else term.words
        if not words:
            return False  # a bare prefix: no count to plan by, so list its matches
        if min(documents(word.lower()) for word in words) <= many:
            return False
    if len(terms) == 1 and len(terms[0].words) == 1 and not terms[0].prefix:
        return True
    return matches() > many
