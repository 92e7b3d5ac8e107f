"""``/v1/speakers``: people, organizations and anonymous sources."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.api.deps import SessionDep
from app.api.errors import ProblemError, problem_responses
from app.api.params import Cursor, Limit, NameSearch, examples
from app.models.public import Page, SpeakerKind, SpeakerPublic
from app.queries.speakers import get_speaker, list_speakers

router = APIRouter(prefix="/v1/speakers", tags=["speakers"])


@router.get("", response_model=Page[SpeakerPublic], summary="List or search speakers")
def find_speakers(
    session: SessionDep,
    q: NameSearch = None,
    kind: Annotated[
        SpeakerKind | None,
        Query(
            description="`person`, `anonymous` or `organization`.",
            openapi_examples=examples(anonymous_sources="anonymous", people="person"),
        ),
    ] = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[SpeakerPublic]:
    return list_speakers(session, q=q, kind=kind, limit=limit, cursor=cursor)


@router.get(
    "/{speaker}",
    response_model=SpeakerPublic,
    summary="One speaker, by id or any name",
    responses=problem_responses(404, 409),
)
def read_speaker(
    session: SessionDep,
    speaker: Annotated[
        str,
        Path(
            max_length=300,
            description="The speaker's id, or any of its names or aliases, case-insensitive.",
            openapi_examples=examples(by_surname="blinken", by_id="antony-blinken"),
        ),
    ],
) -> SpeakerPublic:
    found = get_speaker(session, speaker)
    if found is None:
        raise ProblemError(404, "not-found", f"no speaker is called {speaker!r}")
    return found
