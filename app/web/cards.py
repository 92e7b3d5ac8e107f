"""Result cards: one card per quotation as a reader meets it. A quote that runs over several
paragraphs is stored as parts (each ``continues`` the one before); a list shows its parts
joined in reading order on one card, however many of them the search matched, and says how
many other publishers reported the same words."""

import re
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
    # The words of the article's sentence before and after the quoted ones ("Peskov told
    # reporters", ", adding ..."), so a card shows who the text says spoke and how.
    around: tuple[str, str] = ("", "")

    @property
    def quote(self) -> QuotePublic:
        return self.parts[0]


def cards(session: Session, quotes: list[QuotePublic]) -> list[Card]:
    """The page's quotes as cards, in the page's order; a part whose quote is already on a
    card earlier in the page adds nothing."""
    quotes = reading_order(quotes)
    chains = _chains(session, quotes)
    others = _other_publishers(session, quotes)
    texts = _texts(session, quotes)
    shown: set[int] = set()
    found: list[Card] = []
    known = {quote.id: quote for quote in quotes}
    for quote in quotes:
        if quote.id in shown:
            continue
        members = chains.get(quote.id, [quote.id])
        looked_up = [known.get(i) or get_quote(session, i) for i in members]
        whole = [part for part in looked_up if part is not None]
        shown.update(part.id for part in whole)
        lead = whole[0] if whole else quote
        matched = [part.id for part in whole or [quote] if part.id in known]
        parts: list[QuotePublic] = whole or [quote]
        text = texts.get(lead.article.id, "")
        found.append(
            Card(
                parts=parts,
                other_publishers=others.get(lead.id, 0),
                matched=matched,
                around=sentence_around(text, parts[0].span.start, parts[-1].span.end),
            )
        )
    return found


# The most of the sentence shown on either side of the quoted words.
AROUND = 160
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+")


def sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The words of the sentence (within its paragraph) before ``start`` and after ``end``,
    each cut to ``AROUND`` characters at a word with an ellipsis where cut."""
    if not text or not 0 <= start <= end <= len(text):
        return "", ""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    opened = line_start
    for found in _SENTENCE_END.finditer(text, line_start, start):
        opened = found.end()
    closed = _SENTENCE_END.search(text, end, line_end)
    before = text[opened:start]
    after = text[end : closed.start() + 1 if closed else line_end]
    if len(before) > AROUND:
        before = "\u2026" + before[-AROUND:].split(" ", 1)[-1]
    if len(after) > AROUND:
        after = after[:AROUND].rsplit(" ", 1)[0] + "\u2026"
    return before.strip(), after.strip()


def _texts(session: Session, quotes: list[QuotePublic]) -> dict[int, str]:
    articles = {quote.article.id for quote in quotes}
    if not articles:
        return {}
    rows = session.execute(
        sa.select(_ARTICLE.c.id, _ARTICLE.c.text).where(_ARTICLE.c.id.in_(articles))
    ).all()
    return {int(article): str(text) for article, text in rows}


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
