"""The direct read path answers exactly as the routes do: same pages, same cursors, same
totals, and whatever it does not serve reaches the routes untouched."""

import datetime as dt
import itertools
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from app.api.fastlane import QuoteFastLane
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.queries.fast import FastQuotes, OverSlice
from app.queries.quote_filters import QuoteQuery
from app.queries.search import PAIR_INDEX, index_for, parse_search, to_fts5
from app.seed import load_seed
from app.store.upgrade import migrate
from app.synth.store import build
from tests.conftest import settings_for

pytestmark = pytest.mark.sqlite_only  # the direct read path is SQLite's


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The seed and three thousand synthetic quotes, so pages, ties and searches are real."""
    settings = settings_for(tmp_path_factory.mktemp("fastlane"))
    migrate(settings)
    engine = make_engine(settings)
    build(engine, 3000, seed=7)
    load_seed(engine, settings.seed_dir)
    engine.dispose()
    return settings


@pytest.fixture(scope="module")
def both(store: Settings) -> Iterator[tuple[TestClient, TestClient]]:
    fast = create_app(store.model_copy(update={"fast_lane": True}))
    routes = create_app(store.model_copy(update={"fast_lane": False}))
    with TestClient(fast) as a, TestClient(routes) as b:
        yield a, b


def walk_across(both: tuple[TestClient, TestClient], url: str) -> None:
    """Follows the cursors of ``url`` to the end, each page from the two paths in turn: every
    page the same on both, every item once, as many as the total says."""
    fast, routes = both
    seen: list[int] = []
    cursor = None
    for client in itertools.cycle([fast, routes]):
        suffix = f"&cursor={cursor}" if cursor else ""
        page = client.get(f"{url}{suffix}").json()
        other = (routes if client is fast else fast).get(f"{url}{suffix}").json()
        assert page == other
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == page["total"]


SERVED = [
    "", "limit=1", "limit=100", "sort=date", "sort=-date&limit=7",
    "speaker=speaker-000001", "speaker=speaker-000001&speaker=speaker-000002&limit=50",
    "speaker=Blinken", "speaker=antony-blinken&kind=direct", "speaker=unnamed%20U.S.%20official",
    "outlet=cbs-news", "outlet=outlet-001&since=2020-01-01&until=2021-12-31",
    "publisher=upi", "publisher=outlet-002&sort=date", "kind=partial&kind=indirect",
    "since=2024-05-01&until=2024-05-31", "since=2030-01-01", "article=1", "article=5",
    "q=escalation", "q=%22direct%20escalation%22", "q=the&limit=30", "q=said&sort=date",
    "q=escal*", "q=%20%20", "q=%22%22", "q=the%20state&speaker=speaker-000003",
    "speaker=Lord%20Cameron&since=2024-01-01&sort=date", "origin=seed",
    "origin=extracted&origin=manual", "reviewed=true", "reviewed=false&kind=direct",
    "since=2024-05-31&until=2024-05-31", "outlet=CBS%20News&reviewed=false&origin=seed",
    "speaker_kind=anonymous", "speaker_kind=person&speaker_kind=organization&kind=direct",
]  # fmt: skip
# Not for the direct path: the routes answer, and both must still agree.
DECLINED = [
    "speaker=nobody", "since=31%20May", "limit=0", "limit=101", "kind=quoted", "sort=relevance",
    "q=escalation&sort=relevance", "cursor=garbage", "format=csv", "speaker=", "article=0",
    "limit=abc", "speaker=blinken&speaker=", "unknown=1", "reviewed=1", "reviewed=maybe",
    "origin=robot", "since=2024-06-01&until=2024-05-01", "since=2024-01-01&since=2024-02-01",
    "q=a&q=b", "speaker=%20", "speaker_kind=ghost", "article=99999", "limit=%EF%BC%91",
    "cursor=%21%21", "sort=", "limit=", "q=a&sort=",
]  # fmt: skip


def lane_of(client: TestClient) -> QuoteFastLane:
    """The direct read path of a started client's app."""
    layer: Any = client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(layer, QuoteFastLane):
        layer = layer.app
    return layer


def handed_to_routes(client: TestClient) -> list[str]:
    """The paths of the requests the direct path hands to the routes from now on."""
    lane = lane_of(client)
    handed: list[str] = []
    routes = lane.app

    async def counted(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            handed.append(scope["path"])
        await routes(scope, receive, send)

    lane.app = counted
    return handed


@pytest.fixture(scope="module")
def declined(both: tuple[TestClient, TestClient]) -> list[str]:
    """The paths of the requests the direct path handed to the routes, as they happen."""
    return handed_to_routes(both[0])


@pytest.mark.parametrize(
    ("query", "served"), [(q, True) for q in SERVED] + [(q, False) for q in DECLINED]
)
def test_the_direct_path_answers_as_the_routes_do(
    both: tuple[TestClient, TestClient], declined: list[str], query: str, served: bool
) -> None:
    fast, routes = both
    before = len(declined)
    a, b = fast.get(f"/v1/quotes?{query}"), routes.get(f"/v1/quotes?{query}")
    # The direct path served what it should and handed on the rest: one that declined
    # everything would otherwise pass, the routes answering for it.
    assert (len(declined) == before) is served, declined[before:]
    assert (a.status_code, a.headers["content-type"]) == (b.status_code, b.headers["content-type"])
    if a.headers["content-type"].startswith("application/json"):
        assert a.json() == b.json()
    else:
        assert a.text == b.text


QUOTATIONS_SERVED = [
    "", "limit=1", "limit=100", "sort=date", "sort=reports", "sort=reports&limit=3",
    "speaker=speaker-000001", "speaker=speaker-000001&speaker=speaker-000002&sort=reports",
    "speaker=Blinken", "speaker=unnamed%20U.S.%20official&sort=date",
    "since=2020-01-01&until=2021-12-31", "speaker=speaker-000003&since=2024-01-01", "q=%20",
]  # fmt: skip
# For the routes: filters on reports, bad values, unknown names and parameters.
QUOTATIONS_DECLINED = [
    "outlet=cbs-news", "q=escalation", "kind=partial", "publisher=upi", "speaker=nobody",
    "sort=loudest", "limit=0", "since=May", "cursor=garbage", "speaker=", "unknown=1",
    "origin=seed", "reviewed=false", "article=1", "sort=-reports",
    "since=2024-06-01&until=2024-05-01", "sort=", "limit=",
]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "served"),
    [(q, True) for q in QUOTATIONS_SERVED] + [(q, False) for q in QUOTATIONS_DECLINED],
)
def test_quotation_lists_are_the_same_on_either_path(
    both: tuple[TestClient, TestClient], declined: list[str], query: str, served: bool
) -> None:
    fast, routes = both
    before = len(declined)
    a, b = fast.get(f"/v1/quotations?{query}"), routes.get(f"/v1/quotations?{query}")
    assert (len(declined) == before) is served, declined[before:]
    assert (a.status_code, a.headers["content-type"]) == (b.status_code, b.headers["content-type"])
    assert a.json() == b.json()


@pytest.mark.parametrize(
    "query", ["limit=37", "sort=reports&limit=11", "speaker=speaker-000001&limit=9&sort=date"]
)
def test_quotation_cursors_work_across_paths(
    both: tuple[TestClient, TestClient], query: str
) -> None:
    walk_across(both, f"/v1/quotations?{query}")


@pytest.mark.parametrize("path", ["1", "16", "3000", "3016", "3017", "999999", "0", "-1", "x"])
def test_one_quote_is_the_same_either_way(both: tuple[TestClient, TestClient], path: str) -> None:
    fast, routes = both
    a, b = fast.get(f"/v1/quotes/{path}"), routes.get(f"/v1/quotes/{path}")
    assert a.status_code == b.status_code
    assert a.json() == b.json()
    assert a.headers.get("etag") == b.headers.get("etag")


@pytest.mark.parametrize(
    "query", ["limit=37", "speaker=speaker-000001&limit=9&sort=date", "q=the&limit=50"]
)
def test_cursors_walk_the_same_pages_and_work_across_paths(
    both: tuple[TestClient, TestClient], query: str
) -> None:
    walk_across(both, f"/v1/quotes?{query}")


def test_the_direct_path_sees_a_write_at_once(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    migrate(settings)
    engine = make_engine(settings)
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/quotes").json()["total"] == 0
        load_seed(engine, settings.seed_dir)
        assert client.get("/v1/quotes").json()["total"] == 16
        assert client.get("/v1/quotes?speaker=blinken").json()["total"] == 5
    engine.dispose()


def test_a_remembered_search_sees_a_new_quote(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    migrate(settings)
    engine = make_engine(settings)
    search = {"q": '"direct escalation"'}
    with TestClient(create_app(settings)) as client:
        for _ in range(2):  # asked twice: the second answer comes from the remembered ids
            assert client.get("/v1/quotes", params=search).json()["total"] == 0
        load_seed(engine, settings.seed_dir)
        page = client.get("/v1/quotes", params=search).json()
        assert [quote["speaker"]["id"] for quote in page["items"]] == ["dmitry-peskov"]
    engine.dispose()


def test_with_remembering_off_the_direct_path_answers_alike_and_keeps_nothing(
    store: Settings, both: tuple[TestClient, TestClient]
) -> None:
    """What the speed bench's "remembered answers off" rows measure: every request does all
    its work, and answers as the general path does."""
    lane = QuoteFastLane(
        create_app(store), database_url=store.database_url, budget_ms=3000, workers=1,
        remember=False,
    )  # fmt: skip
    reads = lane.reads
    assert isinstance(reads, FastQuotes) and reads.remember is False
    _, routes = both
    for q in ('"of the"', '"the of the"', "the", "escalation", "speaker-000001"):
        for _ in range(2):
            body = orjson.loads(reads.page(QuoteQuery(q=q), 20, None))
            assert body == routes.get("/v1/quotes", params={"q": q}).json(), q
    body = orjson.loads(reads.page(QuoteQuery(speakers=("speaker-000001",)), 20, None))
    assert body["total"] == routes.get("/v1/quotes?speaker=speaker-000001").json()["total"]
    kept = (reads.totals, reads.searches, reads.matched, reads.many_matched, reads.names)
    assert not any(kept) and not reads.documents


def test_a_slice_that_ran_out_after_its_query_does_not_stop_the_next_query(
    store: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.queries.fast

    # The clock is checked at every step, so any statement run under a past deadline stops.
    monkeypatch.setattr(app.queries.fast, "PROGRESS_OPS", 1)
    reads = FastQuotes(store.database_url.split("///", 1)[1], budget_ms=3000)
    assert orjson.loads(reads.one(1, slice_s=0.5)[0])["id"] == 1
    time.sleep(0.6)  # that slice is now over; the next query has its own clock
    assert orjson.loads(reads.one(2)[0])["id"] == 2
    with pytest.raises(OverSlice):
        reads.page(QuoteQuery(q="the", sort="date"), 20, None, slice_s=0.0)
    assert orjson.loads(reads.page(QuoteQuery(q="the", sort="date"), 20, None))["items"]


def test_a_query_past_its_budget_is_a_503_on_either_path(
    store: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.api.fastlane

    monkeypatch.setattr(app.api.fastlane, "SLICE_S", 0.0)
    for fast_lane in (True, False):
        # A budget of nothing: every query is stopped at SQLite's first progress check.
        settings = store.model_copy(update={"fast_lane": fast_lane, "query_budget_ms": 0})
        with TestClient(create_app(settings)) as client:
            answer = client.get("/v1/quotes", params={"q": "the", "sort": "date"})
        assert answer.status_code == 503, fast_lane
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"] == "/problems/query-timeout"
        assert answer.headers["retry-after"] == "1"


@pytest.mark.parametrize(
    "query", ["q=the", "q=the%20said&sort=date", "q=%22of%20the%22", "q=the&sort=relevance"]
)
def test_common_searches_walk_the_date_order_and_find_the_same_quotes(
    both: tuple[TestClient, TestClient], query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.queries.search

    fast, routes = both
    listed = routes.get(f"/v1/quotes?{query}&limit=100").json()
    # Any word now counts as common: both paths take the walk-and-check plan.
    monkeypatch.setattr(app.queries.search, "COMMON_FLOOR", 0)
    monkeypatch.setattr(app.queries.search, "COMMON_SHARE", 0.0)
    walked_fast = fast.get(f"/v1/quotes?{query}&limit=100&since=1900-01-01").json()
    walked_routes = routes.get(f"/v1/quotes?{query}&limit=100&since=1900-01-01").json()
    assert walked_fast == walked_routes
    assert walked_fast["total"] == listed["total"]
    if "relevance" not in query:
        assert [q["id"] for q in walked_fast["items"]] == [q["id"] for q in listed["items"]]


def test_the_direct_path_answers_its_own_503_without_running_the_query_again(
    store: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import app.api.fastlane

    monkeypatch.setattr(app.api.fastlane, "SLICE_S", 0.0)
    settings = store.model_copy(update={"query_budget_ms": 0})
    with TestClient(create_app(settings)) as client, caplog.at_level("ERROR"):
        answer = client.get("/v1/quotes", params={"q": "the", "sort": "date"})
    assert answer.status_code == 503
    # A fault on the direct path is logged and handed to the routes; a spent budget is neither.
    assert not [r for r in caplog.records if "direct read path failed" in r.getMessage()]


def test_the_direct_path_itself_serves_a_speakers_quotations(
    store: Settings, both: tuple[TestClient, TestClient]
) -> None:
    """Called directly, so the differential tests above cannot pass by the direct path
    handing everything to the routes."""
    from app.queries.quotations import QuotationQuery

    reads = FastQuotes(store.database_url.split("///", 1)[1], budget_ms=3000)
    query = QuotationQuery(speakers=("speaker-000001",), sort="reports")
    body = orjson.loads(reads.quotations(query, 5, None))
    _, routes = both
    assert body == routes.get("/v1/quotations?speaker=speaker-000001&sort=reports&limit=5").json()
    assert body["total"] > 5 and body["next_cursor"]


def test_a_phrase_with_many_matches_is_remembered_and_walked_in_date_order(
    store: Settings, both: tuple[TestClient, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the few-matches list (lowered here so the small store has such a phrase), a
    phrase's ids are remembered too, and its page walks the date index against them. (With no
    other filter, a phrase is read off the phrase index in date order instead.)"""
    import app.queries.fast as fast_module

    monkeypatch.setattr(fast_module, "MATCHED_IDS", 5)
    reads = FastQuotes(store.database_url.split("///", 1)[1], budget_ms=3000)
    query = QuoteQuery(q='"the of the"', since=dt.date(2000, 1, 1))
    body = orjson.loads(reads.page(query, 20, None))
    _, routes = both
    assert body == routes.get("/v1/quotes?q=%22the%20of%20the%22&since=2000-01-01").json()
    index, terms = index_for(parse_search('"the of the"'))
    remembered = reads.many_matched[(index, to_fts5(terms))]
    assert index == PAIR_INDEX
    assert remembered is not None and len(remembered) == body["total"] > 5
    # Asked again, the page is answered from the remembered ids.
    assert orjson.loads(reads.page(query, 20, None)) == body


@pytest.mark.parametrize("q", ['"the of"', '"of the"', '"the of the"', '"the the" OR "of a"'])
@pytest.mark.parametrize("sort", ["-date", "date"])
def test_a_phrase_alone_pages_in_date_order_both_ways_on_both_paths(
    store: Settings, both: tuple[TestClient, TestClient], q: str, sort: str
) -> None:
    """Read off the phrase index in its own order (keys by date, then id), page by page and
    back, every match once, in the order the word index and a sort give."""
    path = store.database_url.split("///", 1)[1]
    with sqlite3.connect(path) as connection:
        direction = "DESC" if sort == "-date" else "ASC"
        expected = [
            row[0]
            for row in connection.execute(
                "SELECT id FROM quote WHERE id IN (SELECT rowid FROM quote_fts WHERE quote_fts "
                f"MATCH ?) ORDER BY date {direction}, id {direction}",
                (to_fts5(parse_search(q)),),
            )
        ]
    assert len(expected) > 14
    for client in both:
        seen, cursors, cursor = [], [], None
        while True:
            params = {"q": q, "sort": sort, "limit": 7, **({"cursor": cursor} if cursor else {})}
            page = client.get("/v1/quotes", params=params).json()
            cursors.append(cursor)
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert seen == expected
        # And back from the last page to the first.
        back = client.get("/v1/quotes", params={"q": q, "sort": sort, "limit": 7,
                                                "cursor": page["prev_cursor"]}).json()  # fmt: skip
        assert [item["id"] for item in back["items"]] == expected[
            -len(page["items"]) - 7 : -len(page["items"])
        ]
