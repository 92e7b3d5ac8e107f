"""What every request passes through, on both read paths: size and rate limits, security
headers, CORS only when configured, request ids, metrics, and readiness."""

import re
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from limits import parse_many
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.api.guards import SweptMemory
from app.config import Settings
from app.db import session_scope
from app.keys import create_key
from app.main import create_app
from app.store.upgrade import migrate
from tests.conftest import settings_for

# The direct read path, a route, a page, an unknown path and a problem.
PATHS = ["/v1/quotes", "/v1/quotes/3", "/v1/speakers", "/", "/nowhere", "/v1/quotes?limit=0"]


def app_with(settings: Settings, **changes: object) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=changes)))


def quotes(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.execute(text("SELECT count(*) FROM quote")).scalar_one())


@pytest.fixture
def key(seeded: Engine) -> dict[str, str]:
    with session_scope(seeded) as session:
        return {"Authorization": f"Bearer {create_key(session, 'desk').token}"}


def test_a_body_declared_too_large_is_refused_before_it_is_read(
    settings: Settings, seeded: Engine, key: dict[str, str]
) -> None:
    body = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "x" * 5000}
    with app_with(settings, max_body_bytes=4096) as client:
        answer = client.post("/v1/quotes", json=body, headers=key)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "/problems/too-large"
    assert quotes(seeded) == 16


def test_a_body_of_no_declared_size_is_counted_as_it_arrives(
    settings: Settings, seeded: Engine, key: dict[str, str]
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"article": 1, "speaker": "blinken", "kind": "partial", "text": "'
        for _ in range(10):
            yield b"x" * 1024
        yield b'"}'

    headers = {**key, "Content-Type": "application/json"}
    with app_with(settings, max_body_bytes=4096) as client:
        answer = client.post("/v1/quotes", content=chunks(), headers=headers)
    assert answer.status_code == 413
    assert answer.json()["type"] == "/problems/too-large"
    assert quotes(seeded) == 16


def test_one_address_past_its_rate_is_told_when_to_come_back(
    settings: Settings, seeded: Engine
) -> None:
    with app_with(settings, rate_limit_per_address="3/minute") as client:
        answers = [client.get(path) for path in ("/v1/quotes", "/v1/quotes/3", "/")]
        assert [answer.status_code for answer in answers] == [200, 200, 200]
        # Every limited answer says where the client stands.
        assert [answer.headers["ratelimit-remaining"] for answer in answers] == ["2", "1", "0"]
        assert {answer.headers["ratelimit-limit"] for answer in answers} == {"3"}
        assert all(0 <= int(answer.headers["ratelimit-reset"]) <= 60 for answer in answers)
        for path in ("/v1/quotes", "/v1/speakers"):  # both read paths
            refused = client.get(path)
            assert refused.status_code == 429
            assert refused.json()["type"] == "/problems/rate-limited"
            assert 1 <= int(refused.headers["retry-after"]) <= 60
            assert refused.headers["ratelimit-remaining"] == "0"
        probe = client.get("/health")  # probes are never throttled
        assert probe.status_code == 200 and "ratelimit-limit" not in probe.headers


def test_one_key_past_its_rate_is_refused_while_others_go_on(
    settings: Settings, seeded: Engine, key: dict[str, str]
) -> None:
    body = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}
    with app_with(settings, rate_limit_per_key="2/minute") as client:
        codes = [client.post("/v1/quotes", json=body, headers=key).status_code for _ in range(3)]
        assert codes == [201, 201, 429]
        assert client.get("/v1/quotes").status_code == 200
    assert quotes(seeded) == 18


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert len(answer.headers.get_list("x-frame-options")) == 1


def test_json_answers_may_load_nothing_and_the_docs_keep_their_scripts(client: TestClient) -> None:
    policy = client.get("/v1/quotes").headers["content-security-policy"]
    assert policy == "default-src 'none'; frame-ancestors 'none'"
    assert "content-security-policy" not in client.get("/docs").headers


def test_cors_is_off_unless_origins_are_configured(settings: Settings, seeded: Engine) -> None:
    origin = {"Origin": "https://newsroom.example"}
    with app_with(settings) as client:
        assert "access-control-allow-origin" not in client.get("/v1/quotes", headers=origin).headers
    with app_with(settings, cors_origins="https://newsroom.example") as client:
        for path in ("/v1/quotes", "/v1/speakers"):
            allowed = client.get(path, headers=origin).headers
            assert allowed["access-control-allow-origin"] == "https://newsroom.example"
        stranger = client.get("/v1/quotes", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in stranger.headers
        preflight = client.options(
            "/v1/quotes",
            headers={**origin, "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "authorization"},
        )  # fmt: skip
        assert preflight.status_code == 200


def test_every_answer_has_a_request_id_and_a_sane_one_sent_is_kept(client: TestClient) -> None:
    first, second = client.get("/v1/quotes"), client.get("/v1/speakers")
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    kept = client.get("/v1/quotes/3", headers={"X-Request-ID": "desk-42.retry_1"})
    assert kept.headers["x-request-id"] == "desk-42.retry_1"
    replaced = client.get("/v1/quotes/3", headers={"X-Request-ID": "a b<script>"})
    assert replaced.headers["x-request-id"] != "a b<script>"
    assert re.fullmatch(r"[0-9a-f]{12}-\d+", replaced.headers["x-request-id"])


def test_metrics_count_both_read_paths_by_route_and_status(client: TestClient) -> None:
    paths = ["/v1/quotes/3", "/v1/quotes/3", "/v1/speakers/blinken", "/v1/quotes/999999", "/x/1"]
    for path in paths:
        client.get(path)
    exposed = client.get("/metrics")
    assert exposed.status_code == 200 and exposed.headers["content-type"].startswith("text/plain")

    def count(handler: str, status: str) -> float:
        pattern = (
            rf'http_requests_total\{{handler="{re.escape(handler)}",method="GET",'
            rf'status="{status}"\}} ([\d.]+)'
        )
        found = re.search(pattern, exposed.text)
        return float(found.group(1)) if found else 0.0

    assert count("/v1/quotes/{quote_id}", "2xx") == 2  # the direct path
    assert count("/v1/quotes/{quote_id}", "4xx") == 1  # fell through to the route's 404
    assert count("/v1/speakers/{speaker}", "2xx") == 1
    assert count("unmatched", "4xx") == 1
    assert "http_request_duration_seconds_bucket" in exposed.text


def test_metrics_can_be_turned_off(settings: Settings, seeded: Engine) -> None:
    with app_with(settings, metrics_enabled=False) as client:
        assert client.get("/metrics").status_code == 404


def test_ready_means_the_store_answers_at_the_latest_schema(
    client: TestClient, settings: Settings
) -> None:
    from alembic.script import ScriptDirectory

    from app.db import alembic_config

    head = ScriptDirectory.from_config(alembic_config(settings)).get_current_head()
    answer = client.get("/ready")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ready",
        "schema_revision": head,
        "writes": "accepted",
        "writes_refused_because": None,
    }


def test_a_store_behind_on_migrations_is_alive_but_not_ready(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = settings_for(tmp_path)
    migrate(settings, "0002")
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200
        answer = client.get("/ready")
    assert answer.status_code == 503
    assert answer.json()["type"] == "/problems/not-ready"
    assert "0002" in answer.json()["detail"]


def test_counting_requests_starts_no_thread_and_counts_still_end_with_their_window(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """limits' memory storage started a timer thread every 10 ms of traffic, each start
    holding the event loop; the door's storage sweeps on the counting thread instead."""
    storage = SweptMemory()
    limiter = FixedWindowRateLimiter(storage)
    item = parse_many("5/second")[0]
    started: list[threading.Thread] = []
    start = threading.Thread.start

    def counted(thread: threading.Thread) -> None:
        started.append(thread)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", counted)
    assert all(limiter.hit(item, "address", "a") for _ in range(5))
    assert not limiter.hit(item, "address", "a")
    for n in range(50):  # a tenth of a second of traffic: limits would start a few timers
        limiter.hit(item, "address", f"client-{n}")
        time.sleep(0.002)
    assert started == []
    time.sleep(1.05)  # the window of one second ends: the count starts again
    storage._swept = 0.0  # and the next count sweeps the ended ones away
    assert limiter.hit(item, "address", "a")
    assert len(storage.storage) == 1
