"""An ASGI middleware in front of the routes that answers the hottest reads itself.

``GET /v1/quotes`` (one JSON page), ``GET /v1/quotes/{id}`` and a speaker's quotations
(``GET /v1/quotations``) are what newsroom clients and the search page ask for all day.
Answered through the full framework they cost more in validation and serialization than in
SQL; here they are parsed by hand, run as plain SQL on a worker thread (the event loop never
waits on the store) and written out with orjson. Whatever the lane does not serve as it stands
falls through to the routes, so the contract, including every problem response, is the
routes' own; a test holds the two to the same answers.
"""

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import make_url
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import PROBLEM_JSON
from app.api.metrics import HANDLER
from app.queries.fast import FastQuotes, OverBudget, OverSlice, Unserved, iso_date, valid_id
from app.queries.quotations import QuotationQuery
from app.queries.quote_filters import QuoteQuery

_LISTS = {"speaker", "outlet", "publisher", "kind"}
_SINGLE = {"since", "until", "q", "article", "sort", "limit", "cursor"}
_KINDS = {"direct", "partial", "indirect"}
_QUOTATION_SINGLE = {"since", "until", "sort", "limit", "cursor"}
_PREFIX = "/v1/quotes/"
log = logging.getLogger("saidwho.fastlane")
# A query is first tried right on the event loop for this long; the few that need more are
# stopped and run again on a worker thread, so the loop is never held longer than this.
SLICE_S = 0.005


class QuoteFastLane:
    def __init__(
        self,
        app: ASGIApp,
        *,
        database_url: str,
        budget_ms: int,
        workers: int,
        exact_up_to: int = 0,
        replica_url: str = "",
        immutable: bool = False,
    ) -> None:
        self.app = app
        # With a replica, the lane reads it, and leaves requests that carry a key (which read
        # the primary) to the routes.
        self.replica = bool(replica_url)
        url = make_url(replica_url or database_url)
        self.reads: Any = None
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            self.reads = FastQuotes(url.database, budget_ms, immutable, exact_up_to)
        elif url.get_backend_name() == "postgresql":
            from app.queries.fast_pg import PgFastQuotes  # psycopg only where it is used

            self.reads = PgFastQuotes(replica_url or database_url, budget_ms, exact_up_to)
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="saidwho-read")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._closing(send))
            return
        if (
            self.reads is None
            or scope["type"] != "http"
            or scope["method"] != "GET"
            or (self.replica and any(name == b"authorization" for name, _ in scope["headers"]))
        ):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        try:
            if path == "/v1/quotes":
                job = self._page_job(scope)
                scope[HANDLER] = "/v1/quotes"
            elif path == "/v1/quotations":
                job = self._quotations_job(scope)
                scope[HANDLER] = "/v1/quotations"
            elif (
                path.startswith(_PREFIX)
                and (quote_id := valid_id(path[len(_PREFIX) :]))
                and _wants_json(scope)
            ):
                reads = self.reads
                job = lambda slice_s=None: reads.one(quote_id, slice_s)  # noqa: E731
                scope[HANDLER] = "/v1/quotes/{quote_id}"
            else:
                raise Unserved
            try:
                if not self.reads.inline:
                    raise OverSlice  # a network round trip: never on the event loop
                body = job(SLICE_S)
            except OverSlice:
                body = await asyncio.get_running_loop().run_in_executor(self.pool, job)
        except Unserved:
            await self.app(scope, receive, send)
            return
        except OverBudget:
            # Before the catch-all below: a spent budget is an answer, not a fault to retry.
            await _send(send, 503, _over_budget(), PROBLEM_JSON.encode(), retry_after=True)
            return
        except Exception:
            # Outside the framework's error layer: a fault here must not become a bare 500.
            # The routes answer instead, and the fault is logged to be fixed.
            log.exception("direct read path failed; answered by the routes")
            await self.app(scope, receive, send)
            return
        if isinstance(body, tuple):  # one quote, with its version
            body, version = body
            await _send(send, 200, body, b"application/json", etag=version)
            return
        await _send(send, 200, body, b"application/json")

    def _closing(self, send: Send) -> Send:
        """``send``, closing the lane's own connections once the app has shut down."""

        async def sending(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                close = getattr(self.reads, "close", None)
                if close is not None:
                    close()
            await send(message)

        return sending

    def _page_job(self, scope: Scope) -> Any:
        if not _wants_json(scope):
            raise Unserved
        lists: dict[str, list[str]] = {name: [] for name in _LISTS}
        single: dict[str, str] = {}
        for name, value in parse_qsl(scope["query_string"].decode("latin-1"), True, True):
            if name in _LISTS and value:
                lists[name].append(value)
            elif name in _SINGLE and name not in single:
                single[name] = value
            else:
                raise Unserved  # empty or repeated values, format=, unknown: the routes judge
        q = single.get("q")
        if q is not None and not q.strip():
            q = None  # a blank search box means no search, as the routes read it
        if q is not None and len(q) > 1000:
            raise Unserved
        sort = single.get("sort", "-date")
        if sort not in ("-date", "date") or not set(lists["kind"]) <= _KINDS:
            raise Unserved  # relevance ranking, or a bad value, is for the routes
        limit_text = single.get("limit", "20")
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= 100:
            raise Unserved
        article = single.get("article")
        cursor = single.get("cursor")
        if cursor is not None and len(cursor) > 2000:
            raise Unserved
        since = iso_date(single["since"]) if "since" in single else None
        until = iso_date(single["until"]) if "until" in single else None
        if since is not None and until is not None and since > until:
            raise Unserved  # the routes word the problem
        query = QuoteQuery(
            speakers=tuple(lists["speaker"]),
            outlets=tuple(lists["outlet"]),
            publishers=tuple(lists["publisher"]),
            kinds=tuple(lists["kind"]),
            since=since,
            until=until,
            q=q,
            article=_article(article),
            sort=sort,  # type: ignore[arg-type]
        )
        reads = self.reads
        assert reads is not None
        return lambda slice_s=None: reads.page(query, int(limit_text), cursor, slice_s)

    def _quotations_job(self, scope: Scope) -> Any:
        """Quotations by speaker and date, the lists clients page through; any filter on the
        reports (outlet, publisher, kind, q) is for the routes."""
        speakers: list[str] = []
        single: dict[str, str] = {}
        for name, value in parse_qsl(scope["query_string"].decode("latin-1"), True, True):
            if name == "speaker" and value:
                speakers.append(value)
            elif name in _QUOTATION_SINGLE and name not in single:
                single[name] = value
            else:
                raise Unserved
        sort = single.get("sort", "-date")
        limit_text = single.get("limit", "20")
        if sort not in ("-date", "date", "reports") or not limit_text.isdigit():
            raise Unserved
        if not 1 <= int(limit_text) <= 100:
            raise Unserved
        cursor = single.get("cursor")
        if cursor is not None and len(cursor) > 2000:
            raise Unserved
        since = iso_date(single["since"]) if "since" in single else None
        until = iso_date(single["until"]) if "until" in single else None
        if since is not None and until is not None and since > until:
            raise Unserved
        query = QuotationQuery(
            speakers=tuple(speakers),
            since=since,
            until=until,
            sort=sort,  # type: ignore[arg-type]
        )
        reads = self.reads
        return lambda slice_s=None: reads.quotations(query, int(limit_text), cursor, slice_s)


def _article(text: str | None) -> int | None:
    if text is None:
        return None
    value = valid_id(text)
    if value is None:
        raise Unserved
    return value


# What a client may ask of these paths instead of JSON: exports, a feed, citations.
_OTHER_MEDIA = frozenset(
    {
        b"text/csv",
        b"application/x-ndjson",
        b"application/atom+xml",
        b"application/vnd.citationstyles.csl+json",
        b"application/x-research-info-systems",
        b"application/x-bibtex",
        b"text/plain",
    }
)


def _wants_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"accept":
            media = {part.split(b";")[0].strip().lower() for part in value.split(b",")}
            return not media & _OTHER_MEDIA
    return True


def _over_budget() -> bytes:
    return json.dumps(
        {
            "type": "/problems/query-timeout",
            "title": "Service Unavailable",
            "status": 503,
            "detail": "the query ran past its time budget; narrow it, or try again",
        }
    ).encode()


async def _send(
    send: Send,
    status: int,
    body: bytes,
    media_type: bytes,
    *,
    retry_after: bool = False,
    etag: int | None = None,
) -> None:
    headers = [
        (b"content-type", media_type),
        (b"content-length", str(len(body)).encode()),
    ]
    if etag is not None:
        headers.append((b"etag", f'"{etag}"'.encode()))
    if retry_after:
        headers.append((b"retry-after", b"1"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
