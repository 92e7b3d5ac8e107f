"""A saved page posted as it is (``POST /v1/articles`` with a ``text/html`` body, the article's
fields as query parameters) is turned into the JSON body the route takes, ``{"html": ...}``,
so that both ways in are validated, made idempotent and stored by one code path.

Every other body sent to the API must be JSON: one declared as something else (a form, plain
text) is a 415 naming the type, not a validation error about a field it never had."""

from email.message import Message as HeaderValue
from urllib.parse import parse_qsl

import anyio
import orjson
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import problem
from app.ingest.decoding import decode_page, known_charset
from app.models.public import PageIn

_PATH = "/v1/articles"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# The fields a page's query string may give; ``html`` is the body itself.
FIELDS = tuple(name for name in PageIn.model_fields if name != "html")


BATCH_PATH = "/v1/articles/batch"
_NDJSON_TYPES = frozenset({"application/x-ndjson", "application/jsonl", "application/json-seq"})


def is_batch_post(scope: Scope) -> bool:
    """Many articles, one a line: ``POST /v1/articles/batch``."""
    return scope.get("method") == "POST" and scope.get("path") == BATCH_PATH


def is_page_post(scope: Scope) -> bool:
    """A saved page posted as it is: ``POST /v1/articles`` with an HTML body."""
    if scope.get("method") != "POST" or scope.get("path") != _PATH:
        return False
    content_type = HeaderValue()
    content_type["content-type"] = (
        dict(scope["headers"]).get(b"content-type", b"").decode("latin-1")
    )
    return content_type.get_content_type() in _HTML_TYPES


class PageBody:
    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        max_page_bytes: int | None = None,
        max_batch_bytes: int | None = None,
    ) -> None:
        self.app = app
        # A body sent in chunks declares no size: it is counted here as it arrives, a page or
        # a batch to its own limit and every other body to the JSON one.
        self.max_bytes = max_bytes
        self.max_page_bytes = max_page_bytes or max_bytes
        self.max_batch_bytes = max_batch_bytes or max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WRITES:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-type")
        content_type = HeaderValue()
        content_type["content-type"] = (declared or b"").decode("latin-1")
        media = content_type.get_content_type()
        page = scope["method"] == "POST" and scope["path"] == _PATH and media in _HTML_TYPES
        if not page:
            refused = _wrong_media(scope, headers, declared, media)
            if refused is not None:
                await refused(scope, receive, send)
                return
            limit = self.max_batch_bytes if is_batch_post(scope) else self.max_bytes
            await self.app(scope, _counted(receive, limit), send)
            return
        raw = await _page_read(receive, self.max_page_bytes)
        if raw is None:
            await _too_large(scope, receive, send)
            return
        if isinstance(raw, _Gone):
            return
        fields = _page_fields(scope, content_type)
        if not isinstance(fields, dict):
            await fields(scope, receive, send)
            return
        # Detection may read 200 kB of a page that is not UTF-8: not on the event loop.
        fields["html"] = await anyio.to_thread.run_sync(
            decode_page, bytes(raw), content_type["content-type"]
        )
        await self._as_json(scope, receive, send, orjson.dumps(fields))

    async def _as_json(self, scope: Scope, receive: Receive, send: Send, body: bytes) -> None:
        """The request passed on as the JSON body ``POST /v1/articles`` takes."""
        rewritten = [
            (name, value)
            for name, value in scope["headers"]
            if name not in (b"content-type", b"content-length")
        ]
        rewritten += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app({**scope, "headers": rewritten, "query_string": b""}, replay, send)


def _wrong_media(
    scope: Scope, headers: dict[bytes, bytes], declared: bytes | None, media: str
) -> Response | None:
    """A 415 for a body that is not what its route reads (NDJSON for a batch, else JSON)."""
    if declared is None or not _has_body(headers):
        return None
    if is_batch_post(scope):
        if media in _NDJSON_TYPES:
            return None
        detail = f"the body must be one article a line (application/x-ndjson), not {media}"
    elif _is_json(media):
        return None
    elif scope["path"] == _PATH:
        detail = f"the body must be JSON or an HTML page (text/html), not {media}"
    else:
        detail = f"the body must be JSON (application/json), not {media}"
    return problem(415, detail, slug="unsupported-media-type")


class _Gone:
    """The client went away before the whole page arrived."""


async def _page_read(receive: Receive, limit: int) -> bytearray | _Gone | None:
    """The page's bytes; None when they run past ``limit``."""
    raw = bytearray()
    while True:
        try:
            message = await receive()
        except HTTPException as error:  # the framework's own count of a chunked body
            if error.status_code != 413:
                raise
            return None
        raw += message.get("body", b"")
        if len(raw) > limit:
            return None
        if message["type"] == "http.disconnect":
            return _Gone()
        if not message.get("more_body", False):
            return raw


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    answer = problem(413, "the request body is over the size limit", slug="too-large")
    await answer(scope, receive, send)


def _page_fields(scope: Scope, content_type: HeaderValue) -> dict[str, object] | Response:
    """The article's fields from the query string, or a 422 naming what is wrong with them
    or with the page's declared charset."""
    fields: dict[str, object] = {}
    for name, value in parse_qsl(scope.get("query_string", b"").decode("latin-1")):
        if name not in FIELDS:
            return _refusal(name, "query", f"{name} is not a field of an article page")
        fields[name] = value
    charset = content_type.get_param("charset")
    if charset and not known_charset(str(charset)):
        return _refusal("html", "body", f"{charset} is not a charset known here")
    return fields


def _counted(receive: Receive, limit: int) -> Receive:
    """``receive`` that stops a body past ``limit`` bytes as the framework does: a 413."""
    seen = 0

    async def counting() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise HTTPException(413, "the request body is over the size limit")
        return message

    return counting


def _has_body(headers: dict[bytes, bytes]) -> bool:
    return headers.get(b"content-length", b"0").strip() not in (b"0", b"") or (
        b"transfer-encoding" in headers
    )


def _is_json(media: str) -> bool:
    kind, _, subtype = media.partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


def _refusal(name: str, where: str, reason: str) -> Response:
    invalid = [{"name": name, "in": where, "reason": reason}]
    return problem(
        422, f"{name}: {reason}", slug="invalid-parameter", parameter=name, invalid_params=invalid
    )
