"""What only PostgreSQL does for saidwho: its own statement timeout as the query budget, and
read-only transactions on the read side. Run only when the suite runs on PostgreSQL."""

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import InternalError, OperationalError

from app.api.deps import SessionDep
from app.config import Settings
from app.db import make_engine
from app.main import create_app

pytestmark = pytest.mark.postgres_only


def test_a_query_past_its_budget_is_stopped_by_postgres_and_answered_503(
    settings: Settings, seeded: Engine
) -> None:
    app = create_app(settings.model_copy(update={"query_budget_ms": 50}))
    router = APIRouter()

    @router.get("/v1/_slow")
    def slow(session: SessionDep) -> None:
        session.execute(text("SELECT pg_sleep(2)"))

    app.include_router(router)
    with TestClient(app) as client:
        answer = client.get("/v1/_slow")
    assert answer.status_code == 503
    assert answer.json()["type"] == "/problems/query-timeout"


def test_the_read_side_cannot_write(settings: Settings, seeded: Engine) -> None:
    reads = make_engine(settings, read_only=True)
    try:
        with reads.begin() as connection, pytest.raises((InternalError, OperationalError)):
            connection.execute(text("DELETE FROM quote"))
    finally:
        reads.dispose()
    with seeded.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM quote")).scalar_one() == 16
