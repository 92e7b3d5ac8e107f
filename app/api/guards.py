"""The front door: what every request passes through before any route or the direct read path,
in one layer, since each extra layer costs every request a few microseconds more.

- a request id: the client's ``X-Request-ID`` if it is a sane one, else a new one; it is sent
  back, and every log line written while answering carries it;
- the body size: a body declared too large is refused before a byte is read (a body of no
  declared size is counted as it arrives by FastAPI's ``max_body_size``);
- the rate: per client address, and per API key when one is sent (the limits library, fixed
  windows, counted in this process); past either, 429 with ``Retry-After``; every limited
  answer says where the client stands (``RateLimit-Limit``, ``-Remaining``, ``-Reset``, as in
  the IETF draft, for the limit closest to running out);
- security headers on every answer: nosniff, frame denial, no referrer, and a CSP that allows
  nothing on answers that are not pages (pages set their own, and /docs needs its scripts);
- metrics for every answer, refusals included.
"""

import itertools
import logging
import math
import re
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from asgi_correlation_id.context import correlation_id
from fastapi.responses import JSONResponse
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.metrics import Metrics
from app.api.page_body import is_batch_post, is_page_post
from app.api.problems import problem

# Where a request finds the front door that counted it, to count more (a batch of articles).
FRONT_DOOR = "saidwho.front_door"
_RATE_HEADERS = "saidwho.rate_headers"
# Probes from the machine's own monitoring are never throttled.
_UNLIMITED = frozenset({"/health", "/ready", "/metrics"})
_SANE_ID = re.compile(rb"[A-Za-z0-9._-]{1,128}")
_ALWAYS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]
_NOTHING = (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'")
_PROCESS = uuid.uuid4().hex[:12]
log = logging.getLogger("saidwho.guards")
_COUNT = itertools.count(1)


class SweptMemory(MemoryStorage):
    """limits' counts in this process's memory, their expired ones swept at most once a
    second on the counting thread. limits starts a timer thread to sweep them 10 ms after a
    count: past a hundred requests a second that is a hundred threads a second, and each
    start held the event loop until the new thread ran (9% of the loop's time under wrk, by
    py-spy). A count past its window is dropped when it is next read in any case; the sweep
    only frees the memory of clients that stopped asking."""

    SWEEP_S = 1.0
    _swept = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # limits' own hook, by its mangled name
        now = time.monotonic()
        if now - self._swept >= self.SWEEP_S:
            self._swept = now
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Refusal:
    """What the door answers instead of the routes: a problem, the parameter at fault if
    one is."""

    status: int
    slug: str
    detail: str
    headers: dict[str, str] = field(default_factory=dict)
    parameter: str | None = None

    def response(self) -> JSONResponse:
        extra: dict[str, object] = {}
        if self.parameter is not None:
            invalid = [{"name": self.parameter, "in": "query", "reason": self.detail}]
            extra = {"parameter": self.parameter, "invalid_params": invalid}
        return problem(self.status, self.detail, slug=self.slug, headers=self.headers, **extra)


class FrontDoor:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        max_page_bytes: int | None = None,
        max_batch_bytes: int | None = None,
        per_address: str,
        per_key: str,
        metrics: Metrics | None,
        storage_uri: str = "",
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_page_bytes = max_page_bytes or max_bytes
        self.max_batch_bytes = max_batch_bytes or max_bytes
        self.per_address = _limits(per_address)
        self.per_key = _limits(per_key)
        storage = (
            storage_from_string(storage_uri, wrap_exceptions=True) if storage_uri else SweptMemory()
        )
        self.limiter = FixedWindowRateLimiter(storage)
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _request_id(scope)
        token = correlation_id.set(request_id)
        status = 500

        rate: list[tuple[bytes, bytes]] = []

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": _with_headers(message, request_id) + rate}
            await send(message)

        try:
            refusal = self._refusal(scope, rate)
            if refusal is None:
                await self.app(scope, receive, answer)
            else:
                await refusal.response()(scope, receive, answer)
        finally:
            correlation_id.reset(token)
            if self.metrics is not None:
                self.metrics.record(scope, status, time.perf_counter() - started)

    def _refusal(self, scope: Scope, rate: list[tuple[bytes, bytes]]) -> Refusal | None:
        if "\x00" in scope["path"] or b"%00" in scope["query_string"].lower():
            # No store keeps text with NUL in it the same way (PostgreSQL refuses it): refused
            # here, for both, before it reaches either.
            where = _nul_parameter(scope)
            detail = f"{where}: a NUL character (%00) is not allowed"
            return Refusal(422, "invalid-parameter", detail, parameter=where)
        limit = self.max_bytes
        if is_page_post(scope):
            limit = self.max_page_bytes
        elif is_batch_post(scope):
            limit = self.max_batch_bytes
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > limit):
                detail = f"the request body is over the {limit:,}-byte limit"
                return Refusal(413, "too-large", detail)
        if scope["path"] in _UNLIMITED:
            return None
        scope[FRONT_DOOR] = self
        scope[_RATE_HEADERS] = rate
        return self.charge(scope, 1)

    def charge(self, scope: Scope, cost: int) -> Refusal | None:
        """Counts ``cost`` requests from the request's address and key (a batch of articles
        counts by its size); the refusal when that is past a limit. The answer's rate-limit
        headers say what is left after it."""
        rate: list[tuple[bytes, bytes]] = scope[_RATE_HEADERS]
        rate.clear()
        client = scope.get("client")
        checks = [(item, "address", client[0] if client else "-") for item in self.per_address]
        prefix = _key_prefix(scope)
        if prefix is not None:
            checks += [(item, "key", prefix) for item in self.per_key]
        closest: tuple[int, float, int] | None = None  # remaining, reset time, limit
        for item, kind, who in checks:
            try:
                allowed = self.limiter.hit(item, kind, who, cost=cost)
                stats = self.limiter.get_window_stats(item, kind, who)
            except (StorageError, ConnectionError, OSError) as error:
                # The shared count is out of reach: serve rather than refuse everyone.
                log.warning("rate-limit storage unavailable, not limiting: %s", error)
                return None
            if closest is None or stats.remaining < closest[0]:
                closest = (stats.remaining, stats.reset_time, item.amount)
            if not allowed:
                wait = max(1, math.ceil(stats.reset_time - time.time()))
                rate += _rate_headers(0, stats.reset_time, item.amount)
                detail = f"more than {item} from this {kind}; try again in {wait} s"
                return Refusal(429, "rate-limited", detail, {"Retry-After": str(wait)})
        if closest is not None:
            rate += _rate_headers(*closest)
        return None


def _rate_headers(remaining: int, reset_time: float, limit: int) -> list[tuple[bytes, bytes]]:
    reset = max(0, math.ceil(reset_time - time.time()))
    return [
        (b"ratelimit-limit", str(limit).encode()),
        (b"ratelimit-remaining", str(max(0, remaining)).encode()),
        (b"ratelimit-reset", str(reset).encode()),
    ]


def _request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"x-request-id" and _SANE_ID.fullmatch(value):
            return str(value.decode("ascii"))
    # Unique, not secret: this process's random prefix and a count.
    return f"{_PROCESS}-{next(_COUNT)}"


def _with_headers(message: Message, request_id: str) -> list[tuple[bytes, bytes]]:
    """The answer's headers, with ours added where the answer has not set its own."""
    headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
    present = {name.lower(): value for name, value in headers}
    headers += [header for header in _ALWAYS if header[0] not in present]
    headers.append((b"x-request-id", request_id.encode()))
    # Pages carry their own policy; the interactive docs, the one page without, need scripts.
    if not present.get(b"content-type", b"").startswith(b"text/html"):
        if _NOTHING[0] not in present:
            headers.append(_NOTHING)
    return headers


def _nul_parameter(scope: Scope) -> str:
    if "\x00" in scope["path"]:
        return "path"
    query = scope["query_string"].decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if "\x00" in name + value:
            return name.replace("\x00", "") or "query"
    return "query"


def _limits(text: str) -> list[RateLimitItem]:
    return parse_many(text) if text.strip() else []


def _key_prefix(scope: Scope) -> str | None:
    """The prefix of the key a request sends, valid or not: a client that sends a made-up key
    is still held to its address's limit."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            parts = value.decode("latin-1").removeprefix("Bearer ").split("_")
            return parts[1][:32] if len(parts) >= 3 and parts[0] == "sw" else None
    return None
