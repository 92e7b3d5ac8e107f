"""End to end: ``saidwho serve`` as a real uvicorn process on a loopback port, over real HTTP."""

import csv
import io
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests import serving

# Served on a SQLite file, as a new user gets it.
pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only, pytest.mark.slow]


@pytest.fixture(scope="module")
def store_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return serving.store_env(tmp_path_factory.mktemp("e2e"))


@pytest.fixture(scope="module")
def server(store_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh store, migrated and seeded by ``serve`` itself, as a new user gets it."""
    with serving.served(store_env, tmp_path_factory.mktemp("e2e-log") / "server.log") as base:
        yield base


def test_served_store_is_seeded_and_healthy(server: str) -> None:
    assert httpx.get(f"{server}/health").json() == {"status": "ok"}


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


def test_posting_an_article_with_a_key_from_the_cli_over_http(
    server: str, store_env: dict[str, str]
) -> None:
    created = subprocess.run(
        [sys.executable, "-m", "app.cli", "keys", "create", "e2e-desk"],
        env=store_env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    key = created.stdout.strip().splitlines()[-1]
    article = {
        "title": "Council approves bridge",
        "publisher": "UPI",
        "published_on": "2024-06-03",
        "text": "“This bridge will carry the city for a century,” Mayor Ann Reyes told NBC News"
        " on Monday.\nCouncil member Tom Price said the vote was rushed.",
    }
    refused = httpx.post(f"{server}/v1/articles", json=article)
    assert refused.status_code == 401
    posted = httpx.post(
        f"{server}/v1/articles", json=article, headers={"Authorization": f"Bearer {key}"}
    )
    assert posted.status_code == 201, posted.text
    quotes = posted.json()["quotes"]
    assert [(q["kind"], q["speaker"]["name"]) for q in quotes] == [
        ("direct", "Ann Reyes"),
        ("indirect", "Tom Price"),
    ]
    reyes = quotes[0]
    assert (reyes["speaker"]["role"], reyes["outlet"]["name"], reyes["said_on"]) == (
        "Mayor", "NBC News", "2024-06-03",
    )  # fmt: skip
    found = httpx.get(f"{server}/v1/quotes", params={"speaker": "Ann Reyes"}).json()
    assert found["total"] == 1


def test_the_server_logs_json_lines_carrying_each_request_id(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    log_path = tmp_path / "server.log"
    with serving.served(serving.store_env(tmp_path), log_path) as base:
        httpx.get(f"{base}/v1/quotes/3", headers={"X-Request-ID": "desk-7"})
        httpx.get(f"{base}/v1/speakers/nobody")
    text = log_path.read_text().splitlines()
    lines = [json.loads(line) for line in text if line.startswith("{")]  # not the seed's echo
    fields = {"time", "level", "logger", "message", "request_id"}
    assert lines and all(fields <= line.keys() for line in lines)
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    assert any(a["request_id"] == "desk-7" and "/v1/quotes/3" in a["message"] for a in access)
    unknown = [line for line in access if "/v1/speakers/nobody" in line["message"]]
    assert unknown and unknown[0]["request_id"] not in ("-", "desk-7")
