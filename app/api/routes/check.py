"""``/v1/check``: did this person say these words, and where?"""

from typing import Annotated, NoReturn

from fastapi import APIRouter, Query

from app.api.deps import SessionDep
from app.api.errors import as_problem
from app.api.params import examples
from app.api.problems import ProblemError
from app.models.public import MAX_CHECK_TEXT, CheckIn, CheckResult
from app.quotations.check import check_text, speaker_asked
from app.writes import InvalidField

router = APIRouter(prefix="/v1/check", tags=["check"])

_DESCRIPTION = (
    "The stored quotations closest to the text, best first, each with a verdict: `exact` (the "
    "words, or an unbroken part of them, are stored), `close` (stored with differences: a "
    "word-level `diff` of what the text adds, drops and changes), and overall `not_found` when "
    "nothing close is stored. With `speaker`, the verdict is about that speaker's quotations, "
    "and `said_by_others` names anyone else under whom the words are stored. Case, quote "
    "marks, punctuation, ellipses and bracketed insertions are not differences. The text is "
    f"at most {MAX_CHECK_TEXT} characters."
)


@router.post("", response_model=CheckResult, summary="Check a quote", description=_DESCRIPTION)
def check_posted(session: SessionDep, body: CheckIn) -> CheckResult:
    return _check(session, body.text, body.speaker, "body")


@router.get("", response_model=CheckResult, summary="Check a short quote", description=_DESCRIPTION)
def check_asked(
    session: SessionDep,
    text: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_CHECK_TEXT,
            description="The words to check.",
            openapi_examples=examples(peskov="a direct escalation of tension"),
        ),
    ],
    speaker: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=300,
            pattern=r"\S",
            description="Who is said to have said them: an id or any name.",
            openapi_examples=examples(by_surname="peskov"),
        ),
    ] = None,
) -> CheckResult:
    return _check(session, text, speaker, "query")


def _check(session: SessionDep, text: str, speaker: str | None, where: str) -> CheckResult:
    if "\x00" in text:
        _refuse("text", "must not contain a NUL character", where)
    asked = speaker_asked(session, speaker) if speaker is not None else None
    try:
        return check_text(session, text, asked)
    except InvalidField as error:
        raise as_problem(error, where) from None


def _refuse(field: str, reason: str, where: str) -> NoReturn:
    raise ProblemError(
        422,
        "invalid-parameter",
        f"{field}: {reason}",
        parameter=field,
        invalid_params=[{"name": field, "in": where, "reason": reason}],
    )
