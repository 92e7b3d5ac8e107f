"""What stands between the internet and the routes, as plain ASGI middleware so that the direct
read path is guarded too: the body size, the request rate, and the security headers."""

import math
import time
from collections.abc import Iterable

import orjson
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Probes from the machine's own monitoring are never throttled.
_UNLIMITED = frozenset({"/health", "/ready", "/metrics"})


async def send_problem(
    send: Send,
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: Iterable[tuple[str, str]] = (),
) -> None:
    body = orjson.dumps(
        {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail}
    )
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *((name.encode(), value.encode()) for name, value in headers),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """Refuses a body that says it is too large before reading a byte of it. A body of no
    declared size is counted as it arrives by FastAPI's own ``max_body_size``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"content-length":
                    if not value.isdigit() or int(value) > self.max_bytes:
                        await send_problem(
                            send, 413, "too-large", "Content Too Large",
                            f"the request body is over the {self.max_bytes:,}-byte limit",
                        )  # fmt: skip
                        return
                    break
        await self.app(scope, receive, send)


class RateLimit:
    """Requests per client address, and per API key when one is sent, in a moving window; past
    either, 429 with ``Retry-After``. Counts live in this process: one server, one budget."""

    def __init__(self, app: ASGIApp, *, per_address: str, per_key: str) -> None:
        self.app = app
        self.per_address = _limits(per_address)
        self.per_key = _limits(per_key)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _UNLIMITED:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        checks = [
            (item, "address", client[0] if client else "unknown") for item in self.per_address
        ]
        prefix = _key_prefix(scope)
        if prefix is not None:
            checks += [(item, "key", prefix) for item in self.per_key]
        for item, kind, who in checks:
            if not self.limiter.hit(item, kind, who):
                reset = self.limiter.get_window_stats(item, kind, who).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                await send_problem(
                    send, 429, "rate-limited", "Too Many Requests",
                    f"more than {item} from this {kind}; try again in {wait} s",
                    [("retry-after", str(wait))],
                )  # fmt: skip
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """nosniff and frame denial on every answer, and a CSP that allows nothing on answers that
    are not pages (pages set their own; the interactive docs need their script)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                content_type = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                extra = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY")]
                if not content_type.startswith(b"text/html"):
                    extra.append((b"content-security-policy", _NOTHING))
                extra.append((b"referrer-policy", b"no-referrer"))
                headers += [(name, value) for name, value in extra if name not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


_NOTHING = b"default-src 'none'; frame-ancestors 'none'"


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
