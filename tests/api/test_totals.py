"""Totals: exact where counting is cheap; on PostgreSQL, past a threshold, the planner's
estimate, flagged ``total_is_exact: false``, the same on both read paths."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.queries.quotes import pg_total
from app.queries.search import index_for, one_entry, parse_search, to_tsquery
from app.queries.totals import extrapolated, plainly_many


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


def test_sqlite_estimates_past_the_threshold_alike_on_both_paths(
    clients: tuple[TestClient, TestClient],
) -> None:
    from tests.conftest import POSTGRES

    if POSTGRES:
        pytest.skip("SQLite's own behaviour")
    fast, routes = clients
    for client in clients:
        page = client.get("/v1/quotes").json()
        assert page["total_is_exact"] is False and page["total"] >= 6
        assert len(page["items"]) == 16  # the page itself is whole
        few = client.get("/v1/quotes", params={"q": "escalation"}).json()
        assert few["total_is_exact"] is True and few["total"] <= 5
        many = client.get("/v1/quotes", params={"q": "the"}).json()
        assert many["total_is_exact"] is False and many["total"] >= 6
        cameron = client.get("/v1/quotes", params={"speaker": "cameron"}).json()
        assert (cameron["total"], cameron["total_is_exact"]) == (3, True)
    for path in ("/v1/quotes", "/v1/quotes?q=the", "/v1/quotes?q=%22of%20the%22",
                 "/v1/quotes?q=the&speaker=blinken", "/v1/quotes?kind=direct"):  # fmt: skip
        assert fast.get(path).json() == routes.get(path).json(), path


def test_a_threshold_of_zero_counts_every_total_on_sqlite(
    settings: Settings, seeded: object
) -> None:
    exact = settings.model_copy(update={"exact_total_up_to": 0})
    for fast_lane in (True, False):
        with TestClient(create_app(exact.model_copy(update={"fast_lane": fast_lane}))) as client:
            page = client.get("/v1/quotes").json()
        assert (page["total"], page["total_is_exact"]) == (16, True)


@pytest.mark.parametrize(
    ("counted", "newest", "back", "kept", "expected"),
    [
        # 10,001 quotes over the newest 100 days; the 100 oldest are in by day 1,000 back:
        # the same rate over 1,000 days, and the hundred set aside.
        (10_001, "2024-12-31", "2024-09-23", "2022-04-07", 100_110),
        # Everything counted lies within the span: no more than counted and those set aside.
        (10_001, "2024-12-31", "2024-01-01", "2024-01-01", 10_101),
        # A hundred quotes dated decades back do not stretch the span they are not part of.
        (10_001, "2024-12-31", "2024-12-22", "2024-12-22", 10_101),
    ],
)
def test_the_estimate_carries_the_newest_rate_back_to_the_oldest_kept_date(
    counted: int, newest: str, back: str, kept: str, expected: int
) -> None:
    assert extrapolated(counted, newest, back, kept) == expected


@pytest.mark.postgres_only
def test_a_list_the_planner_expects_far_past_the_threshold_is_not_counted(
    seeded: Engine,
) -> None:
    """Counting 10,001 matches of a common word pair read as many rows (22 ms at a million
    quotes): past ten times the threshold, the planner's estimate stands, flagged."""
    with seeded.connect() as connection:
        connection.execute(sa.text("ANALYZE quote"))
        connection.commit()
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(seeded, "before_cursor_execute", seen)
    try:
        with Session(seeded) as session:
            assert pg_total(session, [], {}, exact_up_to=1) == (16, False)  # 16 > 10 x 1
            assert not any("count(" in s for s in statements)
            statements.clear()
            assert pg_total(session, [], {}, exact_up_to=2) == (16, False)  # 16 < 10 x 2
            assert any("count(" in s for s in statements)  # counted, then estimated
    finally:
        event.remove(seeded, "before_cursor_execute", seen)


def test_only_an_estimate_ten_times_the_threshold_stands_uncounted() -> None:
    assert plainly_many(100_001, 10_000) and not plainly_many(100_000, 10_000)
    assert not plainly_many(10**9, 0)  # a threshold of 0 counts everything


def test_a_search_of_one_index_entry_alone_stands_uncounted_past_twice_the_threshold() -> None:
    assert plainly_many(20_001, 10_000, one_entry=True)
    assert not plainly_many(20_000, 10_000, one_entry=True)
    assert not plainly_many(10**9, 0, one_entry=True)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('"of the"', True),  # one entry of the phrase index
        ("the", True),  # a word with no other form held
        ('"one of the"', False),  # two entries, one after the other
        ('"a b" OR "c d"', False),
        ("blinken peskov", False),  # an AND: the planner multiplies guesses
        ("strik*", False),  # a prefix reads many entries
    ],
)
def test_one_entry_is_a_single_lexeme_with_no_operator(q: str, expected: bool) -> None:
    _, terms = index_for(parse_search(q))
    assert one_entry(to_tsquery(terms, set())) is expected
