"""Posting an article: read its quotations (no store needed, so outside any transaction), then
store it with them and link every speaker and outlet to the store, all in the caller's
transaction, so a failure leaves nothing behind."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.extract import Attribution
from app.ingest.reading import Bounds, Read, TooMuch, read_quotations
from app.ingest.writer import Refused, Submitted, write_articles
from app.models import Article, Outlet
from app.models.public import ArticleIn
from app.outlets.store import outlet_for, outlet_named
from app.quotes.store import extracted_row
from app.speakers.linking import link_speakers
from app.writes import InvalidField

__all__ = ["Bounds", "Read", "TooMuch", "read_quotations", "ingest", "ingest_article"]


@dataclass(frozen=True)
class Ingested:
    article: Article
    created: bool
    quotes: int
    unattributed: int


def ingest(
    session: Session, article: ArticleIn, read: Read | None = None, api_key_id: int | None = None
) -> Ingested:
    """``ingest_article`` for an article as the API and the CLI validate it."""
    return _stored(session, Submitted.of(article, read, api_key_id))


def ingest_article(
    session: Session,
    *,
    title: str,
    publisher: str,
    published_on: dt.date | None,
    text: str,
    url: str | None = None,
    byline: str | None = None,
    read: Read | None = None,
    api_key_id: int | None = None,
) -> Ingested:
    """Store ``text`` with every attributed quotation in it; the same text twice (up to line
    ends, spaces and Unicode normal form) is stored once. ``read`` is what ``read_quotations``
    found in it beforehand; without it the text is read here.

    Attributions whose speaker the article does not let us resolve (an unexplained "I", "he"
    with no one before it) are counted as ``unattributed`` and not stored: a quote service
    must not guess a speaker.
    """
    submitted = Submitted(
        title=title, publisher=publisher, published_on=published_on, text=text, url=url,
        byline=byline, read=read, api_key_id=api_key_id,
    )  # fmt: skip
    return _stored(session, submitted)


def _stored(session: Session, submitted: Submitted) -> Ingested:
    (outcome,) = write_articles(session, [submitted])
    if isinstance(outcome, Refused):
        raise InvalidField(outcome.field, outcome.message)
    return Ingested(outcome.article, outcome.created, outcome.quotes, outcome.unattributed)


@dataclass
class Rows:
    """The quote rows an article's attributions make, its speakers linked to the store."""

    values: list[dict[str, Any]]
    # The row each row continues, by index.
    parents: list[int | None]
    # Speakers the linking created.
    created: set[str]
    # Attributions left out: the text names nobody the article lets us resolve.
    unattributed: int


def attributed_rows(session: Session, article: Article, read: Read) -> Rows:
    """The rows of every attributed quotation ``read`` found in ``article``, its speakers and
    outlets linked to the store (created where the store does not know them)."""
    assert article.id is not None
    found = read.attributions
    attributed = [a for a in found if a.speaker is not None]
    created: set[str] = set()
    speakers = link_speakers(
        session, (a.speaker for a in attributed if a.speaker is not None), article.id, created
    )
    rows = Rows([], [], created, len(found) - len(attributed))
    for attribution in attributed:
        assert attribution.speaker is not None
        _rows(
            session,
            article,
            attribution,
            speakers[id(attribution.speaker)],
            rows.values,
            rows.parents,
        )
    return rows


def _rows(
    session: Session,
    article: Article,
    attribution: Attribution,
    speaker_id: str,
    rows: list[dict[str, Any]],
    parents: list[int | None],
) -> None:
    outlet = _given_to(session, article, attribution)
    outlet_id = outlet.id if outlet else None
    index: dict[int, int] = {}
    for quotation in attribution.quotations:
        index[id(quotation)] = len(rows)
        parents.append(index.get(id(quotation.continues)) if quotation.continues else None)
        rows.append(extracted_row(article, attribution, quotation, speaker_id, outlet_id))


def _given_to(session: Session, article: Article, attribution: Attribution) -> Outlet | None:
    """The outlet the words were given to: one the text marks as an outlet ("told CBS News"),
    or a name told the words that the store knows as an outlet or that published this
    article ("told Variety" in Variety); "told Frank Russo" gives none."""
    if attribution.outlet:
        return outlet_for(session, attribution.outlet, "outlet")
    if not attribution.audience:
        return None
    known = outlet_named(session, attribution.audience)
    if known is not None:
        return session.get(Outlet, known)
    return None
