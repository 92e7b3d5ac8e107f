"""``/v1/articles``: the articles quotes were taken from, with their full text; posting one
extracts and attributes its quotations."""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response, status
from pydantic import ValidationError

from app.api.deps import SessionDep, SettingsDep, WriteKeyDep, WriteSessionDep
from app.api.errors import ProblemError, problem_responses
from app.api.idempotency import IdempotencyKey, request_digest, write_once
from app.api.page_body import FIELDS as PAGE_FIELDS
from app.api.params import ArticleId, Cursor, Limit, Publisher, Since, Until
from app.crud import InvalidField
from app.ingest.pages import page_article
from app.ingest.store import Bounds, TooMuch, ingest, read_quotations
from app.models.public import (
    ArticleDetail,
    ArticleIn,
    ArticlePost,
    ArticlePublic,
    ArticleWithQuotes,
    Page,
    PageIn,
)
from app.queries.articles import get_article, list_articles
from app.queries.quotes import article_quotes

router = APIRouter(prefix="/v1/articles", tags=["articles"])
_PAGE_EXAMPLES = {
    "url": "https://www.upi.com/Top_News/2024/05/31/",
    "title": "U.S. lets Ukraine strike inside Russia",
    "publisher": "UPI",
    "published_on": "2024-05-31",
    "byline": "Jane Roe",
}


@router.get("", response_model=Page[ArticlePublic], summary="List articles, newest first")
def find_articles(
    session: SessionDep,
    publisher: Publisher = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[ArticlePublic]:
    return list_articles(
        session,
        publishers=tuple(publisher or ()),
        since=since,
        until=until,
        limit=limit,
        cursor=cursor,
    )


@router.post(
    "",
    response_model=ArticleWithQuotes,
    status_code=status.HTTP_201_CREATED,
    summary="Store an article and attribute its quotations",
    description="Stores the article and every quotation extracted from it, attributed to its "
    "speaker and outlet, in one transaction. Posting a text that is already stored creates "
    "nothing and answers 200 with the stored article.\n\n"
    "A saved web page is taken too, as `{html, url?, title?, publisher?, published_on?, "
    "byline?}` or as a `text/html` body with those fields as query parameters: its main text, "
    "title, date, site, byline and canonical address are read from the page, and a field "
    "given overrides the page's own. The stored text is the page's main text; spans point "
    "into it. A page with no main text, or no date when none is given, is a 422 naming what "
    "is missing.",
    responses={
        200: {"description": "The text was already stored; nothing was created."},
        **problem_responses(401, 413),
    },
    openapi_extra={
        "requestBody": {
            "content": {"text/html": {"schema": {"type": "string", "description": "A page."}}}
        },
        "parameters": [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": f"With a text/html body: the article's {name}.",
                "schema": {"type": "string", "examples": [_PAGE_EXAMPLES[name]]},
            }
            for name in PAGE_FIELDS
        ],
    },
)
def post_article(
    request: Request,
    session: WriteSessionDep,
    key: WriteKeyDep,
    settings: SettingsDep,
    posted: Annotated[ArticlePost, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    # The query carries an article's fields only with a text/html body (read into the body
    # by app.api.page_body): beside a JSON body they would be silently ignored.
    for name in request.query_params:
        raise ProblemError(
            422,
            "invalid-parameter",
            f"{name}: give it in the JSON body; query fields go with a text/html body",
            parameter=name,
        )
    body = _from_page(posted) if isinstance(posted, PageIn) else posted
    try:
        # Read before the write transaction begins: the lock is for writing rows only.
        read = read_quotations(
            body.text,
            body.published_on,
            Bounds(settings.max_paragraphs, settings.max_quotes_per_article),
        )
    except InvalidField as error:
        raise ProblemError(422, "invalid-parameter", str(error), parameter=error.field) from None
    except TooMuch as error:
        if error.what == "paragraphs":
            raise ProblemError(413, "too-large", f"{error} (SAIDWHO_MAX_PARAGRAPHS)") from None
        raise ProblemError(
            422,
            "invalid-parameter",
            f"{error} (SAIDWHO_MAX_QUOTES_PER_ARTICLE): post it in parts",
            parameter="text",
        ) from None

    def perform() -> tuple[int, str, str | None]:
        try:
            result = ingest(session, body, read, api_key_id=key.id)
        except InvalidField as error:
            raise ProblemError(
                422, "invalid-parameter", str(error), parameter=error.field
            ) from None
        article_id = result.article.id
        assert article_id is not None
        detail = get_article(session, article_id)
        assert detail is not None
        stored = ArticleWithQuotes(
            **detail.model_dump(), quotes=article_quotes(session, article_id)
        )
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return code, stored.model_dump_json(), f"/v1/articles/{article_id}"

    digest = request_digest("POST", request.url.path, posted)
    keep = dt.timedelta(hours=settings.idempotency_hours)
    return write_once(session, key, idempotency_key, digest, perform, keep=keep)


def _from_page(page: PageIn) -> ArticleIn:
    """The article a page holds, read before any transaction (it is the slow part)."""
    try:
        fields: dict[str, Any] = page_article(
            page.html,
            url=str(page.url) if page.url else None,
            title=page.title,
            publisher=page.publisher,
            published_on=page.published_on,
            byline=page.byline,
        )
    except InvalidField as error:
        raise ProblemError(422, "invalid-parameter", str(error), parameter=error.field) from None
    try:
        return ArticleIn.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(p) for p in first["loc"]) or "html"
        detail = f"{name} read from the page: {first['msg']}"
        raise ProblemError(422, "invalid-parameter", detail, parameter=name) from None


@router.get(
    "/{article_id}",
    response_model=ArticleDetail,
    summary="One article with its text",
    responses=problem_responses(404),
)
def read_article(
    session: SessionDep,
    article_id: ArticleId,
) -> ArticleDetail:
    found = get_article(session, article_id)
    if found is None:
        raise ProblemError(404, "not-found", f"there is no article {article_id}")
    return found
