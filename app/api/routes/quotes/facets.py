"""``/v1/quotes/facets``: how the quotes matching a search fall by speaker, outlet, publisher,
kind, year and month."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import SessionDep, SettingsDep
from app.api.filters import QuoteFilters
from app.api.params import examples
from app.models.public import FacetName, Facets
from app.queries.facets import FACETS, quote_facets

router = APIRouter(prefix="/v1/quotes", tags=["quotes"])


@router.get(
    "/facets",
    response_model=Facets,
    summary="Count quotes by speaker, outlet, publisher, kind, year, month",
    description="Takes every filter of `GET /v1/quotes`. For each `facet` asked for (all six "
    "when none is), the values with most matching quotes, most first, with their counts; "
    "each value is what to send as that filter to narrow the search to it. Counts are "
    "remembered until the store changes. Past `SAIDWHO_FACET_SCAN` matches, the counts are "
    "those of the newest matches, and `exact` is false. `facet=month&limit=1000` gives the "
    "timeline: quotes per month.",
)
def quote_facets_route(
    session: SessionDep,
    settings: SettingsDep,
    filters: QuoteFilters,
    facet: Annotated[
        list[FacetName] | None,
        Query(
            description="Which facets: `speaker`, `outlet`, `publisher`, `kind`, `year`, "
            "`month`. Repeat for several; all when none is given.",
            openapi_examples=examples(who="speaker", timeline="month"),
        ),
    ] = None,
    limit: Annotated[
        int,
        Query(
            ge=1,
            le=1000,
            description="How many values each facet lists, 1 to 1000.",
            openapi_examples=examples(default=10, every_month=1000),
        ),
    ] = 10,
) -> Facets:
    return quote_facets(session, filters, facet or FACETS, limit=limit, scan=settings.facet_scan)
