"""``Idempotency-Key``: a retried POST answers as the first did and writes nothing more; the
same key with another request is refused."""

import datetime as dt

from sqlalchemy import Engine, text
from sqlmodel import Session

from app.db import session_scope
from app.keys import create_key
from tests.api.conftest import Writer, article


def count(engine: Engine, table: str) -> int:
    with Session(engine) as session:
        return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


QUOTE = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}


def test_a_retried_post_answers_as_the_first_and_writes_once(
    writer: Writer, seeded: Engine
) -> None:
    client, key = writer
    headers = {**key, "Idempotency-Key": "retry-1"}
    first = client.post("/v1/quotes", json=QUOTE, headers=headers)
    again = client.post("/v1/quotes", json=dict(reversed(QUOTE.items())), headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert count(seeded, "quote") == 17


def test_the_same_key_with_another_request_is_refused(writer: Writer, seeded: Engine) -> None:
    client, key = writer
    headers = {**key, "Idempotency-Key": "retry-2"}
    assert client.post("/v1/quotes", json=QUOTE, headers=headers).status_code == 201
    other = client.post("/v1/quotes", json={**QUOTE, "kind": "direct"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["type"] == "/problems/idempotency-key-reused"
    assert other.json()["parameter"] == "Idempotency-Key"
    elsewhere = client.post("/v1/articles", json=article(), headers=headers)
    assert elsewhere.status_code == 422  # another path is another request
    assert (count(seeded, "quote"), count(seeded, "article")) == (17, 1)


def test_keys_are_scoped_to_the_api_key_that_sent_them(writer: Writer, seeded: Engine) -> None:
    client, key = writer
    with session_scope(seeded) as session:
        other = {"Authorization": f"Bearer {create_key(session, 'wire').token}"}
    for headers in (key, other):
        answer = client.post("/v1/quotes", json=QUOTE, headers={**headers, "Idempotency-Key": "k"})
        assert answer.status_code == 201
    assert count(seeded, "quote") == 18


def test_an_article_retried_is_stored_once_and_answered_alike(
    writer: Writer, seeded: Engine
) -> None:
    client, key = writer
    headers = {**key, "Idempotency-Key": "article-1"}
    first = client.post("/v1/articles", json=article(), headers=headers)
    again = client.post("/v1/articles", json=article(), headers=headers)
    assert first.status_code == again.status_code == 201  # the replay, not "already stored"
    assert first.json() == again.json()
    # Without the key, the content hash still finds the stored article.
    plain = client.post("/v1/articles", json=article(), headers=key)
    assert plain.status_code == 200 and plain.json()["id"] == first.json()["id"]
    assert count(seeded, "article") == 2


def test_a_failed_write_leaves_its_key_free(writer: Writer, seeded: Engine) -> None:
    client, key = writer
    headers = {**key, "Idempotency-Key": "after-a-mistake"}
    bad = client.post("/v1/quotes", json={**QUOTE, "text": "not in the article"}, headers=headers)
    assert bad.status_code == 422
    assert client.post("/v1/quotes", json=QUOTE, headers=headers).status_code == 201
    assert count(seeded, "idempotent_request") == 1


def test_an_overlong_key_is_refused(writer: Writer) -> None:
    client, key = writer
    answer = client.post("/v1/quotes", json=QUOTE, headers={**key, "Idempotency-Key": "x" * 256})
    assert answer.status_code == 422 and answer.json()["parameter"] == "Idempotency-Key"


def test_expired_answers_are_not_replayed_and_are_cleaned_up(
    writer: Writer, seeded: Engine
) -> None:
    client, key = writer
    first = client.post("/v1/quotes", json=QUOTE, headers={**key, "Idempotency-Key": "old"})
    for n in range(3):
        client.post("/v1/quotes", json=QUOTE, headers={**key, "Idempotency-Key": f"stale-{n}"})
    with session_scope(seeded) as session:  # all four answers are two days old now
        session.execute(
            text("UPDATE idempotent_request SET created_at = :then"),
            {"then": dt.datetime.now(dt.UTC) - dt.timedelta(days=2)},
        )
    again = client.post("/v1/quotes", json=QUOTE, headers={**key, "Idempotency-Key": "old"})
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]  # a new request, a new quote
    # The write that stored the new answer removed the expired ones.
    assert count(seeded, "idempotent_request") == 1
