"""``saidwho watch``: RSS and Atom feeds read (feedparser), the pages they link to fetched
(httpx) and stored as articles, once each.

A fetch is polite and bounded (``fetch.py``): conditional requests for feeds (ETag,
Last-Modified), one deadline for the whole answer, a size cap read as the body arrives, a delay
between two requests to one host, few redirects, and no address inside the network.
A page that fails (404, 500, too slow, not HTML, too large, no article in it) is logged and
skipped; the run goes on. A page failed for a reason that may pass (a 5xx, a timeout) is tried
again on the next pass; one that cannot change is not.
"""

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import feedparser  # type: ignore[import-untyped]
import sqlalchemy as sa

from app.config import Settings
from app.db import make_engine, session_scope
from app.ingest.archive import Failed, Prepared, Skipped, Stored, store_one
from app.ingest.decoding import decode_page
from app.ingest.fetch import Fetcher, FetchError, Limits
from app.ingest.store import Bounds, TooMuch, read_quotations
from app.ingest.web_pages import page_article
from app.models.public import ArticleIn
from app.writes import InvalidField

log = logging.getLogger("saidwho.watch")
_PAGE_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class _Validators:
    etag: str | None = None
    modified: str | None = None


@dataclass
class Pass:
    """What one pass over the feeds did."""

    entries: int = 0
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    quotes: int = 0
    unchanged_feeds: int = 0


class Watcher:
    """Reads feeds and stores the articles they link to; one ``run_pass`` per ``--every``."""

    def __init__(
        self,
        settings: Settings,
        feeds: list[str],
        *,
        limits: Limits,
        publisher: str | None = None,
        report: Callable[[str], None] = print,
    ) -> None:
        self.settings = settings
        self.feeds = feeds
        self.publisher = publisher
        self.report = report
        self.fetcher = Fetcher(limits)
        self.engine = make_engine(settings)
        self.bounds = Bounds(settings.max_paragraphs, settings.max_quotes_per_article)
        self.validators: dict[str, _Validators] = {}
        # Each feed's site name and entries as last read: an unchanged feed (304) still has its
        # entries that failed for a passing reason tried again.
        self.entries: dict[str, tuple[str | None, list[Any]]] = {}
        # Links done with in this process: stored, already stored, or failed for good.
        # Links not to fetch again, that the store cannot tell by address: those failed for
        # good, and pages whose text is stored under another address. Stored pages are found
        # in the store, so a watcher running for months holds only these.
        self.done: set[str] = set()
        # Set to end the run after the page in hand (SIGINT, SIGTERM).
        self.stop = threading.Event()

    def halt(self) -> None:
        """Ends the run now: the fetch in flight is cut, nothing more is fetched; what was
        stored stays stored (each article is its own transaction)."""
        self.stop.set()
        self.fetcher.abort()

    def close(self) -> None:
        self.fetcher.close()
        self.engine.dispose()

    def run_pass(self) -> Pass:
        tally = Pass()
        for feed_url in self.feeds:
            if self.stop.is_set():
                break
            try:
                self._feed(feed_url, tally)
            except FetchError as error:
                self.report(f"error: feed {error}")
        return tally

    def _feed(self, feed_url: str, tally: Pass) -> None:
        known = self.validators.setdefault(feed_url, _Validators())
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.modified:
            headers["If-Modified-Since"] = known.modified
        response = self.fetcher.get(feed_url, headers)
        if response.status_code == 304 and feed_url in self.entries:
            tally.unchanged_feeds += 1
            site, entries = self.entries[feed_url]
        else:
            parsed: Any = feedparser.parse(response.content)
            if not parsed.entries and (parsed.bozo or not parsed.get("version")):
                raise FetchError(feed_url, "not an RSS or Atom feed", lasting=False)
            known.etag = response.headers.get("etag")
            known.modified = response.headers.get("last-modified")
            site = self.publisher or _text(parsed.feed.get("title"))
            entries = list(parsed.entries)
            self.entries[feed_url] = (site, entries)
        for entry in entries:
            if self.stop.is_set():
                return
            link = _text(entry.get("link"))
            if not link:
                continue
            tally.entries += 1
            if link in self.done:
                continue
            if self._stored(link):
                tally.skipped += 1
                continue
            self._entry(link, entry, site, tally)

    def _stored(self, link: str) -> bool:
        with self.engine.connect() as connection:
            found = connection.execute(
                sa.text("SELECT 1 FROM article WHERE url = :url"), {"url": link}
            ).first()
        return found is not None

    def _entry(self, link: str, entry: Any, site: str | None, tally: Pass) -> None:
        try:
            response = self.fetcher.get(link)
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind not in _PAGE_TYPES:
                raise FetchError(link, f"not an HTML page ({kind or 'no type'})", lasting=True)
            html = decode_page(response.content, response.headers.get("content-type"))
            fields = page_article(
                html,
                url=link,
                publisher=self.publisher,
                fallback={
                    "title": _text(entry.get("title")),
                    "publisher": site,
                    "published_on": _entry_date(entry),
                    "byline": _text(entry.get("author")),
                },
            )
            article = ArticleIn.model_validate(fields)
            read = read_quotations(article.text, article.published_on, self.bounds)
        except FetchError as error:
            self._failed(link, str(error), error.lasting, tally)
            return
        except (InvalidField, TooMuch) as error:
            what = getattr(error, "field", None) or getattr(error, "what", "page")
            self._failed(link, f"{link}: {what}: {error}", True, tally)
            return
        except ValueError as error:  # the page's own metadata does not validate
            self._failed(link, f"{link}: {error}".splitlines()[0], True, tally)
            return
        except Exception as error:  # noqa: BLE001 - a page the reader trips on is skipped
            log.exception("reading %s failed", link)
            self._failed(link, f"{link}: could not be read ({type(error).__name__})", True, tally)
            return
        with session_scope(self.engine) as session:
            outcome = store_one(session, Prepared(link, article, read))
        if isinstance(outcome, Stored):
            tally.stored += 1
            tally.quotes += outcome.quotes
            self.report(f"{link}: stored article {outcome.article_id} with {outcome.quotes} quotes")
        elif isinstance(outcome, Skipped):
            self.done.add(link)  # the same text, stored from another address
            tally.skipped += 1
        elif isinstance(outcome, Failed):
            self._failed(link, outcome.reason, True, tally)

    def _failed(self, link: str, reason: str, lasting: bool, tally: Pass) -> None:
        tally.failed += 1
        if lasting:
            self.done.add(link)
        self.report(f"error: {reason}" + ("" if lasting else " (will try again)"))


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _entry_date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None
