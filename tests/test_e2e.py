"""End to end: ``saidwho serve`` as a real uvicorn process on a loopback port, over real HTTP."""

import csv
import io
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh store, migrated and seeded by ``serve`` itself, as a new user gets it."""
    folder = tmp_path_factory.mktemp("e2e")
    port = free_port()
    env = {**os.environ, "SAIDWHO_DATABASE_URL": f"sqlite:///{folder / 'saidwho.db'}"}
    log_path = folder / "server.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            process.kill()
            pytest.fail(f"server did not come up:\n{log_path.read_text()}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_served_store_is_seeded_and_healthy(server: str) -> None:
    assert httpx.get(f"{server}/health").json() == {"status": "ok", "quotes": 16}


def test_what_blinken_said_over_http(server: str) -> None:
    body = httpx.get(f"{server}/v1/quotes", params={"speaker": "blinken"}).json()
    assert body["total"] == 5
    assert {item["said_on"] for item in body["items"]} == {"2024-05-29"}


def test_who_called_it_a_direct_escalation_over_http(server: str) -> None:
    body = httpx.get(f"{server}/v1/quotes", params={"q": '"direct escalation"'}).json()
    assert [item["speaker"]["name"] for item in body["items"]] == ["Dmitry Peskov"]


def test_csv_export_over_http(server: str) -> None:
    response = httpx.get(f"{server}/v1/quotes", headers={"Accept": "text/csv"},
                         params={"outlet": "CBS News"})  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["outlet_name"] for row in rows] == ["CBS News", "CBS News"]


def test_problems_over_http(server: str) -> None:
    response = httpx.get(f"{server}/v1/quotes", params={"since": "not-a-date"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == "since"
