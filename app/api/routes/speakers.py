"""``/v1/speakers``: people, organizations and anonymous sources; with an admin key, their
edits, merges, splits and reverts, each kept in the speaker's history."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status
from sqlmodel import Session

from app.api.deps import AdminKeyDep, SessionDep, WriteSessionDep
from app.api.errors import problem_responses
from app.api.params import Cursor, Limit, NameSearch, examples
from app.api.problems import ProblemError
from app.api.versioning import ETAG_HEADER, IfMatch, expected, preconditions
from app.models import Speaker
from app.models.public import (
    Page,
    SpeakerHistory,
    SpeakerKind,
    SpeakerMerge,
    SpeakerPatch,
    SpeakerPublic,
    SpeakerRevisionPublic,
    SpeakerSplit,
)
from app.models.tables import MAX_ROW_ID
from app.models.versions import etag
from app.queries.lookup import find_speaker_id
from app.queries.speakers import get_speaker, list_speakers
from app.speakers.admin import (
    SpeakerMissing,
    check_version,
    edit_speaker,
    merge_speakers,
    revert,
    speaker_history,
    speaker_version,
    split_speaker,
)
from app.writes import InvalidField

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
    description="The `ETag` is the speaker's version, for `If-Match` on its changes.",
    responses={200: {"headers": ETAG_HEADER}, **problem_responses(404, 409)},
)
def read_speaker(
    session: SessionDep,
    response: Response,
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
    response.headers["ETag"] = etag(speaker_version(session, found.id))
    return found


# Changes (admin key) -------------------------------------------------------------------------

SpeakerPath = Annotated[
    str,
    Path(
        max_length=300,
        description="The speaker's id, or any of its names or aliases, case-insensitive.",
        openapi_examples=examples(by_id="david-cameron"),
    ),
]
_CHANGE = problem_responses(401, 403, 404, 409, 412)


@router.get(
    "/{speaker}/history",
    response_model=SpeakerHistory,
    summary="A speaker's history",
    description="Every edit, merge, split and revert recorded on this id, oldest first. A "
    "speaker merged into another keeps its history under its old id.",
    responses=problem_responses(404, 409),
)
def read_speaker_history(session: SessionDep, speaker: SpeakerPath) -> SpeakerHistory:
    speaker_id = _history_id(session, speaker)
    revisions = speaker_history(session, speaker_id)
    current = session.get(Speaker, speaker_id)
    return SpeakerHistory(
        speaker_id=speaker_id,
        current=get_speaker(session, speaker_id) if current is not None else None,
        revisions=[
            SpeakerRevisionPublic(
                version=revision.version,
                action=revision.action,
                at=revision.changed_at,
                by=key_name,
                by_key=key_prefix,
                changes=revision.changes,
                reverted=revision.reverted,
            )
            for revision, key_name, key_prefix in revisions
        ],
    )


@router.patch(
    "/{speaker}",
    response_model=SpeakerPublic,
    summary="Edit a speaker",
    description="Changes the name, kind, role or affiliation sent; a new name becomes an alias "
    "and the old one stays one. Needs an admin key; recorded in the speaker's history.",
    responses=_CHANGE,
)
def patch_speaker(
    session: WriteSessionDep,
    key: AdminKeyDep,
    speaker: SpeakerPath,
    body: SpeakerPatch,
    if_match: IfMatch = None,
) -> SpeakerPublic:
    with preconditions():
        speaker_id = _existing_id(session, speaker)
        check_version(session, speaker_id, expected(if_match))
        edited = edit_speaker(session, speaker_id, body, key)
    session.commit()
    return _public(session, edited.id)


@router.post(
    "/{speaker}/merge",
    response_model=SpeakerPublic,
    summary="Merge a speaker into another",
    description="Every quote and name of this speaker goes to `into`; this id then leads to "
    "it. Needs an admin key; recorded on both speakers and reversible.",
    responses=_CHANGE,
)
def merge_speaker(
    session: WriteSessionDep,
    key: AdminKeyDep,
    speaker: SpeakerPath,
    body: SpeakerMerge,
    if_match: IfMatch = None,
) -> SpeakerPublic:
    with preconditions():
        source = _existing_id(session, speaker)
        check_version(session, source, expected(if_match))
        into = _existing_id(session, body.into, field="into")
        merged = merge_speakers(session, source, into, key)
    session.commit()
    return _public(session, merged.id)


@router.post(
    "/{speaker}/split",
    response_model=SpeakerPublic,
    status_code=status.HTTP_201_CREATED,
    summary="Split aliases off into a new speaker",
    description="A new speaker takes the named aliases, and this speaker's quotes in the "
    "articles those aliases were learnt from (and in any `articles` named): how a namesake "
    "merged by one bad article is undone. Needs an admin key; reversible.",
    responses=_CHANGE,
)
def split_off_speaker(
    session: WriteSessionDep,
    key: AdminKeyDep,
    speaker: SpeakerPath,
    body: SpeakerSplit,
    if_match: IfMatch = None,
) -> SpeakerPublic:
    with preconditions():
        speaker_id = _existing_id(session, speaker)
        check_version(session, speaker_id, expected(if_match))
        new = split_speaker(session, speaker_id, body, key)
    session.commit()
    return _public(session, new.id)


@router.post(
    "/{speaker}/history/{version}/revert",
    response_model=SpeakerHistory,
    summary="Revert one change to a speaker",
    description="Undoes an edit, merge or split, when nothing later has changed the speakers "
    "it involved (409 otherwise). A merged-away speaker is asked for by its old id.",
    responses=_CHANGE,
)
def revert_speaker_change(
    session: WriteSessionDep,
    key: AdminKeyDep,
    speaker: SpeakerPath,
    version: Annotated[
        int,
        Path(
            ge=1,
            le=MAX_ROW_ID,
            description="The change's version, from the speaker's history.",
            openapi_examples=examples(first=1),
        ),
    ],
    if_match: IfMatch = None,
) -> SpeakerHistory:
    with preconditions():
        history_id = _history_id(session, speaker)
        if session.get(Speaker, history_id) is not None:
            check_version(session, history_id, expected(if_match))
        owner = revert(session, history_id, version, key)
    session.commit()
    return read_speaker_history(session, owner)


def _history_id(session: Session, id_or_name: str) -> str:
    """The id a history is kept under: this one when it has changes recorded (a speaker merged
    away keeps its history), else the speaker the id or name means now."""
    if speaker_history(session, id_or_name):
        return id_or_name
    return _existing_id(session, id_or_name)


def _existing_id(session: Session, id_or_name: str, field: str | None = None) -> str:
    found = find_speaker_id(session, id_or_name)
    if found is None:
        if field is not None:
            raise InvalidField(field, f"no speaker is called {id_or_name!r}")
        raise SpeakerMissing(id_or_name)
    return found


def _public(session: Session, speaker_id: str) -> SpeakerPublic:
    found = get_speaker(session, speaker_id)
    assert found is not None
    return found
