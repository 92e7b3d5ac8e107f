"""``POST /v1/articles/batch``: many articles in one request, one a line, each stored whole or
not at all, each outcome answered in order; counted against the rate limits by its size."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.db import make_engine, session_scope
from app.keys import create_key
from app.main import create_app
from app.seed import load_seed
from app.store.upgrade import migrate
from tests.conftest import settings_for

NDJSON = {"Content-Type": "application/x-ndjson"}


def story(n: int) -> dict[str, Any]:
    return {
        "title": f"Ferry timetable {n}",
        "publisher": "Island Courier",
        "published_on": "2024-06-03",
        "text": f"“The boats will run every {n} minutes,” harbour master Ines Brekke said.\n"
        f"Brekke said the new pier would open on Friday {n}.",
    }


def lines(*items: Any) -> bytes:
    return b"\n".join(i if isinstance(i, bytes) else json.dumps(i).encode() for i in items)


def counts(engine: Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        articles = connection.execute(text("SELECT count(*) FROM article")).scalar_one()
        quotes = connection.execute(text("SELECT count(*) FROM quote")).scalar_one()
    return articles, quotes


def test_each_article_of_a_batch_is_stored_or_refused_alone_and_answered_in_order(
    writer: tuple[TestClient, dict[str, str]], seeded: Engine
) -> None:
    client, key = writer
    before = counts(seeded)
    page = {"html": "<html><head><title>Pier opens</title></head><body><article><p>“The pier "
            "is open to all,” harbour master Ines Brekke said on Friday.</p></article></body>"
            "</html>", "publisher": "Island Courier", "published_on": "2024-06-07"}  # fmt: skip
    body = lines(
        story(1),
        b"{not json",
        story(1),  # the same text again: found, not stored twice
        {**story(2), "title": ""},
        b"   ",
        page,
        {**story(3), "text": " "},
    )
    answer = client.post("/v1/articles/batch", content=body, headers=key | NDJSON)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    assert [(r["line"], r["status"]) for r in found["results"]] == [
        (1, 201), (2, 422), (3, 200), (4, 422), (6, 201), (7, 422),
    ]  # fmt: skip
    first, bad, again, untitled, stored_page, empty = found["results"]
    assert again["id"] == first["id"] and first["quotes"] == 2
    assert bad["problem"]["type"] == "/problems/invalid-parameter"
    assert untitled["problem"]["parameter"] == "title"
    assert empty["problem"]["parameter"] == "text"
    assert (found["stored"], found["already_stored"], found["refused"]) == (2, 1, 3)
    assert counts(seeded) == (before[0] + 2, before[1] + 3)
    assert client.get(f"/v1/articles/{stored_page['id']}").json()["title"] == "Pier opens"


def test_a_text_stored_before_is_answered_200_with_its_id(
    writer: tuple[TestClient, dict[str, str]], seeded: Engine
) -> None:
    client, key = writer
    single = client.post("/v1/articles", json=story(4), headers=key)
    assert single.status_code == 201
    answer = client.post("/v1/articles/batch", content=lines(story(4)), headers=key | NDJSON)
    assert answer.json()["results"] == [
        {"line": 1, "status": 200, "id": single.json()["id"], "quotes": 2, "problem": None}
    ]


@pytest.mark.parametrize(
    "body, headers, status, slug",
    [
        (lines(story(5)), {"Content-Type": "application/json"}, 415, "unsupported-media-type"),
        (b"\n \n", NDJSON, 422, "invalid-parameter"),
        (lines(*(story(n) for n in range(6, 12))), NDJSON, 413, "too-large"),
    ],
)
def test_a_batch_that_cannot_be_taken_is_refused_whole(
    tmp_path: Path, served: Any, body: bytes, headers: dict[str, str], status: int, slug: str
) -> None:
    settings = settings_for(tmp_path).model_copy(update={"max_batch_articles": 5})
    client, key, engine = served(settings)
    before = counts(engine)
    with client:
        answer = client.post("/v1/articles/batch", content=body, headers=key | headers)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == f"/problems/{slug}"
    assert counts(engine) == before


def test_a_batch_counts_against_the_rate_limit_by_its_size(tmp_path: Path, served: Any) -> None:
    settings = settings_for(tmp_path).model_copy(
        update={"rate_limit_per_key": "5/minute", "batch_articles_per_request": 2}
    )
    client, key, engine = served(settings)
    before = counts(engine)
    with client:
        six = lines(*(story(n) for n in range(20, 26)))
        first = client.post("/v1/articles/batch", content=six, headers=key | NDJSON)
        assert first.status_code == 200 and first.json()["stored"] == 6  # counted as 3
        assert first.headers["ratelimit-remaining"] == "2"
        more = lines(*(story(n) for n in range(30, 36)))
        second = client.post("/v1/articles/batch", content=more, headers=key | NDJSON)
    assert second.status_code == 429, second.text
    assert "counts as 3 requests" in second.json()["detail"]
    assert second.headers["retry-after"]
    assert counts(engine)[0] == before[0] + 6


def test_a_batch_sent_again_with_its_idempotency_key_is_replayed(
    writer: tuple[TestClient, dict[str, str]], seeded: Engine
) -> None:
    client, key = writer
    body = lines(story(40), story(41))
    headers = key | NDJSON | {"Idempotency-Key": "batch-40"}
    first = client.post("/v1/articles/batch", content=body, headers=headers)
    again = client.post("/v1/articles/batch", content=body, headers=headers)
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    other = client.post("/v1/articles/batch", content=lines(story(42)), headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.text


def test_the_batch_is_in_the_openapi_document(api: TestClient) -> None:
    operation = api.get("/openapi.json").json()["paths"]["/v1/articles/batch"]["post"]
    assert "application/x-ndjson" in operation["requestBody"]["content"]
    assert {"200", "413", "415", "429"} <= set(operation["responses"])


@pytest.fixture
def served() -> Iterator[Callable[[Any], tuple[TestClient, dict[str, str], Engine]]]:
    """The app over a seeded store with these settings, a write key's headers, and an engine
    on the store; every engine closed after the test."""
    engines: list[Engine] = []

    def serve(settings: Any) -> tuple[TestClient, dict[str, str], Engine]:
        migrate(settings)
        engine = make_engine(settings)
        engines.append(engine)
        load_seed(engine, settings.seed_dir)
        with session_scope(engine) as session:
            token = create_key(session, "desk").token
        return TestClient(create_app(settings)), {"Authorization": f"Bearer {token}"}, engine

    yield serve
    for engine in engines:
        engine.dispose()
