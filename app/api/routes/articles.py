"""``/v1/articles``: the articles quotes were taken from, with their full text."""

from typing import Annotated

from fastapi import APIRouter, Path

from app.api.deps import SessionDep
from app.api.errors import ProblemError
from app.api.params import Cursor, Limit, Publisher, Since, Until, examples
from app.models.public import ArticleDetail, ArticlePublic, Page
from app.queries.articles import get_article, list_articles

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
