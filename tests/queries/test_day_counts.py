"""SQLite's quotes counted per speaker and day: every way of changing quotes keeps the counts
equal to the quotes, and a list filtered by speaker and dates alone takes its total from them,
exact past the threshold, the same on both read paths."""

from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.config import Settings
from app.db import alembic_config
from app.main import create_app
from app.models.quote_days import TABLE
from app.queries.quote_filters import QuoteQuery
from app.queries.totals import by_day
from app.store.upgrade import migrate

pytestmark = pytest.mark.sqlite_only  # PostgreSQL's planner estimates these totals

Client = tuple[TestClient, dict[str, str]]

VISIT = {
    "title": "Ministers meet in Vilnius",
    "publisher": "Baltic Wire",
    "published_on": "2024-06-20",
    "text": "Foreign Secretary David Cameron said Britain would keep its pledges.\n"
    "“We will not waver,” Cameron told reporters on Thursday.\n"
    "Secretary of State Antony Blinken said the allies were united.",
}


def _counted(engine: Engine) -> list[tuple[str, str, int]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text(f"SELECT * FROM {TABLE} ORDER BY 1, 2")).all()
    return [tuple(row) for row in rows]


def _quotes_by_day(engine: Engine) -> list[tuple[str, str, int]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT speaker_id, date, count(*) FROM quote GROUP BY 1, 2 ORDER BY 1, 2")
        ).all()
    return [tuple(row) for row in rows]


def test_the_counts_follow_every_way_quotes_change(admin: Client, seeded: Engine) -> None:
    client, key = admin
    assert _counted(seeded) == _quotes_by_day(seeded) != []  # the seed's, counted

    def step(response: httpx.Response) -> None:
        assert response.is_success, response.text
        assert _counted(seeded) == _quotes_by_day(seeded)

    step(client.post("/v1/articles", json=VISIT, headers=key))
    body = {"article": 1, "speaker": "Blinken", "kind": "partial", "text": "Storm Shadow"}
    made = client.post("/v1/quotes", json=body, headers=key)
    step(made)
    quote = made.json()["id"]
    step(client.patch(f"/v1/quotes/{quote}", json={"speaker": "peskov"}, headers=key))
    step(client.patch(f"/v1/quotes/{quote}", json={"said_on": "2024-05-02"}, headers=key))
    step(client.patch(f"/v1/quotes/{quote}", json={"cue": "said"}, headers=key))
    merged = client.post(
        "/v1/speakers/dmitry-peskov/merge", json={"into": "antony-blinken"}, headers=key
    )
    step(merged)
    step(client.post("/v1/speakers/dmitry-peskov/history/1/revert", headers=key))
    step(client.delete(f"/v1/quotes/{quote}", headers=key))
    days = _counted(seeded)
    assert not [row for row in days if row[2] <= 0]  # a day with no quotes left has no row


@pytest.fixture
def paths(settings: Settings, seeded: Engine) -> Iterator[tuple[TestClient, TestClient]]:
    """Both read paths over a store whose totals are exact up to one match only."""
    low = settings.model_copy(update={"exact_total_up_to": 1})
    with (
        TestClient(create_app(low.model_copy(update={"fast_lane": True}))) as fast,
        TestClient(create_app(low.model_copy(update={"fast_lane": False}))) as routes,
    ):
        yield fast, routes


@pytest.mark.parametrize(
    "params",
    [
        {"speaker": "blinken"},
        {"speaker": ["blinken", "peskov"]},
        {"speaker": "blinken", "since": "2024-05-30"},
        {"speaker": "blinken", "until": "2024-05-30"},
        {"speaker": "blinken", "since": "2024-05-01", "until": "2024-05-31", "limit": "1"},
        {"speaker": "blinken", "since": "2025-01-01"},
    ],
)
def test_a_speaker_and_dates_are_counted_exactly_past_the_threshold(
    paths: tuple[TestClient, TestClient], seeded: Engine, params: dict[str, object]
) -> None:
    fast, routes = paths
    answer = fast.get("/v1/quotes", params=params).json()
    assert answer == routes.get("/v1/quotes", params=params).json()
    assert answer["total_is_exact"] is True
    every = fast.get("/v1/quotes", params={**params, "limit": "100"}).json()
    assert answer["total"] == len(every["items"]) and every["next_cursor"] is None


def test_other_filters_are_not_read_from_the_counts(paths: tuple[TestClient, TestClient]) -> None:
    """The counts hold no kinds, outlets or words: such lists are estimated past the
    threshold as before."""
    for client in paths:
        for params in (
            {"speaker": "blinken", "kind": "direct"},
            {"speaker": "blinken", "q": "the"},
        ):
            answer = client.get("/v1/quotes", params=params).json()
            if answer["total"] > 1:
                assert answer["total_is_exact"] is False, params


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (QuoteQuery(speakers=("a",)), True),
        (QuoteQuery(speakers=("a", "b"), since=None), True),
        (QuoteQuery(), False),  # every speaker's days: a walk of the date index is cheaper
        (QuoteQuery(speakers=("a",), q="war"), False),
        (QuoteQuery(speakers=("a",), kinds=("direct",)), False),
        (QuoteQuery(speakers=("a",), reviewed=False), False),
        (QuoteQuery(speakers=("a",), article=1), False),
        (QuoteQuery(speakers=("a",), sort="date"), True),
    ],
)
def test_only_speakers_and_dates_are_summed_by_day(query: QuoteQuery, expected: bool) -> None:
    assert by_day(query) is expected


def test_an_older_store_has_its_quotes_counted_by_the_migration(
    settings: Settings, seeded: Engine
) -> None:
    command.downgrade(alembic_config(settings), "0012")
    with seeded.begin() as connection:  # quotes changed while the store kept no counts
        connection.execute(sa.text("UPDATE quote SET speaker_id = 'russia' WHERE id = 16"))
        connection.execute(sa.text("DELETE FROM quote WHERE id = 15"))
        tables = connection.execute(sa.text("SELECT name FROM sqlite_master")).scalars().all()
    assert TABLE not in tables
    migrate(settings)
    assert _counted(seeded) == _quotes_by_day(seeded)
