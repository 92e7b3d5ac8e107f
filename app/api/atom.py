"""Quotes as an Atom feed (feedgen writes the XML), so a reporter can follow a person, an outlet
or a search in any feed reader. Each entry is one quote: the words, who said them to whom,
the article, and the quote's permalink, which is also the entry's id."""

import datetime as dt
import re
from urllib.parse import urlencode

from feedgen.feed import FeedGenerator
from markupsafe import escape

from app.api.citations import attribution
from app.models.public import Page, QuotePublic

ATOM = "application/atom+xml"


def quotes_feed(
    page: Page[QuotePublic],
    *,
    base: str,
    self_url: str,
    filters: list[tuple[str, str]],
    about: str,
) -> bytes:
    """``page``'s quotes, newest first, as an Atom document. ``base`` is the site's address
    (permalinks are absolute: a feed reader has no page to resolve them against),
    ``filters`` the search as the search page takes it, ``about`` says what the feed follows."""
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(xml_safe(f"saidwho: {about}"))
    feed.subtitle("Quotes with who said them, to whom, when, and in which article.")
    feed.link(href=self_url, rel="self", type=ATOM)
    search = base + "/" + ("?" + urlencode(filters) if filters else "")
    feed.link(href=search, rel="alternate", type="text/html")
    feed.generator("saidwho")
    newest = max((_moment(quote.date) for quote in page.items), default=_EPOCH)
    feed.updated(newest)
    # feedgen puts the last entry added first: added oldest first, the feed reads newest first.
    for quote in reversed(page.items):
        permalink = f"{base}/quotes/{quote.id}"
        entry = feed.add_entry()
        entry.id(permalink)
        entry.link(href=permalink, rel="alternate", type="text/html")
        entry.title(xml_safe(f"{quote.speaker.name}: {_opening(quote)}"))
        entry.author(name=xml_safe(quote.speaker.name))
        entry.published(_moment(quote.date))
        entry.updated(_moment(quote.date))
        entry.category(term=quote.kind, label=quote.kind)
        entry.content(xml_safe(_body(quote, base)), type="html")
        entry.summary(xml_safe(quote.text))
    document: bytes = feed.atom_str(pretty=True)
    return document


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# What XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """Text an XML document can hold: a character XML forbids (a control character a store
    filled before such text was refused may still hold) becomes U+FFFD, visibly replaced."""
    return _NOT_XML.sub("\ufffd", text)


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _opening(quote: QuotePublic, most: int = 90) -> str:
    text = quote.text if len(quote.text) <= most else quote.text[: most - 1].rstrip() + "…"
    return text if quote.kind == "indirect" else f"“{text}”"


def _body(quote: QuotePublic, base: str) -> str:
    """The entry as HTML (escaped by feedgen into the XML)."""
    words = escape(quote.text)
    if quote.kind != "indirect":
        words = escape("“") + words + escape("”")
    article = quote.article
    return (
        f"<blockquote><p>{words}</p></blockquote>"
        f"<p>{escape(attribution(quote))}</p>"
        f'<p>In <a href="{base}/articles/{article.id}"><cite>{escape(article.title)}</cite></a>'
        f" ({escape(article.publisher.name)}). "
        f'<a href="{base}/quotes/{quote.id}">Permalink</a></p>'
    )
