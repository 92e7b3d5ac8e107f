"""The write guard: without a valid ``Authorization: Bearer`` key, a write is refused as 401.

saidwho has no write routes yet, so the guard is exercised on a route added to the real app for
the test, over a real store with a real key."""

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlmodel import Session

from app.api.deps import WriteKeyDep
from app.config import Settings
from app.db import session_scope
from app.keys import create_key
from app.main import create_app
from app.models import ApiKey


@pytest.fixture
def guarded(settings: Settings, seeded: Engine) -> Iterator[tuple[TestClient, str]]:
    app = create_app(settings)
    router = APIRouter()

    @router.post("/v1/_guarded")
    def guarded_write(key: WriteKeyDep) -> dict[str, str]:
        return {"key": key.name}

    app.include_router(router)
    with session_scope(seeded) as session:
        token = create_key(session, "desk").token
    with TestClient(app) as client:
        yield client, token


def test_a_valid_key_may_write(guarded: tuple[TestClient, str]) -> None:
    client, token = guarded
    response = client.post("/v1/_guarded", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json() == {"key": "desk"}


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer sw_", "Bearer sw_x_y",
     "Bearer not-a-key", "bearer sw_000000000000_secret"],
)  # fmt: skip
def test_a_missing_or_wrong_key_is_401_with_a_challenge(
    guarded: tuple[TestClient, str], header: str | None
) -> None:
    client, _ = guarded
    headers = {"Authorization": header} if header is not None else {}
    response = client.post("/v1/_guarded", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_key_with_the_right_prefix_but_wrong_secret_is_refused(
    guarded: tuple[TestClient, str],
) -> None:
    client, token = guarded
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert (
        client.post("/v1/_guarded", headers={"Authorization": f"Bearer {forged}"}).status_code
        == 401
    )


def test_a_revoked_key_is_refused(guarded: tuple[TestClient, str], seeded: Engine) -> None:
    client, token = guarded
    with session_scope(seeded) as session:
        for key in session.execute(select(ApiKey)).scalars():
            key.revoked_at = dt.datetime.now(dt.UTC)
    assert (
        client.post("/v1/_guarded", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )


def test_keys_are_stored_only_as_a_hash(seeded: Engine) -> None:
    with session_scope(seeded) as session:
        token = create_key(session, "desk").token
    with Session(seeded) as session:
        stored = session.execute(select(ApiKey)).scalars().one()
    secret = token.split("_", 2)[2]
    assert secret not in (stored.secret_hash, stored.prefix, stored.name)
    assert len(stored.secret_hash) == 64
