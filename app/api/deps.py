"""Dependencies as Annotated aliases: read and write sessions, the settings, the write key."""

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine, event
from sqlalchemy.engine import Connection
from sqlmodel import Session

from app.api.problems import ProblemError
from app.config import Settings
from app.keys import allows, audit, check_key, touch
from app.models import ApiKey


def get_engine(request: Request) -> Engine:
    """The read side's engine: read-only connections on SQLite."""
    engine: Engine = request.app.state.read_engine
    return engine


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    """A read session: on the read side (a replica, when there is one), except for a request
    that carries an API key, which reads the primary and so always sees its own writes."""
    state = request.app.state
    keyed = state.settings.read_replica_url and "authorization" in request.headers
    engine = state.engine if keyed else state.read_engine
    with Session(engine) as session:
        yield session


def get_write_session(request: Request) -> Iterator[Session]:
    """The write session. Its transaction (SQLite's write lock) begins at its first statement,
    inside the route, after the key was checked and the body read; a keyed write also
    records the key's use there."""
    reason = request.app.state.read_only
    if reason is not None:
        raise ProblemError(
            503,
            "read-only",
            f"this store takes no writes: {reason}; every read is served",
        )
    with Session(request.app.state.engine) as session:

        @event.listens_for(session, "after_commit")
        def _room_again(_session: Session) -> None:
            request.app.state.store_full = None

        @event.listens_for(session, "after_begin")
        def _touch_key(_session: Session, _transaction: Any, connection: Connection) -> None:
            key: ApiKey | None = getattr(request.state, "api_key", None)
            if key is not None and key.id is not None:
                touch(connection, key.id)

        yield session


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]

_bearer = HTTPBearer(auto_error=False, description="An API key from `saidwho keys create`.")
_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="saidwho"'}


def _checked_key(request: Request, credentials: HTTPAuthorizationCredentials | None) -> ApiKey:
    """The request's live key, looked up on a connection that takes no lock (SQLite's read
    side; the primary on PostgreSQL, so a key made a moment ago is found). A made-up key is a
    401 in milliseconds, whatever a writer holds."""
    if credentials is None:
        raise ProblemError(
            401,
            "unauthorized",
            "a valid API key is required: send it as 'Authorization: Bearer <key>'",
            headers=_UNAUTHORIZED,
        )
    with Session(request.app.state.key_engine) as session:
        verdict = check_key(session, credentials.credentials)
        if verdict.key is not None:
            session.expunge(verdict.key)
    if verdict.key is None:
        client = request.client.host if request.client else "-"
        prefix = (
            credentials.credentials.split("_")[1][:32] if "_" in credentials.credentials else ""
        )
        audit.warning(
            "key refused",
            extra={
                "event": "auth.failed",
                "reason": verdict.reason,
                "key": prefix,
                "client": client,
            },
        )
        raise ProblemError(
            401,
            "unauthorized",
            "a valid API key is required: this one is unknown, revoked or expired",
            headers=_UNAUTHORIZED,
        )
    request.state.api_key = verdict.key
    return verdict.key


def require_api_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    """Guards every write: no valid ``Authorization: Bearer`` key of write scope, no write."""
    key = _checked_key(request, credentials)
    if not allows(key, "write"):
        raise ProblemError(403, "forbidden", f"key {key.name!r} may read but not write")
    return key


WriteKeyDep = Annotated[ApiKey, Depends(require_api_key)]


def require_admin_key(key: WriteKeyDep) -> ApiKey:
    """Speakers are shared by every quote: changing one takes an admin key
    (``saidwho keys create NAME --admin``)."""
    if not allows(key, "admin"):
        raise ProblemError(
            403, "forbidden", f"key {key.name!r} may write quotes but not change speakers"
        )
    return key


AdminKeyDep = Annotated[ApiKey, Depends(require_admin_key)]


def require_metrics_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """``/metrics`` shows traffic: with ``SAIDWHO_METRICS_REQUIRE_KEY`` it takes a key of any
    scope."""
    if request.app.state.settings.metrics_require_key:
        _checked_key(request, credentials)
