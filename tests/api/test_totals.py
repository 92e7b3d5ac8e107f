"""Totals: exact where counting is cheap; on PostgreSQL, past a threshold, the planner's
estimate, flagged ``total_is_exact: false``, the same on both read paths."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


def test_lists_say_their_totals_are_exact(api: TestClient) -> None:
    for path in ("/v1/quotes", "/v1/quotes?speaker=blinken", "/v1/quotations", "/v1/speakers"):
        page = api.get(path).json()
        assert page["total_is_exact"] is True, path


@pytest.fixture
def clients(settings: Settings, seeded: object) -> Iterator[tuple[TestClient, TestClient]]:
    low = settings.model_copy(update={"exact_total_up_to": 5})
    fast = create_app(low.model_copy(update={"fast_lane": True}))
    routes = create_app(low.model_copy(update={"fast_lane": False}))
    with TestClient(fast) as a, TestClient(routes) as b:
        yield a, b


@pytest.mark.postgres_only
def test_past_the_threshold_the_total_is_an_estimate_on_either_path(
    clients: tuple[TestClient, TestClient],
) -> None:
    for client in clients:
        many = client.get("/v1/quotes").json()
        assert many["total_is_exact"] is False and many["total"] >= 6
        assert len(many["items"]) == 16  # the page itself is whole
        few = client.get("/v1/quotes", params={"speaker": "cameron"}).json()
        assert (few["total"], few["total_is_exact"]) == (3, True)
    fast, routes = clients
    assert fast.get("/v1/quotes").json() == routes.get("/v1/quotes").json()
    page = routes.get("/?q=").text
    assert "About " in page


@pytest.mark.postgres_only
def test_a_threshold_of_zero_counts_every_total(settings: Settings, seeded: object) -> None:
    exact = settings.model_copy(update={"exact_total_up_to": 0})
    with TestClient(create_app(exact)) as client:
        page = client.get("/v1/quotes").json()
    assert (page["total"], page["total_is_exact"]) == (16, True)


def test_sqlite_counts_exactly_except_a_search_past_the_threshold(
    clients: tuple[TestClient, TestClient],
) -> None:
    from tests.conftest import POSTGRES

    if POSTGRES:
        pytest.skip("SQLite's own behaviour")
    fast, routes = clients
    for client in clients:
        page = client.get("/v1/quotes").json()
        assert (page["total"], page["total_is_exact"]) == (16, True)
        few = client.get("/v1/quotes", params={"q": "escalation"}).json()
        assert few["total_is_exact"] is True and few["total"] <= 5
        many = client.get("/v1/quotes", params={"q": "the"}).json()
        assert many["total_is_exact"] is False and many["total"] >= 6
        # Filtered besides the search, it is counted.
        filtered = client.get("/v1/quotes", params={"q": "the", "speaker": "blinken"}).json()
        assert filtered["total_is_exact"] is True
    assert fast.get("/v1/quotes?q=the").json() == routes.get("/v1/quotes?q=the").json()
    assert (
        fast.get("/v1/quotes?q=%22of%20the%22").json()
        == routes.get("/v1/quotes?q=%22of%20the%22").json()
    )
