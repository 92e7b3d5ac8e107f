"""An ASGI middleware in front of the routes that answers the hottest reads itself.

``GET /v1/quotes`` (one JSON page), ``GET /v1/quotes/{id}``, a speaker's quotations
(``GET /v1/quotations``) and the search box's ``GET /v1/suggest`` (at every key typed) are
what newsroom clients and the search page ask for all day.
Answered through the full framework they cost more in validation and serialization than in
SQL; here they are parsed by hand, run as plain SQL on a worker thread (the event loop never
waits on the store; quotes by id on PostgreSQL are read on the loop itself, through an
asynchronous connection, those asked for at one moment in one statement) and written out
with orjson. Whatever the lane does not serve as it stands
falls through to the routes, so the contract, including every problem response, is the
routes' own; a test holds the two to the same answers.
"""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast
from urllib.parse import parse_qsl

from sqlalchemy import make_url
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.metrics import HANDLER
from app.api.problems import query_timeout
from app.queries.fast import FastQuotes, OverBudget, OverSlice, Unserved
from app.queries.quotations import QuotationQuery, QuotationSort
from app.queries.quote_filters import BY_PARAM, FILTERS, Filter
from app.queries.quote_params import NotPlain, QuoteRequest, read_quote_request, valid_id
from app.queries.typeahead import MOST_SUGGESTED

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
        remember: bool = True,
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

            self.reads = PgFastQuotes(replica_url or database_url, budget_ms, exact_up_to, workers)
        if self.reads is not None:
            self.reads.remember = remember
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="saidwho-read")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._lifespan(send))
            return
        if (
            self.reads is None
            or scope["type"] != "http"
            or scope["method"] != "GET"
            or (self.replica and any(name == b"authorization" for name, _ in scope["headers"]))
        ):
            await self.app(scope, receive, send)
            return
        try:
            body = await self._answer(scope)
        except Unserved:
            await self.app(scope, receive, send)
            return
        except OverBudget:
            # Before the catch-all below: a spent budget is an answer, not a fault to retry.
            await query_timeout()(scope, receive, send)
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

    async def _answer(self, scope: Scope) -> bytes | tuple[bytes, int]:
        """The body of the answer the lane gives itself (raises ``Unserved`` for the routes)."""
        path: str = scope["path"]
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
            scope[HANDLER] = "/v1/quotes/{quote_id}"
            reads = self.reads
            if getattr(reads, "loop_pool", None) is not None:
                return cast(tuple[bytes, int], await reads.one_on_loop(quote_id))
            job = lambda slice_s=None: reads.one(quote_id, slice_s)  # noqa: E731
        elif path == "/v1/suggest":
            q, size = _suggest_params(scope)
            scope[HANDLER] = "/v1/suggest"
            reads = self.reads
            job = lambda slice_s=None: reads.suggestions(q, size, slice_s)  # noqa: E731
        else:
            raise Unserved
        if self.reads.inline:
            try:
                return cast(bytes, job(SLICE_S))
            except OverSlice:
                pass
        # A round trip on a blocking connection, or a query past its slice: off the loop.
        return cast(bytes, await asyncio.get_running_loop().run_in_executor(self.pool, job))

    def _lifespan(self, send: Send) -> Send:
        """``send``, opening the lane's connections on the loop once the app has started, and
        closing them all once it has shut down."""

        async def sending(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                start = getattr(self.reads, "start", None)
                if start is not None:
                    await start()
            elif message["type"] == "lifespan.shutdown.complete":
                stop = getattr(self.reads, "stop", None)
                close = getattr(self.reads, "close", None)
                if stop is not None:
                    await stop()
                elif close is not None:
                    close()
            await send(message)

        return sending

    def _page_job(self, scope: Scope) -> Any:
        if not _wants_json(scope):
            raise Unserved
        asked = _read(scope, _QUOTE_SORTS, FILTERS)
        reads = self.reads
        return lambda slice_s=None: reads.page(asked.query, asked.limit, asked.cursor, slice_s)

    def _quotations_job(self, scope: Scope) -> Any:
        """Quotations by speaker and date, the lists clients page through; any filter on the
        reports (outlet, publisher, kind, q) is for the routes."""
        asked = _read(scope, _QUOTATION_SORTS, _QUOTATION_FILTERS)
        if asked.query.q is not None:
            raise Unserved
        query = QuotationQuery(
            speakers=asked.query.speakers,
            since=asked.query.since,
            until=asked.query.until,
            sort=cast(QuotationSort, asked.sort),
        )
        reads = self.reads
        return lambda slice_s=None: reads.quotations(query, asked.limit, asked.cursor, slice_s)


# The orders the direct paths serve (by relevance or by a name are for the routes).
_QUOTE_SORTS = ("-date", "date")
_QUOTATION_SORTS = ("-date", "date", "reports")
_QUOTATION_FILTERS = tuple(BY_PARAM[name] for name in ("speaker", "since", "until"))


def _read(scope: Scope, sorts: tuple[str, ...], filters: tuple[Filter, ...]) -> QuoteRequest:
    try:
        return read_quote_request(scope["query_string"].decode("latin-1"), sorts, filters)
    except NotPlain as error:
        raise Unserved from error


# ``GET /v1/suggest``'s bounds, as its route states them.
_TYPED_LONGEST = 100
_SUGGESTIONS_MOST = MOST_SUGGESTED
_SUGGESTIONS_DEFAULT = 5


def _suggest_params(scope: Scope) -> tuple[str, int]:
    """``q`` and ``limit`` when they are all there is and within bounds; anything else (a
    problem to word, an unknown parameter, a key on a replica) is for the route."""
    try:
        pairs = parse_qsl(
            scope["query_string"].decode("latin-1"), keep_blank_values=True, strict_parsing=True
        )
    except (ValueError, UnicodeDecodeError) as error:
        raise Unserved from error
    given = dict(pairs)
    if len(given) != len(pairs) or not given.keys() <= {"q", "limit"} or not _wants_json(scope):
        raise Unserved
    q, limit = given.get("q", ""), given.get("limit", str(_SUGGESTIONS_DEFAULT))
    if not 1 <= len(q) <= _TYPED_LONGEST or not limit.isascii() or not limit.isdigit():
        raise Unserved
    size = int(limit)
    if not 1 <= size <= _SUGGESTIONS_MOST:
        raise Unserved
    return q, size


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
