"""Manual entry and corrections: every change checked, recorded with its earlier values, and
all or nothing; a deleted quote answers 410 and keeps its history."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.db import session_scope
from app.keys import create_key, revoke_key
from tests.api.conftest import Writer

PESKOV = 16


def rows(engine: Engine, table: str) -> int:
    with Session(engine) as session:
        return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def article_text(client: TestClient) -> str:
    return str(client.get("/v1/articles/1").json()["text"])


def test_a_quote_entered_by_hand_is_read_from_its_article(writer: Writer) -> None:
    client, key = writer
    words = "Storm Shadow missile"
    body = {"article": 1, "speaker": "Blinken", "kind": "partial", "text": words}
    answer = client.post("/v1/quotes", json=body, headers=key)
    assert answer.status_code == 201, answer.text
    quote = answer.json()
    assert answer.headers["location"] == f"/v1/quotes/{quote['id']}"
    assert quote["speaker"]["id"] == "antony-blinken" and quote["text"] == words
    assert article_text(client)[quote["span"]["start"] : quote["span"]["end"]] == words
    assert quote["date"] == "2024-05-31" and quote["said_on"] is None
    assert client.get(f"/v1/quotes/{quote['id']}").json() == quote
    found = client.get("/v1/quotes", params={"q": '"Storm Shadow"', "kind": "partial"})
    assert quote["id"] in [item["id"] for item in found.json()["items"]]
    history = client.get(f"/v1/quotes/{quote['id']}/history").json()
    assert [(r["version"], r["action"], r["by"]) for r in history["revisions"]] == [
        (1, "create", "desk")
    ]
    assert history["revisions"][0]["changes"]["text"] == {"before": None, "after": words}


def test_a_span_given_is_checked_against_the_text(writer: Writer) -> None:
    client, key = writer
    full = article_text(client)
    start = full.index("Kharkiv")
    span = {"start": start, "end": start + len("Kharkiv")}
    body = {
        "article": 1,
        "speaker": "peskov",
        "kind": "partial",
        "span": span,
        "said_on": "2024-05-30",
    }
    quote = client.post("/v1/quotes", json=body, headers=key).json()
    assert quote["text"] == "Kharkiv"
    assert (quote["said_on"], quote["said_on_precision"], quote["date"]) == (
        "2024-05-30", "day", "2024-05-30",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "parameter"),
    [
        ({"span": {"start": 10, "end": 5}}, "span"),
        ({"span": {"start": 0, "end": 100_000}}, "span"),
        ({"span": {"start": 0, "end": 10**30}}, "span.end"),
        ({"text": "words that are nowhere in the article"}, "text"),
        ({"text": "Russia"}, "text"),  # more than once: which one is meant?
        ({"text": "Kharkiv", "span": {"start": 0, "end": 7}}, "text"),
        ({}, "span"),
        ({"text": "Sevastopol", "said_on_precision": "month"}, "said_on_precision"),
        ({"text": "Sevastopol", "continues": 99}, "continues"),
        ({"text": "Sevastopol", "speaker_span": {"start": 0, "end": 10**6}}, "speaker_span"),
        ({"text": "Sevastopol", "speaker": "nobody we know"}, "speaker"),
        ({"text": "Sevastopol", "article": 2}, "article"),
        ({"text": "Sevastopol", "kind": "quoted"}, "kind"),
        ({"text": "Sevastopol", "id": 5}, "id"),
        ({"text": "Sevastopol", "date": "2024-01-01"}, "date"),
        ({"text": "Sevastopol", "created_at": "2024-01-01T00:00:00Z"}, "created_at"),
    ],
)
def test_a_bad_quote_is_refused_naming_the_field_and_writes_nothing(
    writer: Writer, seeded: Engine, fields: dict[str, Any], parameter: str
) -> None:
    client, key = writer
    body = {"article": 1, "speaker": "blinken", "kind": "partial", **fields}
    answer = client.post("/v1/quotes", json=body, headers=key)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["parameter"] == parameter
    assert (rows(seeded, "quote"), rows(seeded, "quote_revision")) == (16, 0)


def test_a_new_speaker_is_created_only_when_its_kind_is_given(writer: Writer) -> None:
    client, key = writer
    body = {"article": 1, "speaker": "Lloyd Austin", "speaker_kind": "person", "kind": "partial"}
    quote = client.post("/v1/quotes", json={**body, "text": "Moldova"}, headers=key).json()
    assert quote["speaker"] == {
        "id": "lloyd-austin",
        "name": "Lloyd Austin",
        "kind": "person",
        "role": None,
    }
    assert client.get("/v1/speakers/Lloyd Austin").json()["quote_count"] == 1


def test_a_correction_keeps_the_earlier_values(writer: Writer) -> None:
    client, key = writer
    before = client.get(f"/v1/quotes/{PESKOV}").json()
    patch = {"said_on": "2024-05-30", "cue": "Peskov told reporters", "outlet": "Reuters"}
    answer = client.patch(f"/v1/quotes/{PESKOV}", json=patch, headers=key)
    assert answer.status_code == 200, answer.text
    after = answer.json()
    assert (after["said_on"], after["date"], after["cue"]) == (
        "2024-05-30", "2024-05-30", "Peskov told reporters",
    )  # fmt: skip
    assert after["outlet"]["name"] == "Reuters" and after["text"] == before["text"]
    assert client.get(f"/v1/quotes/{PESKOV}").json() == after
    history = client.get(f"/v1/quotes/{PESKOV}/history").json()
    (revision,) = history["revisions"]
    assert (revision["version"], revision["action"], revision["by"]) == (1, "update", "desk")
    assert revision["changes"] == {
        "said_on": {"before": None, "after": "2024-05-30"},
        "said_on_precision": {"before": None, "after": "day"},
        "date": {"before": "2024-05-31", "after": "2024-05-30"},
        "cue": {"before": before["cue"], "after": "Peskov told reporters"},
        "outlet": {"before": None, "after": "reuters"},
    }
    assert history["current"] == after and history["deleted"] is False
    # null clears a field that may be empty; the next correction is version 2
    cleared = client.patch(f"/v1/quotes/{PESKOV}", json={"outlet": None}, headers=key).json()
    assert cleared["outlet"] is None
    versions = client.get(f"/v1/quotes/{PESKOV}/history").json()["revisions"]
    assert [r["version"] for r in versions] == [1, 2]


def test_a_correction_moves_the_span_with_the_text(writer: Writer) -> None:
    client, key = writer
    quote = client.patch(f"/v1/quotes/{PESKOV}", json={"text": "direct escalation"}, headers=key)
    span = quote.json()["span"]
    assert article_text(client)[span["start"] : span["end"]] == "direct escalation"
    assert (
        client.get("/v1/quotes", params={"q": "tension", "speaker": "peskov"}).json()["total"] == 0
    )


def test_a_patch_that_changes_nothing_records_nothing(writer: Writer, seeded: Engine) -> None:
    client, key = writer
    kind = client.get(f"/v1/quotes/{PESKOV}").json()["kind"]
    assert client.patch(f"/v1/quotes/{PESKOV}", json={"kind": kind}, headers=key).status_code == 200
    assert rows(seeded, "quote_revision") == 0


@pytest.mark.parametrize(
    "patch",
    [
        {"id": 3}, {"date": "2020-01-01"}, {"article": 1}, {"created_at": "2020-01-01"},
        {"text_html": "x"}, {"speaker": None}, {"kind": None}, {"span": None},
        {"speaker_kind": "person"}, {"kind": "rumour"}, {"said_on": "31 May"},
        {"span": {"start": 0, "end": 5, "extra": 1}},
    ],
)  # fmt: skip
def test_unknown_or_server_owned_fields_are_refused(
    writer: Writer, seeded: Engine, patch: dict[str, Any]
) -> None:
    client, key = writer
    before = client.get(f"/v1/quotes/{PESKOV}").json()
    answer = client.patch(f"/v1/quotes/{PESKOV}", json=patch, headers=key)
    assert answer.status_code == 422, answer.text
    assert answer.json()["type"] == "/problems/invalid-parameter"
    assert client.get(f"/v1/quotes/{PESKOV}").json() == before
    assert rows(seeded, "quote_revision") == 0


@pytest.mark.parametrize("fast_lane", [True, False])
def test_a_deleted_quote_answers_410_and_keeps_its_history(
    writer: Writer, settings: Any, fast_lane: bool
) -> None:
    from app.main import create_app

    client, key = writer
    before = client.get(f"/v1/quotes/{PESKOV}").json()
    assert client.delete(f"/v1/quotes/{PESKOV}", headers=key).status_code == 204
    with TestClient(create_app(settings.model_copy(update={"fast_lane": fast_lane}))) as reader:
        gone = reader.get(f"/v1/quotes/{PESKOV}")
        assert gone.status_code == 410 and gone.json()["type"] == "/problems/gone"
        assert reader.get("/v1/quotes").json()["total"] == 15
        assert reader.get("/v1/quotes", params={"q": "escalation tension"}).json()["items"] == []
    history = client.get(f"/v1/quotes/{PESKOV}/history").json()
    assert history["deleted"] is True and history["current"] is None
    (revision,) = history["revisions"]
    assert revision["action"] == "delete"
    assert revision["changes"]["text"] == {"before": before["text"], "after": None}
    assert revision["changes"]["speaker"] == {"before": "dmitry-peskov", "after": None}
    for method in ("patch", "delete"):
        again = client.request(
            method.upper(), f"/v1/quotes/{PESKOV}", json={"cue": "x"}, headers=key
        )
        assert again.status_code == 410, method


def test_deleting_a_quote_unlinks_the_paragraph_that_carried_it_on(writer: Writer) -> None:
    client, key = writer
    assert client.get("/v1/quotes/9").json()["continues"] == 8
    assert client.delete("/v1/quotes/8", headers=key).status_code == 204
    assert client.get("/v1/quotes/9").json()["continues"] is None
    (revision,) = client.get("/v1/quotes/9/history").json()["revisions"]
    assert revision["changes"] == {"continues": {"before": 8, "after": None}}


def test_unknown_quotes_are_404_for_every_verb(writer: Writer) -> None:
    client, key = writer
    for method in ("PATCH", "DELETE"):
        answer = client.request(method, "/v1/quotes/999", json={"cue": "x"}, headers=key)
        assert answer.status_code == 404, method
    assert client.get("/v1/quotes/999/history").status_code == 404
    assert client.get(f"/v1/quotes/{2**63}/history").status_code == 422


def test_every_write_needs_a_live_key_and_writes_nothing_without(
    writer: Writer, seeded: Engine
) -> None:
    client, key = writer
    with session_scope(seeded) as session:
        revoked = create_key(session, "old").token
    with session_scope(seeded) as session:
        assert revoke_key(session, revoked.split("_")[1])
    body = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Kharkiv"}
    for headers in (
        {},
        {"Authorization": "Bearer sw_nope_nope"},
        {"Authorization": f"Bearer {revoked}"},
    ):
        for method, path, payload in (
            ("POST", "/v1/quotes", body),
            ("PATCH", f"/v1/quotes/{PESKOV}", {"cue": "x"}),
            ("DELETE", f"/v1/quotes/{PESKOV}", None),
        ):
            answer = client.request(method, path, json=payload, headers=headers)
            assert answer.status_code == 401, (method, headers)
            assert answer.headers["www-authenticate"].startswith("Bearer")
    assert (rows(seeded, "quote"), rows(seeded, "quote_revision")) == (16, 0)
