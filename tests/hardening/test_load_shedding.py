"""A crowd sheds, it does not queue: past as many requests as a process has connections to the
store and a short queue behind them, a request is answered 503 with ``Retry-After`` at once,
``/health`` and ``/ready`` always answer, and no request is ever a 500. Over a real server and
real sockets: requests that hold their place are POSTs whose bodies have not all arrived."""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.conftest import seeded_store_with_key, settings_for
from tests.hardening.conftest import live_env
from tests.serving import served

BODY = b'{"title": "Held", "publisher": "Desk", "published_on": "2025-01-01", "text": "x"}'


@contextmanager
def held_posts(base: str, token: str, count: int) -> Iterator[list[socket.socket]]:
    """``count`` POSTs whose headers are in and whose bodies are not: each holds its place in
    the server until the rest of its body is sent (on leaving)."""
    host, port = base.removeprefix("http://").split(":")
    held = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)), timeout=30)
        sock.sendall(
            b"POST /v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {token}\r\nContent-Length: {len(BODY)}\r\n\r\n".encode()
            + BODY[:10]
        )
        held.append(sock)
    try:
        yield held
    finally:
        for sock in held:
            try:
                sock.sendall(BODY[10:])
                sock.recv(65536)
            except OSError:
                pass
            sock.close()


def test_past_its_places_and_its_queue_a_server_answers_503_at_once(tmp_path: Path) -> None:
    settings, token = seeded_store_with_key(tmp_path, "desk")
    env = live_env(settings, store_connections="2", queue_length="1", queue_wait_ms="60000")
    with served(env, tmp_path / "server.log") as base:
        with held_posts(base, token, 3):  # two in hand, one waiting: the queue is full
            with httpx.Client(base_url=base, timeout=30) as client:
                answer = client.get("/v1/quotes")
                assert answer.status_code == 503, answer.text
                assert answer.headers["content-type"] == "application/problem+json"
                assert answer.json()["type"] == "/problems/overloaded"
                assert answer.headers["retry-after"] == "1"
                # The probes have a connection of their own and never wait in the queue.
                assert client.get("/health").status_code == 200
                assert client.get("/ready").json()["writes"] == "accepted"
        # The places are free again: the server serves as before.
        with httpx.Client(base_url=base, timeout=30) as client:
            assert client.get("/v1/quotes").status_code == 200


def test_a_request_that_waits_past_the_queue_wait_is_answered_503(tmp_path: Path) -> None:
    settings, token = seeded_store_with_key(tmp_path, "desk")
    env = live_env(settings, store_connections="2", queue_length="50", queue_wait_ms="200")
    with served(env, tmp_path / "server.log") as base:
        with held_posts(base, token, 2), httpx.Client(base_url=base, timeout=30) as client:
            answer = client.get("/v1/quotes/3")
            assert answer.status_code == 503, answer.text
            assert answer.json()["type"] == "/problems/overloaded"
            assert client.get("/health").status_code == 200
    assert "Traceback" not in (tmp_path / "server.log").read_text()


def test_a_request_waiting_its_turn_is_served_when_a_place_frees(tmp_path: Path) -> None:
    settings, token = seeded_store_with_key(tmp_path, "desk")
    env = live_env(settings, store_connections="2", queue_length="5", queue_wait_ms="60000")
    with served(env, tmp_path / "server.log") as base:
        with httpx.Client(base_url=base, timeout=60) as client:
            with held_posts(base, token, 2) as held:
                import threading

                answers: list[httpx.Response] = []
                waiting = threading.Thread(target=lambda: answers.append(client.get("/v1/quotes")))
                waiting.start()
                waiting.join(0.5)
                assert not answers  # still waiting for a place
                held[0].sendall(BODY[10:])  # one POST completes and gives its place up
                waiting.join(60)
            assert answers and answers[0].status_code == 200


def test_a_pool_with_no_connection_free_is_a_503_not_a_500(tmp_path: Path) -> None:
    settings, _ = seeded_store_with_key(tmp_path, "desk")
    settings = settings.model_copy(update={"store_connections": 2, "pool_wait_ms": 100})
    app = create_app(settings)
    with TestClient(app) as client:
        engine = app.state.read_engine
        taken = [engine.connect(), engine.connect()]  # every connection of the read pool
        try:
            answer = client.get("/v1/speakers")
            assert answer.status_code == 503, answer.text
            assert answer.json()["type"] == "/problems/overloaded"
            assert answer.headers["retry-after"] == "1"
            assert client.get("/health").status_code == 200
        finally:
            for connection in taken:
                connection.close()
        assert client.get("/v1/speakers").status_code == 200


@pytest.mark.parametrize(
    ("connections", "workers", "share", "in_hand"),
    [(30, 1, 30, 8), (30, 2, 15, 8), (30, 4, 7, 7), (4, 8, 2, 2)],
)
def test_the_store_connections_are_shared_by_the_server_processes(
    connections: int, workers: int, share: int, in_hand: int
) -> None:
    settings = Settings(store_connections=connections, server_workers=workers)
    assert settings.connections_per_process == share
    assert settings.in_hand == in_hand


def test_each_process_pools_its_share_of_connections(tmp_path: Path) -> None:
    from app.db import make_engine

    settings = settings_for(tmp_path).model_copy(
        update={"store_connections": 12, "server_workers": 2, "pool_wait_ms": 250}
    )
    engine = make_engine(settings)
    try:
        pool = engine.pool
        assert pool.size() + pool._max_overflow == 6  # type: ignore[attr-defined]
        assert pool._timeout == 0.25  # type: ignore[attr-defined]
    finally:
        engine.dispose()
