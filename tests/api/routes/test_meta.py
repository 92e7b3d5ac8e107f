"""``/health`` and the problem-type pages."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.config import Settings
from app.db import session_scope
from app.keys import create_key
from app.main import create_app


def test_health_answers_when_the_store_can_be_read(api: TestClient) -> None:
    assert api.get("/health").json() == {"status": "ok"}


def test_health_is_a_503_problem_when_the_store_cannot_be_read(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'never-migrated.db'}")
    with TestClient(create_app(settings)) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/store-unavailable"


def test_every_problem_type_is_documented_at_its_uri(api: TestClient) -> None:
    problem = api.get("/v1/quotes", params={"limit": 0}).json()
    page = api.get(problem["type"])
    assert page.status_code == 200 and "invalid-parameter" in page.text
    assert api.get("/problems/no-such-problem").status_code == 404


def test_docs_can_be_turned_off(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", docs_enabled=False)
    with TestClient(create_app(settings)) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/openapi.json").status_code == 404


def test_metrics_can_require_a_key_of_any_scope(settings: Settings, seeded: Engine) -> None:
    with session_scope(seeded) as session:
        reader = {"Authorization": f"Bearer {create_key(session, 'grafana', scope='read').token}"}
    guarded = settings.model_copy(update={"metrics_require_key": True})
    with TestClient(create_app(guarded)) as client:
        assert client.get("/metrics").status_code == 401
        bad = {"Authorization": "Bearer sw_000000000000_x"}
        assert client.get("/metrics", headers=bad).status_code == 401
        answer = client.get("/metrics", headers=reader)
        assert answer.status_code == 200 and "http_requests_total" in answer.text
        # A read key reads; it does not write.
        body = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}
        assert client.post("/v1/quotes", json=body, headers=reader).status_code == 403
