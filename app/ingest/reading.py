"""Reading an article for its quotations: no store needed, so done before (and outside) the
write transaction, by the API, the command line's workers, or another machine."""

import datetime as dt
from dataclasses import dataclass

from app.extract import Attribution, extract
from app.extract.language import attributable, language_of
from app.extract.text import count_paragraphs
from app.writes import InvalidField


@dataclass(frozen=True)
class Bounds:
    """How much one article may ask of the extractor and the writer (settings)."""

    paragraphs: int
    quotes: int


class TooMuch(Exception):
    """The article is past a bound: too many paragraphs to read, or quotations to store."""

    def __init__(self, what: str, found: int, bound: int) -> None:
        super().__init__(f"the article has {found:,} {what}; the limit is {bound:,}")
        self.what = what


@dataclass(frozen=True)
class Read:
    """What extraction found in a text: done before the write transaction, so the store's
    write lock is held only to write rows."""

    text: str
    attributions: list[Attribution]
    # The text's language; text not in English is attributed nothing.
    language: str | None = None
    # The text's identity (``content_hash``) when the reader worked it out already: the
    # writer, which needs it to store a text once, then need not.
    text_hash: str | None = None


def read_quotations(text: str, published_on: dt.date | None, bounds: Bounds | None = None) -> Read:
    """The attributed quotations in ``text``; TooMuch past ``bounds``. Needs no store."""
    if not text.strip():
        raise InvalidField("text", "the article text is empty")
    if bounds is not None:
        count = count_paragraphs(text)
        if count > bounds.paragraphs:
            raise TooMuch("paragraphs", count, bounds.paragraphs)
    language = language_of(text)
    if not attributable(language):
        return Read(text, [], language)
    found = [a for a in extract(text, published_on) if a.speech]
    if bounds is not None:
        quotes = sum(len(a.quotations) for a in found if a.speaker is not None)
        if quotes > bounds.quotes:
            raise TooMuch("quotations", quotes, bounds.quotes)
    return Read(text, found, language)
