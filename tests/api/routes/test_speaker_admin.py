"""Fixing people: edit, merge, split and revert speakers with an admin key, each change in the
speaker's history; a write key may not."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.config import Settings
from app.db import session_scope
from app.keys import create_key
from app.main import create_app

Client = tuple[TestClient, dict[str, str]]

NAMESAKE = {
    "title": "Director plans underwater film",
    "publisher": "Variety",
    "published_on": "2024-09-20",
    "text": "Film director James Cameron said Thursday that his next film would be shot "
    "underwater.\n“We built the deepest tank yet,” Cameron told reporters.",
}


def _count(client: TestClient, speaker: str) -> int:
    return int(client.get(f"/v1/speakers/{speaker}").json()["quote_count"])


def test_a_write_key_may_not_change_speakers(writer: Client) -> None:
    client, key = writer
    response = client.patch("/v1/speakers/david-cameron", json={"role": "x"}, headers=key)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get("/v1/speakers/david-cameron").json()["role"] == "British Foreign Secretary"


def test_without_a_key_nothing_changes(client: TestClient) -> None:
    response = client.post("/v1/speakers/russia/merge", json={"into": "dmitry-peskov"})
    assert response.status_code == 401
    assert _count(client, "russia") == 2


def test_an_edit_is_recorded_and_a_new_name_becomes_an_alias(admin: Client) -> None:
    client, key = admin
    response = client.patch(
        "/v1/speakers/antony-blinken",
        json={"name": "Antony J. Blinken", "role": "former U.S. Secretary of State"},
        headers=key,
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Antony J. Blinken"
    assert client.get("/v1/speakers/antony j. blinken").json()["id"] == "antony-blinken"
    assert client.get("/v1/speakers/Antony Blinken").json()["id"] == "antony-blinken"
    history = client.get("/v1/speakers/antony-blinken/history").json()
    [revision] = history["revisions"]
    assert revision["action"] == "update" and revision["by"] == "standards desk"
    assert revision["changes"]["fields"]["role"] == {
        "before": "U.S. Secretary of State",
        "after": "former U.S. Secretary of State",
    }


def test_a_merge_moves_quotes_and_names_and_its_revert_restores_both(admin: Client) -> None:
    client, key = admin
    assert client.post("/v1/articles", json=NAMESAKE, headers=key).status_code == 201
    assert _count(client, "james-cameron") == 2
    cameron = _count(client, "david-cameron")
    merged = client.post(
        "/v1/speakers/james-cameron/merge", json={"into": "David Cameron"}, headers=key
    )
    assert merged.status_code == 200 and merged.json()["quote_count"] == cameron + 2
    # The old id now leads to the speaker it was merged into; its history stays under it.
    assert client.get("/v1/speakers/james-cameron").json()["id"] == "david-cameron"
    history = client.get("/v1/speakers/james-cameron/history").json()
    assert history["current"] is None and history["revisions"][0]["action"] == "merge"
    absorbed = client.get("/v1/speakers/david-cameron/history").json()["revisions"]
    assert absorbed[-1]["action"] == "absorb"

    reverted = client.post("/v1/speakers/james-cameron/history/1/revert", headers=key)
    assert reverted.status_code == 200, reverted.text
    assert reverted.json()["revisions"][0]["reverted"] is True
    assert _count(client, "james-cameron") == 2
    assert _count(client, "david-cameron") == cameron
    assert "James Cameron" in client.get("/v1/speakers/james-cameron").json()["aliases"]
    assert "James Cameron" not in client.get("/v1/speakers/david-cameron").json()["aliases"]
    again = client.post("/v1/speakers/james-cameron/history/1/revert", headers=key)
    assert again.status_code == 409


def test_a_revert_after_a_later_change_is_a_conflict(admin: Client) -> None:
    client, key = admin
    client.post("/v1/articles", json=NAMESAKE, headers=key)
    client.post("/v1/speakers/james-cameron/merge", json={"into": "david-cameron"}, headers=key)
    merged = _count(client, "david-cameron")
    client.patch("/v1/speakers/david-cameron", json={"affiliation": "UK"}, headers=key)
    response = client.post("/v1/speakers/james-cameron/history/1/revert", headers=key)
    assert response.status_code == 409
    assert _count(client, "david-cameron") == merged


def test_a_split_takes_the_aliases_and_the_quotes_of_the_article_that_taught_them(
    admin: Client,
) -> None:
    client, key = admin
    article = {
        "title": "Cameron in Riyadh",
        "publisher": "Sky News",
        "published_on": "2024-06-12",
        "text": "Foreign Secretary David Cameron said Britain would send a minister to Riyadh.",
    }
    posted = client.post("/v1/articles", json=article, headers=key).json()
    assert {q["speaker"]["id"] for q in posted["quotes"]} == {"david-cameron"}
    before = _count(client, "david-cameron")
    split = client.post(
        "/v1/speakers/david-cameron/split",
        json={"name": "Unidentified Cameron", "aliases": ["Foreign Secretary David Cameron"]},
        headers=key,
    )
    assert split.status_code == 201, split.text
    new = split.json()
    assert new["quote_count"] == 1
    assert "Foreign Secretary David Cameron" in new["aliases"]
    assert _count(client, "david-cameron") == before - 1
    undone = client.post(f"/v1/speakers/{new['id']}/history/1/revert", headers=key)
    assert undone.status_code == 200, undone.text
    assert _count(client, "david-cameron") == before
    assert client.get(f"/v1/speakers/{new['id']}").status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/v1/speakers/nobody/merge", {"into": "russia"}, 404),
        ("/v1/speakers/russia/merge", {"into": "nobody"}, 422),
        ("/v1/speakers/russia/merge", {"into": "russia"}, 422),
        ("/v1/speakers/russia/split", {"name": "X", "aliases": ["Kyiv"]}, 422),
        ("/v1/speakers/russia/split", {"name": "X", "aliases": []}, 422),
        ("/v1/speakers/russia/history/9/revert", None, 404),
    ],
)
def test_bad_changes_are_problems_and_change_nothing(
    admin: Client, path: str, body: dict[str, object] | None, status: int
) -> None:
    client, key = admin
    response = client.post(path, json=body, headers=key)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert _count(client, "russia") == 2


def test_concurrent_edits_of_one_speaker_leave_a_true_chain(
    settings: Settings, seeded: Engine
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with session_scope(seeded) as session:
        token = create_key(session, "night desk", admin=True).token
    headers = {"Authorization": f"Bearer {token}"}
    roles = [f"role {n}" for n in range(8)]
    # One app per writer, as several server processes would be; built one after the other
    # (building FastAPI apps is not meant to happen in threads), then run at once.
    clients = [TestClient(create_app(settings)) for _ in range(4)]
    for client in clients:
        client.__enter__()
        # FastAPI reads a route's parameters on its first request, with warnings that this
        # suite turns into errors, and Python's warning filters are not thread-safe: warm up
        # each app with an edit that changes nothing (and so records nothing).
        unchanged = {"role": "Kremlin spokesman"}
        assert client.patch("/v1/speakers/dmitry-peskov", json=unchanged, headers=headers)

    def edit(n: int) -> int:
        client = clients[n % len(clients)]
        return client.patch(
            "/v1/speakers/dmitry-peskov", json={"role": roles[n]}, headers=headers
        ).status_code

    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses = list(pool.map(edit, range(len(roles))))
    finally:
        for client in clients:
            client.__exit__(None, None, None)
    assert statuses == [200] * len(roles)
    with TestClient(create_app(settings)) as client:
        revisions = client.get("/v1/speakers/dmitry-peskov/history").json()["revisions"]
        final = client.get("/v1/speakers/dmitry-peskov").json()["role"]
    chain = [r["changes"]["fields"]["role"] for r in revisions]
    assert [r["version"] for r in revisions] == list(range(1, len(roles) + 1))
    assert chain[0]["before"] == "Kremlin spokesman"
    assert all(a["after"] == b["before"] for a, b in zip(chain, chain[1:], strict=False))
    assert chain[-1]["after"] == final
