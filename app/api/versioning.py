"""``ETag`` and ``If-Match`` as the routes read and document them (the versions themselves are
in ``app.models.versions``)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Header

from app.api.problems import ProblemError
from app.models.versions import Expected, VersionMismatch, etag, if_match

ETAG_HEADER: dict[str, Any] = {
    "ETag": {
        "description": "The record's version, for `If-Match`.",
        "schema": {"type": "string", "examples": ['"2"']},
    }
}

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=1000,
        description="The `ETag` last read: the change is made only if the record is still at "
        "that version (412 otherwise). `*` accepts any; without it the change is made as sent.",
        openapi_examples={"version_2": {"summary": "the ETag of a GET", "value": '"2"'}},
    ),
]


def expected(header: str | None) -> Expected | None:
    return if_match(header)


@contextmanager
def preconditions() -> Iterator[None]:
    """A version mismatch, as a 412 problem that says which version the record is at."""
    try:
        yield
    except VersionMismatch as mismatch:
        raise ProblemError(
            412,
            "precondition-failed",
            f"the record changed since the version sent in If-Match; it is now at "
            f"{etag(mismatch.current)}: read it again and resend the change",
            headers={"ETag": etag(mismatch.current)},
        ) from None
