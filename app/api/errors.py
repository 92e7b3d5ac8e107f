"""Every error as an RFC 9457 problem: type, title, status, detail, and the parameter at fault.

Nothing a client sends reaches a stack trace: validation errors, unknown routes, store outages
and unexpected failures all leave through here."""

import datetime as dt
import logging
import re
import resource
import shutil
from collections.abc import Awaitable, Callable, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from app.api.problems import PROBLEM_JSON, ProblemError, problem, query_timeout
from app.db import past_budget
from app.ingest.reading import TooMuch
from app.models.public import BODY_TAGS
from app.queries.errors import AmbiguousName, QueryError, UnknownName
from app.quotes.corrections import QuoteGone, QuoteMissing
from app.speakers.admin import Conflict, RevisionMissing, SpeakerMissing
from app.writes import InvalidField

PROBLEM_TYPES = {
    "invalid-parameter": "A query parameter, path segment or body field is malformed or out of "
    "range, or names something that does not exist. `parameter` names it; `invalid_params` "
    "lists every fault.",
    "not-found": "No resource has this id or name.",
    "ambiguous-name": "The name belongs to more than one speaker or outlet; `candidates` lists "
    "their ids. Ask again by id.",
    "gone": "The quote was deleted. Its history, with every value it had, is at "
    "`/v1/quotes/{id}/history`.",
    "idempotency-key-reused": "The `Idempotency-Key` was already used with a different "
    "request. Use a new key for a new request.",
    "unauthorized": "Writes need a valid API key, sent as `Authorization: Bearer <key>`.",
    "store-unavailable": "The store could not answer (locked, busy or unreachable). Retry after "
    "the `Retry-After` seconds.",
    "overloaded": "The server has as many requests in hand as it can serve, and a full queue "
    "behind them (`SAIDWHO_STORE_CONNECTIONS`, `SAIDWHO_QUEUE_WAIT_MS`). Retry after the "
    "`Retry-After` seconds.",
    "store-full": "The store's disk is full: nothing of the write was kept. Reads go on; writes "
    "are taken again once there is room.",
    "query-timeout": "The query ran past its time budget (`SAIDWHO_QUERY_BUDGET_MS`) and was "
    "stopped. Narrow it, or retry after the `Retry-After` seconds.",
    "not-ready": "The store does not answer, or its schema is older than this code: run "
    "`saidwho migrate`.",
    "too-large": "The request body is larger than `SAIDWHO_MAX_BODY_BYTES` (a saved page sent "
    "as `text/html`: `SAIDWHO_MAX_PAGE_BYTES`), or the article has more paragraphs than "
    "`SAIDWHO_MAX_PARAGRAPHS`.",
    "precondition-failed": "The record changed since the version sent in `If-Match`. GET it "
    "again (its `ETag` is the version now), look at what changed, and send the change again.",
    "forbidden": "The API key is valid but its scope does not allow this change.",
    "read-only": "The store is read-only here: every read is served, no write is taken.",
    "rate-limited": "Too many requests from this address or key. Retry after the `Retry-After` "
    "seconds.",
    "unsupported-media-type": "The request body is not JSON (`Content-Type: application/json`); "
    "`POST /v1/articles` also takes an HTML page as `text/html`.",
    "internal": "An unexpected error on the server. It was logged; the request may be retried.",
}
log = logging.getLogger("saidwho.errors")


class Problem(BaseModel):
    """An RFC 9457 problem document, as every 4xx and 5xx answer carries it."""

    type: str = Field(examples=["/problems/invalid-parameter"])
    title: str = Field(examples=["Unprocessable Entity"])
    status: int = Field(examples=[422])
    detail: str = Field(examples=["limit: Input should be less than or equal to 100"])
    parameter: str | None = Field(default=None, description="The parameter or field at fault.")
    invalid_params: list[dict[str, str]] | None = Field(
        default=None, description="Every fault: name, where (query, path, body), reason."
    )
    candidates: list[str] | None = Field(
        default=None, description="For an ambiguous name: the ids it could mean."
    )
    suggestions: list[dict[str, str]] | None = Field(
        default=None,
        description="For a name the store does not know, or a misspelt parameter: the closest "
        "known ones (`id`, the value to send, and `name`), best first. May be empty.",
    )


_WHEN = {
    400: "The request body could not be read (not JSON, or not text).",
    401: "No valid API key was sent; nothing was written.",
    403: "The API key may not make this change (speaker changes need an admin key).",
    404: "Nothing has this id or name.",
    409: "The name belongs to more than one speaker or outlet (ask by id), or the change "
    "conflicts with the store as it now stands.",
    410: "The quote was deleted; its history remains.",
    412: "The record changed since the `If-Match` version; nothing was written.",
    405: "The path takes other methods (`Allow` lists them): for a quote, the id in the path "
    "is not a number.",
    413: "The request body is over the size limit, or the article has too many paragraphs.",
    415: "The request body is declared as something other than JSON.",
    422: "A parameter, path segment or body field is malformed or names nothing stored.",
    429: "Too many requests from this address or key; see Retry-After.",
    500: "An unexpected error; it was logged.",
    503: "The store is busy, read-only or unreachable, or the query ran past its time budget; "
    "see Retry-After.",
}
_SCHEMA = Problem.model_json_schema()


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for problem answers, so the schema documents every status it may send."""
    return {
        status: {"description": _WHEN[status], "content": {PROBLEM_JSON: {"schema": _SCHEMA}}}
        for status in statuses
    }


# What any operation may answer: a body unreadable or too large, bad input, too many
# requests, failures.
COMMON_PROBLEMS = problem_responses(400, 413, 415, 422, 429, 500, 503)


def _location(loc: Sequence[Any]) -> tuple[str, str]:
    """(where, name) of a validation error: ("query", "limit"), ("body", "text")..."""
    where = str(loc[0]) if loc else "request"
    # A repeated query parameter is reported by its name, not as "kind.0".
    parts = loc[1:] if where == "body" else loc[1:2]
    if where == "body" and parts and parts[0] in BODY_TAGS:
        parts = parts[1:]  # which of a route's bodies was read: not part of the field's name
    name = ".".join(str(part) for part in parts) or where
    return where, name


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    invalid = []
    for item in error.errors():
        if item.get("type") == "json_invalid":
            invalid.append(_bad_json(item, error.body))
            continue
        where, name = _location(item.get("loc", ()))
        invalid.append({"name": name, "in": where, "reason": item.get("msg", "is invalid")})
    first = invalid[0] if invalid else {"name": "request", "reason": "is invalid"}
    detail = "; ".join(f"{i['name']}: {i['reason']}" for i in invalid) or "invalid request"
    return problem(
        422, detail, slug="invalid-parameter", parameter=first["name"], invalid_params=invalid
    )


def _bad_json(item: dict[str, Any], document: Any) -> dict[str, str]:
    """Where a body stops being JSON, as an editor counts (line and column, from 1), rather
    than the bare character offset the parser reports as the error's location."""
    loc = item.get("loc", ())
    position = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
    why = str(item.get("ctx", {}).get("error", "not JSON")).lower()
    if position is None or not isinstance(document, str):
        return {"name": "body", "in": "body", "reason": f"the body is not valid JSON: {why}"}
    line = document.count("\n", 0, position) + 1
    column = position - (document.rfind("\n", 0, position) + 1) + 1
    reason = (
        f"the body is not valid JSON: {why} at line {line}, column {column} "
        f"(character {position + 1})"
    )
    return {"name": "body", "in": "body", "reason": reason}


async def _query_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, QueryError)
    extra: dict[str, Any] = {}
    if isinstance(error, UnknownName):
        extra["suggestions"] = [{"id": id_, "name": name} for id_, name in error.suggestions]
    return problem(
        422,
        error.detail,
        slug="invalid-parameter",
        parameter=error.parameter,
        invalid_params=[{"name": error.parameter, "in": "query", "reason": error.detail}],
        **extra,
    )


async def _ambiguous(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, AmbiguousName)
    return problem(409, str(error), slug="ambiguous-name", candidates=error.candidates)


async def _problem_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ProblemError)
    return problem(
        error.status, error.detail, slug=error.slug, headers=error.headers, **error.extra
    )


# Paths a program asks for (any version of the API among them); anything else is a page
# address a person typed or followed.
_API_PATHS = re.compile(r"/(v\d+|problems|docs|openapi\.json|health|ready|metrics)(/|$)")


def _wants_page(request: Request) -> bool:
    """An unknown address outside the API, asked for by a browser (or by anything that does
    not ask for JSON only), is answered with the site's own 404 page."""
    if _API_PATHS.match(request.url.path):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "json" not in accept


def _http_error(
    not_found_page: Callable[[Request, str], Response],
) -> Callable[[Request, Exception], Awaitable[Response]]:
    """Starlette's own errors as problems; an unknown address a browser asked for as the site's
    404 page (the pages are a layer above, so they are handed in)."""

    async def answer(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if error.status_code == 404 and error.detail == HTTPStatus.NOT_FOUND.phrase:
            if _wants_page(request):
                return not_found_page(request, f"Nothing is published at {request.url.path}.")
            detail = f"nothing is served at {request.url.path}"
        elif error.status_code == 405:
            allowed = _allowed_methods(request)
            detail = f"{request.method} is not allowed on {request.url.path}; use {allowed}"
            return problem(405, detail, headers={"Allow": allowed})
        elif error.status_code == 413:
            return problem(413, "the request body is over the size limit", slug="too-large")
        else:
            detail = str(error.detail)
        return problem(error.status_code, detail, headers=getattr(error, "headers", None))

    return answer


def _allowed_methods(request: Request) -> str:
    """Every method some route answers on this path: routers split one path's methods (GET
    /v1/quotes reads, POST /v1/quotes writes), and the first route's own list is not all."""
    literal: set[str] = set()
    templated: set[str] = set()
    for route in request.app.routes:
        # An included router stands for its routes, each with its full path.
        contexts = getattr(route, "effective_route_contexts", None)
        for each in contexts() if callable(contexts) else [route]:
            regex, allowed = getattr(each, "path_regex", None), getattr(each, "methods", None)
            if regex is not None and allowed and regex.fullmatch(request.url.path):
                # "/v1/articles/batch" is a resource of its own, not "/v1/articles/{id}".
                if "{" in getattr(each, "path", "{"):
                    templated |= set(allowed)
                else:
                    literal |= set(allowed)
    methods = literal or templated
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


# How SQLite and PostgreSQL say the disk has no room: full (ENOSPC), or a write refused past
# a file size limit (EFBIG), which SQLite reports as a failed write.
_FULL = ("database or disk is full", "no space left on device", "could not extend file")
_FULL_CODES = frozenset({"SQLITE_FULL", "SQLITE_IOERR_WRITE"})


def _no_room(error: Exception, database_url: str) -> bool:
    code = getattr(getattr(error, "orig", None), "sqlite_errorname", "")
    if code in _FULL_CODES or any(sign in str(error).lower() for sign in _FULL):
        return True
    # SQLite reports a write refused at COMMIT as a bare "disk I/O error": it is for want of
    # room when the disk is (nearly) full or a file size limit is in force.
    return "disk i/o error" in str(error).lower() and _short_of_room(database_url)


def _short_of_room(database_url: str) -> bool:
    if resource.getrlimit(resource.RLIMIT_FSIZE)[0] != resource.RLIM_INFINITY:
        return True
    path = sa.make_url(database_url).database
    if not path:
        return False
    try:
        return shutil.disk_usage(Path(path).resolve().parent).free < _LITTLE_ROOM
    except OSError:
        return False


_LITTLE_ROOM = 64 * 1024 * 1024


async def _store_unavailable(request: Request, error: Exception) -> JSONResponse:
    # SQLite's progress handler, or PostgreSQL's statement_timeout, stopped the query.
    if _no_room(error, request.app.state.settings.database_url):
        log.error("store full: %s", error)
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        request.app.state.store_full = f"the store's disk had no room at the last write ({when})"
        return problem(
            503,
            "the store's disk has no room for this write (full, or past a file size limit): "
            "nothing of it was kept; reads go on, and writes are taken again once there is "
            "room",
            slug="store-full",
            headers={"Retry-After": "60"},
        )
    if past_budget(error):
        return query_timeout()
    log.error("store error: %s", error)
    return problem(
        503,
        "the store cannot answer right now; try again shortly",
        slug="store-unavailable",
        headers={"Retry-After": "1"},
    )


async def _pool_exhausted(_: Request, error: Exception) -> JSONResponse:
    # Every connection to the store stayed in use for SAIDWHO_POOL_WAIT_MS.
    log.warning("no connection to the store came free: %s", error)
    return problem(
        503,
        "every connection to the store is in use; try again in a second",
        slug="overloaded",
        headers={"Retry-After": "1"},
    )


async def _unexpected(_: Request, error: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=error)
    return problem(500, "an unexpected error occurred; it has been logged", slug="internal")


def as_problem(error: Exception, where: str = "body") -> ProblemError:
    """What a refused write answers, one definition for every route (and every line of a
    batch): the domain's own errors, raised below the API, as problems. ``where`` is where a
    field at fault was sent (the body, or the query)."""
    if isinstance(error, InvalidField):
        invalid = [{"name": error.field, "in": where, "reason": str(error)}]
        return ProblemError(
            422, "invalid-parameter", str(error), parameter=error.field, invalid_params=invalid
        )
    if isinstance(error, TooMuch):
        if error.what == "paragraphs":
            return ProblemError(413, "too-large", f"{error} (SAIDWHO_MAX_PARAGRAPHS)")
        return ProblemError(
            422,
            "invalid-parameter",
            f"{error} (SAIDWHO_MAX_QUOTES_PER_ARTICLE): post it in parts",
            parameter="text",
        )
    if isinstance(error, QuoteGone):
        return ProblemError(410, "gone", str(error))
    if isinstance(error, QuoteMissing):
        return ProblemError(404, "not-found", str(error))
    if isinstance(error, (SpeakerMissing, RevisionMissing)):
        return ProblemError(404, "not-found", f"not found: {error}")
    if isinstance(error, Conflict):
        return ProblemError(409, "conflict", str(error))
    if isinstance(error, ProblemError):
        return error
    raise TypeError(f"{type(error).__name__} is not a refusal") from error


_REFUSALS = (
    InvalidField,
    TooMuch,
    QuoteGone,
    QuoteMissing,
    SpeakerMissing,
    RevisionMissing,
    Conflict,
)


async def _refused(request: Request, error: Exception) -> JSONResponse:
    return await _problem_error(request, as_problem(error))


def install_error_handlers(
    app: FastAPI, not_found_page: Callable[[Request, str], Response]
) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(QueryError, _query_error)
    app.add_exception_handler(AmbiguousName, _ambiguous)
    app.add_exception_handler(ProblemError, _problem_error)
    for refusal in _REFUSALS:
        app.add_exception_handler(refusal, _refused)
    app.add_exception_handler(HTTPException, _http_error(not_found_page))
    app.add_exception_handler(OperationalError, _store_unavailable)
    app.add_exception_handler(PoolTimeout, _pool_exhausted)
    app.add_exception_handler(Exception, _unexpected)
