"""Finding quotations: the filters of ``GET /v1/quotes`` applied to a quotation's reports, in
keyset pages sorted by date or by how widely they were carried; one quotation with every
report."""

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import Session

from app.models import Article, Outlet, Quotation, Quote, Speaker
from app.models.public import Page, QuotationDetail, QuotationPublic, QuotationReport
from app.models.tables import MAX_ROW_ID, core_table
from app.queries.cursors import as_date, as_int, fingerprint, read_cursor, settle
from app.queries.lookup import StoreLookup
from app.queries.quote_filters import QuoteQuery, as_clauses
from app.queries.quote_filters import conditions as filter_conditions
from app.queries.quotes import report_conditions

QuotationSort = Literal["-date", "date", "reports"]

QUOTATION = core_table(Quotation)
QUOTE = core_table(Quote)
SPEAKER = core_table(Speaker)
ARTICLE = core_table(Article)
PUBLISHER = core_table(Outlet).alias("publisher")
GIVEN_TO = core_table(Outlet).alias("given_to")

_COLUMNS = (
    QUOTATION.c.id, QUOTATION.c.text, QUOTATION.c.date, QUOTATION.c.first_said,
    QUOTATION.c.first_reported, QUOTATION.c.reports, QUOTATION.c.publishers,
    SPEAKER.c.id.label("speaker_id"), SPEAKER.c.name.label("speaker_name"),
    SPEAKER.c.kind.label("speaker_kind"), SPEAKER.c.role.label("speaker_role"),
)  # fmt: skip
_JOINED = QUOTATION.join(SPEAKER, SPEAKER.c.id == QUOTATION.c.speaker_id)


@dataclass(frozen=True)
class QuotationQuery:
    """The quotation's own speaker and dates, and what at least one of its reports must match
    (any quote filter but those three)."""

    speakers: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    reports: QuoteQuery = QuoteQuery()
    sort: QuotationSort = "-date"


def list_quotations(
    session: Session, query: QuotationQuery, *, limit: int, cursor: str | None = None
) -> Page[QuotationPublic]:
    """Quotations with a report matching every report filter (outlet, publisher, kind, q),
    by a speaker asked for, first said or reported between ``since`` and ``until``."""
    conditions, params = _conditions(session, query)
    by_reports = query.sort == "reports"
    key = (QUOTATION.c.reports if by_reports else QUOTATION.c.date, QUOTATION.c.id)
    descending = query.sort != "date"
    statement = sa.select(*_COLUMNS).select_from(_JOINED).where(*conditions)
    query_fingerprint = quotation_fingerprint(query)
    before = False
    if cursor is not None:
        first = as_int if by_reports else as_date
        after, before = read_cursor(cursor, query_fingerprint, (first, as_int))
        row, bound = sa.tuple_(*key), sa.tuple_(*(sa.literal(v) for v in after))
        statement = statement.where(row < bound if descending != before else row > bound)
    order = [k.desc() if descending != before else k.asc() for k in key]
    found, next_cursor, prev_cursor = settle(
        list(session.execute(statement.order_by(*order).limit(limit + 1), params).mappings()),
        limit, before=before, from_cursor=cursor is not None, query_fingerprint=query_fingerprint,
        position=lambda row: [
            row["reports"] if by_reports else row["date"].isoformat(), row["id"]
        ],
    )  # fmt: skip
    total = session.execute(
        sa.select(sa.func.count()).select_from(QUOTATION).where(*conditions), params
    ).scalar_one()
    return Page[QuotationPublic](
        items=[quotation_public(row) for row in found],
        next_cursor=next_cursor,
        prev_cursor=prev_cursor,
        total=int(total),
    )


def own_filters(query: QuotationQuery) -> QuoteQuery:
    """The quotation's own speaker and dates as quote filters: a quotation has the columns
    they name (``speaker_id``, ``date``), so ``quote_filters`` defines them for both."""
    return QuoteQuery(speakers=query.speakers, since=query.since, until=query.until)


def quotation_fingerprint(query: QuotationQuery) -> str:
    """What a quotation cursor belongs to (the direct read path makes the same)."""
    return fingerprint({"quotations": True, **dataclasses.asdict(query)})


def _conditions(
    session: Session, query: QuotationQuery
) -> tuple[list[sa.ColumnElement[bool]], dict[str, Any]]:
    own = filter_conditions(own_filters(query), StoreLookup(session), "quotation")
    conditions = as_clauses(own, prefix="own")
    params: dict[str, Any] = {}
    if query.reports != QuoteQuery():
        on_reports, params = report_conditions(session, query.reports)
        conditions.append(QUOTATION.c.id.in_(sa.select(QUOTE.c.quotation_id).where(*on_reports)))
    return conditions, params


def get_quotation(session: Session, quotation_id: int) -> QuotationDetail | None:
    if not 0 < quotation_id <= MAX_ROW_ID:
        return None
    row = (
        session.execute(
            sa.select(*_COLUMNS).select_from(_JOINED).where(QUOTATION.c.id == quotation_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    reports = session.execute(
        sa.select(
            QUOTE.c.id,
            QUOTE.c.text,
            QUOTE.c.kind,
            QUOTE.c.said_on,
            QUOTE.c.date,
            QUOTE.c.origin,
            QUOTE.c.reviewed,
            ARTICLE.c.id.label("article_id"),
            ARTICLE.c.title,
            ARTICLE.c.published_on,
            PUBLISHER.c.id.label("publisher_id"),
            PUBLISHER.c.name.label("publisher_name"),
            GIVEN_TO.c.id.label("outlet_id"),
            GIVEN_TO.c.name.label("outlet_name"),
        )  # fmt: skip
        .select_from(
            QUOTE.join(ARTICLE, ARTICLE.c.id == QUOTE.c.article_id)
            .join(PUBLISHER, PUBLISHER.c.id == ARTICLE.c.publisher_id)
            .outerjoin(GIVEN_TO, GIVEN_TO.c.id == QUOTE.c.outlet_id)
        )
        .where(QUOTE.c.quotation_id == quotation_id)
        .order_by(
            sa.func.coalesce(ARTICLE.c.published_on, QUOTE.c.date, type_=sa.Date),
            QUOTE.c.date,
            QUOTE.c.id,
        )
    ).mappings()
    summary = quotation_public(row)
    return QuotationDetail(
        **summary.model_dump(),
        items=[
            QuotationReport.model_validate(
                {
                    "quote": r["id"],
                    "text": r["text"],
                    "kind": r["kind"],
                    "article": {
                        "id": r["article_id"],
                        "title": r["title"],
                        "publisher": {"id": r["publisher_id"], "name": r["publisher_name"]},
                        "published_on": r["published_on"],
                    },
                    "outlet": (
                        {"id": r["outlet_id"], "name": r["outlet_name"]}
                        if r["outlet_id"] is not None
                        else None
                    ),
                    "said_on": r["said_on"],
                    "date": r["date"],
                    "origin": r["origin"],
                    "reviewed": bool(r["reviewed"]),
                }
            )
            for r in reports
        ],
    )


def quotations_by_id(session: Session, ids: list[int]) -> dict[int, QuotationPublic]:
    if not ids:
        return {}
    rows = session.execute(
        sa.select(*_COLUMNS).select_from(_JOINED).where(QUOTATION.c.id.in_(ids))
    ).mappings()
    return {int(row["id"]): quotation_public(row) for row in rows}


def quotation_version(session: Session, quotation_id: int) -> int:
    found = session.execute(
        sa.select(QUOTATION.c.version).where(QUOTATION.c.id == quotation_id)
    ).scalar()
    return int(found or 0)


def quotation_public(row: sa.RowMapping) -> QuotationPublic:
    return QuotationPublic.model_validate(
        {
            "id": row["id"],
            "text": row["text"],
            "speaker": {
                "id": row["speaker_id"],
                "name": row["speaker_name"],
                "kind": row["speaker_kind"],
                "role": row["speaker_role"],
            },
            "date": row["date"],
            "first_said": row["first_said"],
            "first_reported": row["first_reported"],
            "reports": row["reports"],
            "publishers": row["publishers"],
        }
    )
