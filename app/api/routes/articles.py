"""``/v1/articles``: the articles quotes were taken from, with their full text; posting one
extracts and attributes its quotations."""

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from app.api.deps import SessionDep, WriteKeyDep, WriteSessionDep
from app.api.errors import ProblemError
from app.api.params import Cursor, Limit, Publisher, Since, Until, examples
from app.ingest import IngestError, ingest
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
    responses={200: {"description": "The text was already stored; nothing was created."}},
)
def post_article(
    session: WriteSessionDep, _key: WriteKeyDep, body: ArticleIn, response: Response
) -> ArticleWithQuotes:
    try:
        result = ingest(session, body)
    except IngestError as error:
        session.rollback()
        raise ProblemError(422, "invalid-parameter", str(error), parameter=error.field) from None
    session.commit()
    article_id = result.article.id
    assert article_id is not None
    if not result.created:
        response.status_code = status.HTTP_200_OK
    response.headers["Location"] = f"/v1/articles/{article_id}"
    detail = get_article(session, article_id)
    assert detail is not None
    return ArticleWithQuotes(**detail.model_dump(), quotes=article_quotes(session, article_id))


@router.get("/{article_id}", response_model=ArticleDetail, summary="One article with its text")
def read_article(
    session: SessionDep,
    article_id: Annotated[
        int, Path(description="The article's id.", openapi_examples=examples(seed_article=1))
    ],
) -> ArticleDetail:
    found = get_article(session, article_id)
    if found is None:
        raise ProblemError(404, "not-found", f"there is no article {article_id}")
    return found
