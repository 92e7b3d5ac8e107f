"""The filters every quote route takes (the list, its facets, its feed), as one dependency, so
that each says the same thing in the same words and a new filter reaches all of them."""

from typing import Annotated

from fastapi import Depends, Query

from app.api.params import (
    ArticleFilter,
    Kinds,
    Outlets,
    Publisher,
    Search,
    Since,
    Speakers,
    Until,
    examples,
)
from app.models.public import QuoteOrigin
from app.queries.quote_filters import QuoteQuery


def quote_filters(
    speaker: Speakers = None,
    outlet: Outlets = None,
    publisher: Publisher = None,
    since: Since = None,
    until: Until = None,
    kind: Kinds = None,
    q: Search = None,
    article: ArticleFilter = None,
    origin: Annotated[
        list[QuoteOrigin] | None,
        Query(
            description="`seed`, `extracted` or `manual`: where the quote came from. Repeat "
            "for any of several.",
            openapi_examples=examples(machine="extracted", by_hand="manual"),
        ),
    ] = None,
    reviewed: Annotated[
        bool | None,
        Query(
            description="`false`: only quotes no person has checked yet (machine "
            "attributions); `true`: only those a person confirmed, corrected or curated.",
            openapi_examples=examples(unchecked=False, checked=True),
        ),
    ] = None,
) -> QuoteQuery:
    return QuoteQuery(
        speakers=tuple(speaker or ()),
        outlets=tuple(outlet or ()),
        publishers=tuple(publisher or ()),
        kinds=tuple(kind or ()),
        since=since,
        until=until,
        q=q,
        article=article,
        origins=tuple(origin or ()),
        reviewed=reviewed,
    )


QuoteFilters = Annotated[QuoteQuery, Depends(quote_filters)]
