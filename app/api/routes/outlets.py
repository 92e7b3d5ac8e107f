"""``/v1/outlets``: news organizations, as publishers and as those quotes were given to."""

from typing import Annotated

from fastapi import APIRouter, Path

from app.api.deps import SessionDep
from app.api.errors import problem_responses
from app.api.params import Cursor, Limit, NameSearch, examples
from app.api.problems import ProblemError
from app.models.public import OutletPublic, Page
from app.queries.outlets import get_outlet, list_outlets

router = APIRouter(prefix="/v1/outlets", tags=["outlets"])


@router.get("", response_model=Page[OutletPublic], summary="List or search outlets")
def find_outlets(
    session: SessionDep, q: NameSearch = None, limit: Limit = 20, cursor: Cursor = None
) -> Page[OutletPublic]:
    return list_outlets(session, q=q, limit=limit, cursor=cursor)


@router.get(
    "/{outlet}",
    response_model=OutletPublic,
    summary="One outlet, by id or any name",
    responses=problem_responses(404, 409),
)
def read_outlet(
    session: SessionDep,
    outlet: Annotated[
        str,
        Path(
            max_length=300,
            description="The outlet's id or any of its names, case-insensitive.",
            openapi_examples=examples(by_id="cbs-news", by_name="Washington Post"),
        ),
    ],
) -> OutletPublic:
    found = get_outlet(session, outlet)
    if found is None:
        raise ProblemError(404, "not-found", f"no outlet is called {outlet!r}")
    return found
