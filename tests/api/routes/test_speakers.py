"""``/v1/speakers``: lists, name search, lookups by id or any name."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.db import session_scope
from app.models import Article
from app.quotes.store import add_quote
from app.speakers.store import ensure_speaker


def listed(client: TestClient, **params: Any) -> list[str]:
    response = client.get("/v1/speakers", params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_speakers_are_listed_by_id_with_their_quote_counts(api: TestClient) -> None:
    body = api.get("/v1/speakers").json()
    counts = {item["id"]: item["quote_count"] for item in body["items"]}
    assert counts == {"antony-blinken": 5, "david-cameron": 3, "dmitry-peskov": 1, "russia": 2,
                      "unnamed-us-official": 5}  # fmt: skip
    assert body["total"] == 5


def test_speaker_name_search_matches_any_alias(api: TestClient) -> None:
    assert listed(api, q="official") == ["unnamed-us-official"]
    assert listed(api, q="LORD") == ["david-cameron"]
    assert listed(api, q="kremlin") == ["dmitry-peskov"]
    assert listed(api, q="100%_") == []


def test_speaker_kind_filter(api: TestClient) -> None:
    assert listed(api, kind="anonymous") == ["unnamed-us-official"]
    assert listed(api, kind="organization") == ["russia"]


def test_speaker_pages_follow_cursors(api: TestClient) -> None:
    first = api.get("/v1/speakers", params={"limit": 3}).json()
    rest = api.get("/v1/speakers", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    got = [i["id"] for i in first["items"] + rest["items"]]
    assert got == listed(api) and rest["next_cursor"] is None


@pytest.mark.parametrize("name", ["blinken", "antony-blinken", "Antony%20Blinken", "BLINKEN"])
def test_a_speaker_by_id_or_any_name(api: TestClient, name: str) -> None:
    speaker = api.get(f"/v1/speakers/{name}").json()
    assert speaker["id"] == "antony-blinken"
    assert speaker["role"] == "U.S. Secretary of State"
    assert speaker["affiliation"] == "United States"
    assert {"Blinken", "Antony Blinken", "Secretary of State Antony Blinken"} <= set(
        speaker["aliases"]
    )


def test_an_unknown_speaker_is_404_problem(api: TestClient) -> None:
    response = api.get("/v1/speakers/zelensky")
    assert response.status_code == 404
    assert response.json()["detail"] == "no speaker is called 'zelensky'"


def test_a_name_two_speakers_share_is_409_on_lookup_and_any_of_them_as_filter(
    client: TestClient, seeded: Engine
) -> None:
    with session_scope(seeded) as session:
        ensure_speaker(session=session, id="samantha-cameron", name="Samantha Cameron",
                            kind="person", aliases=["Cameron"])  # fmt: skip
        article = session.get(Article, 1)
        assert article is not None
        add_quote(session=session, article=article, speaker_id="samantha-cameron",
                       kind="partial", span=(3955, 3979))  # fmt: skip
    response = client.get("/v1/speakers/cameron")
    assert response.status_code == 409
    assert response.json()["candidates"] == ["david-cameron", "samantha-cameron"]
    assert client.get("/v1/speakers/lord cameron").json()["id"] == "david-cameron"
    quotes = client.get("/v1/quotes", params={"speaker": "cameron"}).json()["items"]
    assert {q["speaker"]["id"] for q in quotes} == {"david-cameron", "samantha-cameron"}
