"""Dependencies as Annotated aliases: read and write sessions, the settings, the write key."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlmodel import Session

from app.api.errors import ProblemError
from app.config import Settings
from app.keys import verify_key
from app.models import ApiKey


def get_engine(request: Request) -> Engine:
    """The read side's engine: read-only connections on SQLite."""
    engine: Engine = request.app.state.read_engine
    return engine


def get_write_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
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


def get_write_session(engine: Annotated[Engine, Depends(get_write_engine)]) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
WriteSessionDep = Annotated[Session, Depends(get_write_session)]

_bearer = HTTPBearer(auto_error=False, description="An API key from `saidwho keys create`.")


def require_api_key(
    session: WriteSessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> ApiKey:
    """Guards every write: no valid ``Authorization: Bearer`` key, no write."""
    key = verify_key(session, credentials.credentials) if credentials else None
    if key is None:
        raise ProblemError(
            401,
            "unauthorized",
            "a valid API key is required: send it as 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": 'Bearer realm="saidwho"'},
        )
    return key


WriteKeyDep = Annotated[ApiKey, Depends(require_api_key)]


def require_admin_key(key: WriteKeyDep) -> ApiKey:
    """Speakers are shared by every quote: changing one takes an admin key
    (``saidwho keys create NAME --admin``)."""
    if key.scope != "admin":
        raise ProblemError(
            403, "forbidden", f"key {key.name!r} may write quotes but not change speakers"
        )
    return key


AdminKeyDep = Annotated[ApiKey, Depends(require_admin_key)]
