"""Query parameters shared by several routes, each with a description and examples for /docs."""

from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator, StringConstraints

from app.models.public import IsoDate
from app.models.tables import MAX_ROW_ID
from app.queries.quote_filters import (
    CURSOR_LONGEST,
    NAME_LONGEST,
    PAGE_MOST,
    SEARCH_LONGEST,
    blank_is_no_search,
)


def examples(**named: Any) -> dict[str, dict[str, Any]]:
    """OpenAPI examples from keyword pairs: summary_slug=value."""
    return {
        name: {"summary": name.replace("_", " "), "value": value} for name, value in named.items()
    }


Limit = Annotated[
    int,
    Query(
        ge=1,
        le=PAGE_MOST,
        description=f"How many items per page, 1 to {PAGE_MOST}.",
        openapi_examples=examples(default=20, largest_page=100),
    ),
]
# A name as a filter: something to look up, never blank (the schema says what the server does).
Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_LONGEST, pattern=r"\S")]

Cursor = Annotated[
    str | None,
    Query(
        max_length=CURSOR_LONGEST,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The `next_cursor` of the previous page, as it was given. Opaque.",
        openapi_examples=examples(first_page=None),
    ),
]
Since = Annotated[
    IsoDate | None,
    Query(
        description="Only items dated on or after this ISO date (inclusive).",
        openapi_examples=examples(may_2024="2024-05-01"),
    ),
]
Until = Annotated[
    IsoDate | None,
    Query(
        description="Only items dated on or before this ISO date (inclusive).",
        openapi_examples=examples(end_of_may_2024="2024-05-31"),
    ),
]
Publisher = Annotated[
    list[Name] | None,
    Query(
        description="The article's publisher: an outlet id or name, case-insensitive. "
        "Repeat for any of several.",
        openapi_examples=examples(by_id="upi", by_name="United Press International"),
    ),
]


Search = Annotated[
    str | None,
    Query(
        max_length=SEARCH_LONGEST,
        description="Full-text search over the quoted words: plain words (all must match; each "
        'also matches its other forms, "escalations" finding "escalation"), `"an exact '
        'phrase"`, `prefix*`, and `OR` between two of them. Anything else is read as plain '
        "words.",
        openapi_examples=examples(
            phrase='"direct escalation"', words="strikes Russia", either="escalation OR Moldova"
        ),
    ),
    AfterValidator(blank_is_no_search),
]
NameSearch = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=300,
        description="Keep those with a name or alias containing these words, case-insensitive; "
        "when none has them, those whose names are closest in spelling (`Blinkin` finds Blinken).",
        openapi_examples=examples(partial_name="cam", anonymous_sources="official"),
    ),
]


# Every id route takes the same range, the stores' 64-bit one, so an id past it is a 422
# naming the parameter, never a database error.
QuoteId = Annotated[
    int,
    Path(ge=1, le=MAX_ROW_ID, description="The quote's id.", openapi_examples=examples(first=1)),
]
ArticleId = Annotated[
    int,
    Path(
        ge=1,
        le=MAX_ROW_ID,
        description="The article's id.",
        openapi_examples=examples(seed_article=1),
    ),
]
