"""``/v1/suggest``: what a search box offers while someone types."""

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import SessionDep
from app.api.params import examples
from app.models.public import Suggestions
from app.queries.typeahead import MOST_SUGGESTED, SessionSource, answer, suggest

router = APIRouter(prefix="/v1/suggest", tags=["quotes"])


@router.get("", response_model=Suggestions, summary="Suggestions for a search being typed")
def suggestions(
    session: SessionDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            description="What has been typed so far. A space at the end asks for the word "
            "that follows the last one.",
            openapi_examples=examples(speaker="blin", phrase="direct esc", next_word="strikes "),
        ),
    ],
    limit: Annotated[
        int,
        Query(
            ge=1,
            le=MOST_SUGGESTED,
            description="At most this many of each kind (default 5).",
            openapi_examples=examples(three=3),
        ),
    ] = 5,
) -> Suggestions:
    """Speakers, outlets and phrases of stored quotes that start with what was typed, in a
    few milliseconds at a million quotes: a search box can ask at every key."""
    return Suggestions.model_validate(answer(q, suggest(SessionSource(session), q, limit)))
