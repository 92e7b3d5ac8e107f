"""``Idempotency-Key`` on POST: the first answer is stored with the write, in the same
transaction, and sent again for a retry of the same request. The same key with another request
is refused. Writes hold SQLite's write lock from their first statement, so two retries racing
each other are served one after the other: the second finds the first's answer.

Stored answers expire (``SAIDWHO_IDEMPOTENCY_HOURS``): an expired one is not replayed, and each
write that stores an answer removes a small batch of expired ones by the index on their time,
so the table stays small without a sweep that would hold the write lock."""

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Annotated

from fastapi import Header
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import delete, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.api.params import examples
from app.api.problems import ProblemError
from app.models import ApiKey, IdempotentRequest
from app.models.tables import core_table
from app.writes import utcnow

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Any unique string, e.g. a UUID. Sending the same request again with the "
        "same key answers with the first answer and writes nothing more.",
        openapi_examples=examples(uuid="9b7c2f4e-1d2a-4a57-8d0f-2b1e6c3a9f10"),
    ),
]


def request_digest(method: str, path: str, body: BaseModel) -> str:
    """The request as validated: the same content sent with other spacing is the same."""
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


# Expired answers removed by each write that stores one.
CLEANUP_BATCH = 100


def write_once(
    session: Session,
    key: ApiKey,
    idempotency_key: str | None,
    digest: str,
    perform: Callable[[], tuple[int, str, str | None]],
    *,
    keep: dt.timedelta = dt.timedelta(hours=24),
    retry: bool = True,
) -> Response:
    """``perform()`` (status, JSON body, Location) and commit, unless this key already did.

    On PostgreSQL nothing holds a second writer back while the first is under way, so two
    posts of the same new text, or two retries with one key, can both get as far as the
    commit; the second then breaks a unique constraint. Its transaction is rolled back and the
    write is tried once more, when it finds what the first stored and answers with that."""
    try:
        if idempotency_key is not None:
            assert key.id is not None
            stored = session.get(IdempotentRequest, (key.id, idempotency_key))
            if stored is not None and _aware(stored.created_at) < utcnow() - keep:
                session.delete(stored)  # expired: this is a new request
                session.flush()
                stored = None
            if stored is not None:
                if stored.request_hash != digest:
                    raise ProblemError(
                        422,
                        "idempotency-key-reused",
                        "this Idempotency-Key was already used for a different request",
                        parameter="Idempotency-Key",
                    )
                return _answer(stored.status, stored.body, stored.location, replayed=True)
        status, body, location = perform()
        if idempotency_key is not None:
            assert key.id is not None
            _remove_expired(session, utcnow() - keep)
            session.add(
                IdempotentRequest(
                    api_key_id=key.id,
                    key=idempotency_key,
                    request_hash=digest,
                    status=status,
                    location=location,
                    body=body,
                    created_at=utcnow(),
                )
            )
        session.commit()
    except IntegrityError:
        session.rollback()
        if not retry:
            raise
        return write_once(session, key, idempotency_key, digest, perform, keep=keep, retry=False)
    return _answer(status, body, location, replayed=False)


def _remove_expired(session: Session, before: dt.datetime) -> None:
    table = core_table(IdempotentRequest)
    oldest = (
        select(table.c.api_key_id, table.c.key)
        .where(table.c.created_at < before)
        .order_by(table.c.created_at)
        .limit(CLEANUP_BATCH)
    )
    session.execute(delete(table).where(tuple_(table.c.api_key_id, table.c.key).in_(oldest)))


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _answer(status: int, body: str, location: str | None, *, replayed: bool) -> Response:
    headers = {"Location": location} if location else {}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return Response(body, status_code=status, media_type="application/json", headers=headers)
