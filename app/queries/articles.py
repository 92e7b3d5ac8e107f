"""Articles: newest published first, filtered by publisher and publication date."""

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session

from app.models import Article, Outlet, Quote
from app.models.public import ArticleDetail, ArticlePublic, Page
from app.models.tables import MAX_ROW_ID, core_table
from app.queries.cursors import as_date, as_int
from app.queries.errors import check_range
from app.queries.keyset import page_rows
from app.queries.lookup import outlet_ids_for

ARTICLE = core_table(Article)
PUBLISHER = core_table(Outlet).alias("publisher")
QUOTE = core_table(Quote)

_QUOTE_COUNT = (
    sa.select(sa.func.count())
    .where(QUOTE.c.article_id == ARTICLE.c.id)
    .scalar_subquery()
    .label("quote_count")
)
# Newest published first; an undated article after every dated one.
_LISTED = sa.func.coalesce(
    ARTICLE.c.published_on, sa.literal(dt.date(1, 1, 1)), type_=sa.Date
).label("listed_on")
_COLUMNS = (
    _LISTED,
    ARTICLE.c.id,
    ARTICLE.c.title,
    ARTICLE.c.published_on,
    ARTICLE.c.url,
    ARTICLE.c.byline,
    ARTICLE.c.language,
    PUBLISHER.c.id.label("publisher_id"),
    PUBLISHER.c.name.label("publisher_name"),
    _QUOTE_COUNT,
)
_JOINED = ARTICLE.join(PUBLISHER, PUBLISHER.c.id == ARTICLE.c.publisher_id)


def list_articles(
    session: Session,
    *,
    publishers: tuple[str, ...] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int,
    cursor: str | None = None,
) -> Page[ArticlePublic]:
    check_range(since, until)
    statement = sa.select(*_COLUMNS).select_from(_JOINED)
    if publishers:
        ids = outlet_ids_for(session, publishers, "publisher")
        statement = statement.where(ARTICLE.c.publisher_id.in_(ids))
    if since is not None:
        statement = statement.where(ARTICLE.c.published_on >= since)
    if until is not None:
        statement = statement.where(ARTICLE.c.published_on <= until)
    found = page_rows(
        session,
        statement,
        order=[_LISTED, ARTICLE.c.id],
        descending=True,
        query={"publishers": publishers, "since": since, "until": until},
        limit=limit,
        cursor=cursor,
        parsers=[as_date, as_int],
    )
    items = [ArticlePublic.model_validate(_shape(row)) for row in found.rows]
    return Page[ArticlePublic](
        items=items,
        next_cursor=found.next_cursor,
        prev_cursor=found.prev_cursor,
        total=found.total,
    )


def get_article(session: Session, article_id: int) -> ArticleDetail | None:
    if not 0 < article_id <= MAX_ROW_ID:
        return None
    statement = (
        sa.select(*_COLUMNS, ARTICLE.c.text).select_from(_JOINED).where(ARTICLE.c.id == article_id)
    )
    row = session.execute(statement).mappings().first()
    return ArticleDetail.model_validate(_shape(row)) if row else None


def _shape(row: sa.RowMapping) -> dict[str, object]:
    shaped = dict(row)
    shaped.pop("listed_on", None)
    shaped["publisher"] = {"id": shaped.pop("publisher_id"), "name": shaped.pop("publisher_name")}
    return shaped
