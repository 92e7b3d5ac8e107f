"""``/v1/quotations``: every report of the same words by the same speaker, as one item."""

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from app.api.deps import SessionDep
from app.api.errors import problem_responses
from app.api.filters import QuotationFilters
from app.api.params import Cursor, Limit, examples
from app.api.problems import ProblemError
from app.api.versioning import ETAG_HEADER
from app.models.public import Page, QuotationDetail, QuotationPublic
from app.models.tables import MAX_ROW_ID
from app.models.versions import etag
from app.queries.quotations import (
    QuotationSort,
    get_quotation,
    list_quotations,
    quotation_version,
)

router = APIRouter(prefix="/v1/quotations", tags=["quotations"])

QuotationId = Annotated[
    int,
    Path(
        ge=1, le=MAX_ROW_ID, description="The quotation's id.", openapi_examples=examples(first=1)
    ),
]


@router.get(
    "",
    response_model=Page[QuotationPublic],
    summary="Find quotations",
    description="Quotations (the same words by the same speaker, however many reports) with a "
    "report matching every report filter (`outlet`, `publisher`, `kind`, `origin`, `reviewed`, "
    "`q`), by a speaker "
    "asked for, first said or reported between `since` and `until`. Newest first by default; "
    "`sort=reports` puts the most widely carried first.",
)
def find_quotations(
    session: SessionDep,
    filters: QuotationFilters,
    sort: Annotated[
        QuotationSort,
        Query(
            description="`-date` (newest first, the default), `date` (oldest first) or "
            "`reports` (most reports first).",
            openapi_examples=examples(newest_first="-date", most_carried="reports"),
        ),
    ] = "-date",
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[QuotationPublic]:
    query = dataclasses.replace(filters, sort=sort)
    return list_quotations(session, query, limit=limit, cursor=cursor)


@router.get(
    "/{quotation_id}",
    response_model=QuotationDetail,
    summary="One quotation with every report",
    description="The quotation and every stored report of it, oldest first: which article, "
    "publisher and outlet, which dates, and the exact words each report gives.",
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(404)},
)
def read_quotation(
    session: SessionDep, response: Response, quotation_id: QuotationId
) -> QuotationDetail:
    found = get_quotation(session, quotation_id)
    if found is None:
        raise ProblemError(404, "not-found", f"there is no quotation {quotation_id}")
    response.headers["ETag"] = etag(quotation_version(session, quotation_id))
    return found
