"""Service routes: health, and the pages that document each problem type."""

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Path
from fastapi.responses import PlainTextResponse

from app.api.deps import SessionDep
from app.api.errors import PROBLEM_TYPES, ProblemError
from app.models.public import Health

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health, summary="200 when the store can be read")
def health(session: SessionDep) -> Health:
    quotes = session.execute(sa.text("SELECT count(*) FROM quote")).scalar_one()
    return Health(status="ok", quotes=int(quotes))


@router.get(
    "/problems/{slug}",
    response_class=PlainTextResponse,
    summary="What a problem type means",
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def problem_type(
    slug: Annotated[str, Path(max_length=100, description="The end of a problem's `type`.")],
) -> str:
    if slug not in PROBLEM_TYPES:
        raise ProblemError(404, "not-found", f"there is no problem type {slug!r}")
    return f"{slug}\n\n{PROBLEM_TYPES[slug]}\n"
