"""The `q` syntax for clients: words, "a phrase", prefix*. Anything else is read as plain words.

The client's text never reaches the store's search syntax: it is parsed here into terms and
rebuilt, every term quoted, so no input can be an operator, a column filter or a syntax error."""

import re
from dataclasses import dataclass

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


def to_fts5(terms: list[SearchTerm]) -> str:
    """An FTS5 MATCH expression: each term a quoted phrase, ANDed together."""
    parts = []
    for term in terms:
        phrase = '"' + " ".join(term.words) + '"'
        parts.append(phrase + " *" if term.prefix else phrase)
    return " ".join(parts)
