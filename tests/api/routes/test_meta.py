"""``/health`` and the problem-type pages."""

from pathlib import Path

from fastapi.testclient import TestClient

from app.config import Settings
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
