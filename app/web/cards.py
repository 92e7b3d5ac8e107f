"""Result cards: one card per quotation as a reader meets it. A quote that runs over several
paragraphs is stored as parts (each ``continues`` the one before); a list shows its parts
joined in reading order on one card, however many of them the search matched, and says how
many other publishers reported the same words."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from app.models.public import QuotePublic
from app.models.tables import Article, Quote, core_table
from app.queries.quotes import get_quote

_QUOTE = core_table(Quote)
_ARTICLE = core_table(Article)


@dataclass(frozen=True)
class Card:
    parts: list[QuotePublic]  # in reading order; the first leads (permalink, speaker, date)
    other_publishers: int  # publishers besides this one that reported the same words
    matched: list[int]  # the parts that are results of this page (a part may be on the next)

    @property
    def quote(self) -> QuotePublic:
        return self.parts[0]


def cards(session: Session, quotes: list[QuotePublic]) -> list[Card]:
    """The page's quotes as cards, in the page's order; a part whose quote is already on a
    card earlier in the page adds nothing."""
    quotes = reading_order(quotes)
    chains = _chains(session, quotes)
    others = _other_publishers(session, quotes)
    shown: set[int] = set()
    found: list[Card] = []
    known = {quote.id: quote for quote in quotes}
    for quote in quotes:
        if quote.id in shown:
            continue
        members = chains.get(quote.id, [quote.id])
        parts = [known.get(i) or get_quote(session, i) for i in members]
        whole = [part for part in parts if part is not None]
        shown.update(part.id for part in whole)
        lead = whole[0] if whole else quote
        matched = [part.id for part in whole or [quote] if part.id in known]
        found.append(
            Card(parts=whole or [quote], other_publishers=others.get(lead.id, 0), matched=matched)
        )
    return found


def reading_order(quotes: list[QuotePublic]) -> list[QuotePublic]:
    """The page's quotes with each run from one article and one day in the order the article
    gives them: newest first puts the later id first, and a reader expects the first words
    said first."""
    ordered: list[QuotePublic] = []
    run: list[QuotePublic] = []
    for quote in quotes:
        if run and (quote.date, quote.article.id) != (run[0].date, run[0].article.id):
            ordered += sorted(run, key=lambda q: (q.span.start, q.id))
            run = []
        run.append(quote)
    return ordered + sorted(run, key=lambda q: (q.span.start, q.id))


def _chains(session: Session, quotes: list[QuotePublic]) -> dict[int, list[int]]:
    """For every quote of the page that is part of a longer quote, the ids of all its parts
    in reading order. One query over the links of the page's articles."""
    articles = {quote.article.id for quote in quotes}
    if not articles:
        return {}
    links = session.execute(
        sa.select(_QUOTE.c.id, _QUOTE.c.continues_id).where(
            _QUOTE.c.article_id.in_(articles), _QUOTE.c.continues_id.is_not(None)
        )
    ).all()
    before: dict[int, int] = {int(following): int(previous) for following, previous in links}
    after = {previous: following for following, previous in before.items()}
    chains: dict[int, list[int]] = {}
    for quote in quotes:
        if quote.id not in after and quote.id not in before:
            continue
        first = quote.id
        seen = {first}
        while first in before and before[first] not in seen:
            first = before[first]
            seen.add(first)
        chain = [first]
        while chain[-1] in after and after[chain[-1]] not in chain:
            chain.append(after[chain[-1]])
        chains[quote.id] = chain
    return chains


def _other_publishers(session: Session, quotes: list[QuotePublic]) -> dict[int, int]:
    """For each quote, how many publishers other than its own reported its quotation."""
    quotations = {quote.quotation for quote in quotes if quote.quotation is not None}
    if not quotations:
        return {}
    rows = session.execute(
        sa.select(_QUOTE.c.quotation_id, _ARTICLE.c.publisher_id)
        .select_from(_QUOTE.join(_ARTICLE, _ARTICLE.c.id == _QUOTE.c.article_id))
        .where(_QUOTE.c.quotation_id.in_(quotations))
        .distinct()
    ).all()
    publishers: dict[int, set[str]] = {}
    for quotation, publisher in rows:
        publishers.setdefault(quotation, set()).add(publisher)
    return {
        quote.id: len(publishers.get(quote.quotation, set()) - {quote.article.publisher.id})
        for quote in quotes
        if quote.quotation is not None
    }
