"""``/v1/quotes.atom``: any quote search as an Atom feed. ``GET /v1/quotes`` answers the same
to ``Accept: application/atom+xml``."""

import dataclasses

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.api.atom import ATOM, quotes_feed
from app.api.deps import SessionDep, SettingsDep
from app.api.filters import QuoteFilters
from app.api.params import Limit
from app.queries.quote_filters import QuoteQuery
from app.queries.quotes import list_quotes

router = APIRouter(tags=["quotes"])


@router.get(
    "/v1/quotes.atom",
    summary="Follow a search as an Atom feed",
    description="The newest `limit` quotes matching every filter of `GET /v1/quotes`, newest "
    "first, as an Atom feed: each entry the quote, its speaker, the article and the quote's "
    "permalink. A speaker's feed is `?speaker=ID`, an outlet's `?outlet=ID`.",
    response_class=Response,
    responses={200: {"content": {ATOM: {"schema": {"type": "string"}}}}},
)
def quotes_atom(
    request: Request, session: SessionDep, settings: SettingsDep, filters: QuoteFilters,
    limit: Limit = 20,
) -> Response:  # fmt: skip
    return atom_response(request, session, settings.exact_total_up_to, filters, limit)


def atom_response(
    request: Request, session: SessionDep, exact_up_to: int, query: QuoteQuery, limit: int
) -> Response:
    newest = dataclasses.replace(query, sort="-date")
    page = list_quotes(session, newest, limit=limit, exact_up_to=exact_up_to)
    base = str(request.base_url).rstrip("/")
    filters = [
        (k, v) for k, v in request.query_params.multi_items() if k not in ("limit", "format")
    ]
    document = quotes_feed(
        page, base=base, self_url=str(request.url), filters=filters, about=_about(query)
    )
    return Response(document, media_type=f"{ATOM}; charset=utf-8")


def _about(query: QuoteQuery) -> str:
    """What the feed follows, in a few words: "quotes of antony-blinken to cbs-news"."""
    parts = ["quotes"]
    if query.speakers:
        parts.append("of " + ", ".join(query.speakers))
    if query.outlets:
        parts.append("given to " + ", ".join(query.outlets))
    if query.publishers:
        parts.append("published by " + ", ".join(query.publishers))
    if query.q:
        parts.append(f"matching “{query.q}”")
    if query.kinds:
        parts.append("(" + ", ".join(query.kinds) + ")")
    if query.since or query.until:
        parts.append(f"said {query.since or '…'} to {query.until or '…'}")
    return " ".join(parts) if len(parts) > 1 else "the newest quotes"
