"""``/v1/articles``: the articles quotes were taken from, with their full text; posting one
extracts and attributes its quotations."""

import datetime as dt

from fastapi import APIRouter, Request, Response, status

from app.api.deps import SessionDep, SettingsDep, WriteKeyDep, WriteSessionDep
from app.api.errors import ProblemError, problem_responses
from app.api.idempotency import IdempotencyKey, request_digest, write_once
from app.api.params import ArticleId, Cursor, Limit, Publisher, Since, Until
from app.crud import InvalidField
from app.ingest import Bounds, TooMuch, ingest, read_quotations
from app.models.public import ArticleDetail, ArticleIn, ArticlePublic, ArticleWithQuotes, Page
from app.queries.articles import get_article, list_articles
from app.queries.quotes import article_quotes

router = APIRouter(prefix="/v1/articles", tags=["articles"])


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
    "nothing and answers 200 with the stored article.",
    responses={
        200: {"description": "The text was already stored; nothing was created."},
        **problem_responses(401, 413),
    },
)
def post_article(
    request: Request,
    session: WriteSessionDep,
    key: WriteKeyDep,
    settings: SettingsDep,
    body: ArticleIn,
    idempotency_key: IdempotencyKey = None,
) -> Response:
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

    digest = request_digest("POST", request.url.path, body)
    keep = dt.timedelta(hours=settings.idempotency_hours)
    return write_once(session, key, idempotency_key, digest, perform, keep=keep)


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
