"""Manual entry and corrections: ``POST /v1/quotes``, ``PATCH`` and ``DELETE
/v1/quotes/{id}``, and the history every change leaves behind."""

import datetime as dt

from fastapi import APIRouter, Request, Response, status

from app.api.deps import SessionDep, SettingsDep, WriteKeyDep, WriteSessionDep
from app.api.errors import problem_responses
from app.api.idempotency import IdempotencyKey, request_digest, write_once
from app.api.params import QuoteId
from app.api.versioning import ETAG_HEADER, IfMatch, expected, preconditions
from app.models.public import (
    FieldChange,
    QuoteHistory,
    QuoteIn,
    QuotePatch,
    QuotePublic,
    QuoteRevisionPublic,
)
from app.models.versions import etag
from app.queries.quotes import get_quote
from app.quotes.corrections import (
    create_quote,
    delete_quote,
    history,
    quote_version,
    update_quote,
)

router = APIRouter(prefix="/v1/quotes", tags=["corrections"])

_CHANGE = problem_responses(401, 403, 404, 409, 410, 412)
# A quote's address is its number: any other segment names no quote that can be changed.
_BY_NUMBER = problem_responses(405)


@router.post(
    "",
    response_model=QuotePublic,
    status_code=status.HTTP_201_CREATED,
    summary="Enter a quote by hand",
    description="Adds a quote to a stored article. Its text is read from the article at `span` "
    "(or `text` is found in it), so the two cannot disagree. The change is recorded in the "
    "quote's history.",
    responses=problem_responses(401, 409),
)
def post_quote(
    request: Request,
    session: WriteSessionDep,
    key: WriteKeyDep,
    settings: SettingsDep,
    body: QuoteIn,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    def perform() -> tuple[int, str, str | None]:
        quote = create_quote(session, body, key)
        assert quote.id is not None
        return 201, _public(session, quote.id).model_dump_json(), f"/v1/quotes/{quote.id}"

    digest = request_digest("POST", request.url.path, body)
    keep = dt.timedelta(hours=settings.idempotency_hours)
    return write_once(session, key, idempotency_key, digest, perform, keep=keep)


# Digits only in the path: /v1/quotes/facets is another resource, which answers PATCH and
# DELETE with 405, not with a quote id's 422.
@router.patch(
    "/{quote_id:int}",
    response_model=QuotePublic,
    summary="Correct a quote",
    description="Changes only the fields sent; `null` clears one that may be empty. The earlier "
    "values are kept in the quote's history. With `If-Match` (the `ETag` of a GET), the change "
    "is made only if nobody changed the quote since: 412 otherwise.",
    responses={200: {"headers": ETAG_HEADER}, **_CHANGE, **_BY_NUMBER},
)
def patch_quote(
    session: WriteSessionDep,
    key: WriteKeyDep,
    quote_id: QuoteId,
    body: QuotePatch,
    response: Response,
    if_match: IfMatch = None,
) -> QuotePublic:
    with preconditions():
        update_quote(session, quote_id, body, key, expected(if_match))
    version = quote_version(session, quote_id)
    session.commit()
    response.headers["ETag"] = etag(version)
    return _public(session, quote_id)


@router.delete(
    "/{quote_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a quote",
    description="The quote leaves every list and answers 410 from then on; its history, with "
    "every value it had, remains. `If-Match` as for PATCH.",
    responses={**_CHANGE, **_BY_NUMBER},
)
def remove_quote(
    session: WriteSessionDep, key: WriteKeyDep, quote_id: QuoteId, if_match: IfMatch = None
) -> Response:
    with preconditions():
        delete_quote(session, quote_id, key, expected(if_match))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/{quote_id}/history",
    response_model=QuoteHistory,
    summary="A quote's history",
    responses=problem_responses(404),
)
def quote_history(session: SessionDep, quote_id: QuoteId) -> QuoteHistory:
    deleted, revisions = history(session, quote_id)
    return QuoteHistory(
        quote_id=quote_id,
        deleted=deleted,
        current=None if deleted else get_quote(session, quote_id),
        revisions=[
            QuoteRevisionPublic(
                version=revision.version,
                action=revision.action,
                at=revision.changed_at,
                by=key_name,
                by_key=key_prefix,
                changes={
                    field: FieldChange(before=change["before"], after=change["after"])
                    for field, change in revision.changes.items()
                },
            )
            for revision, key_name, key_prefix in revisions
        ],
    )


def _public(session: SessionDep, quote_id: int) -> QuotePublic:
    quote = get_quote(session, quote_id)
    assert quote is not None
    return quote
