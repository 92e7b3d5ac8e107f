"""Saved web pages as articles: the main text and what the page says of itself (title, date,
site, byline, canonical address) are read by trafilatura; what the poster gives overrides it.

The stored text is the extracted text, so quote spans point into it, not into the HTML. A date
is taken only from the page's metadata and markup, never guessed from its running text: a
wrong date on a quote is worse than none, so a page that gives none is stored undated.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.models.public import MAX_HTML, NOT_TEXT
from app.writes import InvalidField

# A page with fewer words of main text holds no article worth reading for quotes.
_FEWEST_WORDS = 12
_LONGEST = {"title": 500, "publisher": 300, "byline": 300}
_DATES = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True)
class PageRead:
    """What a page says of itself, each field None when it does not say."""

    text: str
    title: str | None
    published_on: dt.date | None
    publisher: str | None
    byline: str | None
    url: str | None


def read_page(html: str | bytes, url: str | None = None) -> PageRead:
    """The page's main text and metadata; InvalidField("html") when it has no main text."""
    import trafilatura  # heavy (lxml, date parsers): loaded only when a page comes in

    if len(html) > MAX_HTML:
        raise InvalidField("html", f"the page is over {MAX_HTML:,} bytes")
    if not html.strip():
        raise InvalidField("html", "the page is empty")
    try:
        found: Any = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params=_DATES,
        )
    except Exception as error:  # noqa: BLE001 - any parser failure on a client's page is a 422
        raise InvalidField("html", f"the page cannot be read as HTML ({error})") from None
    text = _body(getattr(found, "text", None) or "", getattr(found, "title", None))
    if not text:
        raise InvalidField("html", "no article text was found in the page")
    return PageRead(
        text=text,
        title=_clean(getattr(found, "title", None)),
        published_on=_date(getattr(found, "date", None)),
        publisher=_clean(getattr(found, "sitename", None)),
        byline=_clean(getattr(found, "author", None)),
        url=_address(getattr(found, "url", None)),
    )


def page_article(
    html: str | bytes,
    *,
    url: str | None = None,
    title: str | None = None,
    publisher: str | None = None,
    published_on: dt.date | str | None = None,
    byline: str | None = None,
    fallback: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The fields of an article (as ``ArticleIn`` takes them) read from a page, the given ones
    first, then the page's own, then ``fallback`` (what a feed says of its entry);
    InvalidField naming the first field that none of them gives."""
    page = read_page(html, url)
    known = fallback or {}
    fields: dict[str, Any] = {
        "title": title or page.title or known.get("title"),
        "publisher": publisher
        or page.publisher
        or known.get("publisher")
        or _host(url or page.url),
        "published_on": published_on or page.published_on or known.get("published_on"),
        "url": url or page.url,
        "byline": byline or page.byline or known.get("byline"),
        "text": page.text,
    }
    for needed, what in (
        ("title", "the page gives no title; give title"),
        ("publisher", "the page names no publisher or site; give publisher"),
    ):
        if not fields[needed]:
            raise InvalidField(needed, what)
    # What a page says is cut to what the store keeps (the poster's own fields were checked).
    for name, most in _LONGEST.items():
        if isinstance(fields[name], str):
            fields[name] = fields[name][:most]
    return {k: v for k, v in fields.items() if v is not None}


def _body(text: str, title: str | None) -> str:
    """The text as paragraphs, less lines that only repeat the headline and any control
    character a page carried; empty when what is left is too short to be an article (a
    gallery's caption, a menu's last word)."""
    headline = " ".join(title.split()).casefold() if title else None
    lines = [" ".join(NOT_TEXT.sub(" ", line).split()) for line in text.splitlines()]
    lines = [line for line in lines if line and line.casefold() != headline]
    body = "\n".join(lines)
    return body if len(body.split()) >= _FEWEST_WORDS else ""


def _clean(value: str | None) -> str | None:
    if not value:
        return None
    value = " ".join(NOT_TEXT.sub(" ", str(value)).split())
    return value or None


def _address(value: str | None) -> str | None:
    """The page's canonical address, when it is a whole web address."""
    value = _clean(value)
    return value if value and value.startswith(("http://", "https://")) else None


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _host(url: str | None) -> str | None:
    if not url:
        return None
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
