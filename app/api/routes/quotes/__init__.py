"""``/v1/quotes``: every route of the quote resource, one module a concern: finding and
reading quotes with their exports (``read``), correcting them (``corrections``), counting them
by facet (``facets``) and following them as a feed (``feeds``)."""

from fastapi import APIRouter

from app.api.routes.quotes import corrections, facets, feeds, read

router = APIRouter()
# The fixed paths (/v1/quotes/facets, /v1/quotes.atom) before the one with a quote's id.
for module in (facets, feeds, read, corrections):
    router.include_router(module.router)
