"""``POST /v1/articles``: store, extract, attribute and link, all or nothing, once per text."""

from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session

import app.ingest.writer
import app.quotations.batch
from app.config import PROJECT_ROOT
from tests.api.conftest import STORY, article

SEED_TEXT = (PROJECT_ROOT / "seed" / "upi-2024-05-31-kharkiv.txt").read_text(encoding="utf-8")


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table: int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("article", "quote", "speaker", "speaker_alias", "outlet")
        }


def test_posting_an_article_stores_it_with_its_attributed_quotes(writer, seeded) -> None:
    client, key = writer
    response = client.post("/v1/articles", json=article(), headers=key)
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/articles/{body['id']}"
    assert body["text"] == STORY
    assert body["publisher"]["name"] == "Springfield Gazette"
    quotes = [(q["kind"], q["speaker"]["name"], q["outlet"]) for q in body["quotes"]]
    assert quotes == [
        ("direct", "Ann Reyes", {"id": "nbc-news", "name": "NBC News"}),
        ("indirect", "Tom Price", None),
        ("indirect", "Tom Price", None),
        ("direct", "Tom Price", None),
    ]
    for quote in body["quotes"]:
        start, end = quote["span"]["start"], quote["span"]["end"]
        assert STORY[start:end] == quote["text"]
    listed = client.get("/v1/quotes", params={"article": body["id"]}).json()
    assert listed["total"] == 4
    reyes = client.get("/v1/speakers/ann-reyes").json()
    assert (reyes["role"], reyes["quote_count"]) == ("Mayor", 1)


def test_posting_the_same_text_again_creates_nothing(writer, seeded) -> None:
    client, key = writer
    first = client.post("/v1/articles", json=article(), headers=key).json()
    before = counts(seeded)
    again = client.post("/v1/articles", json=article(title="Another title"), headers=key)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert again.json()["title"] == "Council approves bridge"
    assert counts(seeded) == before


def test_posting_the_seed_text_answers_with_the_seeded_article(writer, seeded) -> None:
    client, key = writer
    before = counts(seeded)
    response = client.post("/v1/articles", json=article(SEED_TEXT, publisher="upi"), headers=key)
    assert (response.status_code, response.json()["id"]) == (200, 1)
    assert len(response.json()["quotes"]) == 16
    assert counts(seeded) == before


def test_speakers_and_outlets_link_to_those_already_in_the_store(writer, seeded) -> None:
    client, key = writer
    before = counts(seeded)
    reposted = SEED_TEXT + "\nThe end."  # another text, so another article, same people
    response = client.post("/v1/articles", json=article(reposted, publisher="UPI"), headers=key)
    assert response.status_code == 201
    quotes = response.json()["quotes"]
    assert {q["speaker"]["id"] for q in quotes} == {
        "unnamed-us-official", "antony-blinken", "david-cameron", "dmitry-peskov", "russia",
    }  # fmt: skip
    assert {q["outlet"]["id"] for q in quotes if q["outlet"]} == {
        "cbs-news", "the-washington-post",
    }  # fmt: skip
    assert response.json()["publisher"]["id"] == "upi"
    after = counts(seeded)
    assert (after["speaker"], after["outlet"]) == (before["speaker"], before["outlet"])
    assert after["quote"] == before["quote"] + 16


def test_without_a_key_nothing_is_written(writer, seeded) -> None:
    client, _ = writer
    before = counts(seeded)
    response = client.post("/v1/articles", json=article())
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert counts(seeded) == before


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        ({"text": None}, "text"),
        ({"text": "   \n  "}, "text"),
        ({"title": ""}, "title"),
        ({"publisher": " "}, "publisher"),
        ({"published_on": "31 May"}, "published_on"),
        ({"published_on": "2024-02-30"}, "published_on"),
        ({"url": "not a url"}, "url"),
        ({"title": "x" * 501}, "title"),
        ({"text": ["a", "list"]}, "text"),
        ({"speaker": "antony-blinken"}, "speaker"),
        ({"id": 7}, "id"),
    ],
)
def test_a_bad_article_is_a_422_naming_the_field_and_writes_nothing(
    writer, seeded, change: dict[str, Any], parameter: str
) -> None:
    client, key = writer
    before = counts(seeded)
    body = {k: v for k, v in {**article(), **change}.items() if v is not None}
    response = client.post("/v1/articles", json=body, headers=key)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == parameter
    assert counts(seeded) == before


@pytest.mark.parametrize("raw", [b"\xff\xfe not json", b'{"title": "unclosed', b"[1, 2]", b""])
def test_a_body_that_is_not_an_article_object_is_a_problem(writer, seeded, raw: bytes) -> None:
    client, key = writer
    before = counts(seeded)
    headers = {**key, "content-type": "application/json"}
    response = client.post("/v1/articles", content=raw, headers=headers)
    assert response.status_code in {400, 422}
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"]
    assert counts(seeded) == before


def test_a_failure_half_way_through_leaves_nothing_behind(writer, seeded, monkeypatch) -> None:
    client, key = writer
    before = counts(seeded)
    real_write = app.quotations.batch.QuotationBook.write_changes
    calls = []

    def write_then_fail(self: Any) -> None:
        calls.append(1)
        real_write(self)  # the article, its quotes and quotations are written, then:
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(app.quotations.batch.QuotationBook, "write_changes", write_then_fail)
    response = client.post("/v1/articles", json=article(), headers=key)
    assert response.status_code == 500
    assert "disk" not in response.text
    assert len(calls) == 1
    assert counts(seeded) == before


def test_a_text_stored_by_another_writer_meanwhile_is_answered_not_stored_twice(
    writer, seeded, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # Two posts of one new text at once: the second looks before the first commits, misses
    # it, and breaks the unique content hash when it commits. It must answer with the stored
    # article, as if it had come second.
    client, key = writer
    first = client.post("/v1/articles", json=article(), headers=key)
    assert first.status_code == 201
    looked = []
    real = app.ingest.writer._stored_articles

    def missed_once(session, hashes):  # type: ignore[no-untyped-def]
        looked.append(hashes)
        return {} if len(looked) == 1 else real(session, hashes)

    monkeypatch.setattr(app.ingest.writer, "_stored_articles", missed_once)
    second = client.post("/v1/articles", json=article(), headers=key)
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert len(looked) == 2
    assert counts(seeded)["article"] == 2
