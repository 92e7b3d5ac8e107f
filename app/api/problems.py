"""Problem answers (RFC 9457), written in one place: by the routes (they raise ``ProblemError``
and the handlers in ``errors`` answer), by the middleware in front of them (the guards, the
page body, the direct read path: a ``problem`` response is an ASGI app they can send), and one
line of a batch's answer (``problem_body``)."""

from http import HTTPStatus
from typing import Any

from fastapi.responses import JSONResponse

PROBLEM_JSON = "application/problem+json"
# Problem types are relative URIs that this service itself documents at /problems/{slug}.
PROBLEM_BASE = "/problems/"
# Titles as RFC 9110 names the statuses, where Python's own list still has the older words.
_TITLES = {413: "Content Too Large"}


class ProblemError(Exception):
    """Raised by routes for an answer that is a problem, with its own type slug."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.slug, self.detail = status, slug, detail
        self.headers, self.extra = headers, extra


def problem(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = problem_body(status, detail, slug=slug, **extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_body(
    status: int, detail: str, *, slug: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The RFC 9457 document of a problem, for an answer or for one line of a batch's."""
    return {
        "type": PROBLEM_BASE + slug if slug else "about:blank",
        "title": _TITLES.get(status) or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }


def query_timeout() -> JSONResponse:
    """A read that ran past its time budget (on the routes' path or the direct one)."""
    return problem(
        503,
        "the query ran past its time budget; narrow it, or try again",
        slug="query-timeout",
        headers={"Retry-After": "1"},
    )
