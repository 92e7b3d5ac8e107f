"""The direct read path on PostgreSQL answers exactly as the routes do: the same pages,
cursors, totals, single quotes and ETags, and a write is seen at once."""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.config import Settings
from app.db import make_engine, session_scope
from app.keys import create_key
from app.main import create_app
from app.queries.fast import Unserved
from app.queries.fast_pg import _MATCH, _ONE, PgFastQuotes, page_sql
from app.queries.quotes import PG_LISTED
from app.queries.search import PAIR_INDEX, index_for, one_entry, parse_search, to_tsquery
from app.seed import load_seed
from app.store.transfer import copy_store
from app.store.upgrade import migrate
from app.synth.store import build

# The differential tests of the SQLite direct path, collected here again with this module's
# store: the two paths are held to the same answers by the same assertions.
from tests.api.test_fastlane import (  # noqa: F401
    declined,
    lane_of,
    test_cursors_walk_the_same_pages_and_work_across_paths,
    test_one_quote_is_the_same_either_way,
    test_quotation_cursors_work_across_paths,
    test_quotation_lists_are_the_same_on_either_path,
    test_the_direct_path_answers_as_the_routes_do,
)
from tests.conftest import settings_for
from tests.serving import served, store_env

pytestmark = pytest.mark.postgres_only  # the direct path on PostgreSQL


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The seed and three thousand synthetic quotes (made on SQLite, then copied across)."""
    folder = tmp_path_factory.mktemp("fastlane-pg")
    source = Settings(database_url=f"sqlite:///{folder / 'source.db'}")
    migrate(source)
    engine = make_engine(source)
    build(engine, 3000, seed=7)
    load_seed(engine, source.seed_dir)
    engine.dispose()
    settings = settings_for(folder / "pg")
    migrate(settings)
    origin, target = create_engine(source.database_url), make_engine(settings)
    copy_store(origin, target)
    origin.dispose()
    target.dispose()
    return settings


@pytest.fixture(scope="module")
def both(store: Settings) -> Iterator[tuple[TestClient, TestClient]]:
    fast = create_app(store.model_copy(update={"fast_lane": True}))
    routes = create_app(store.model_copy(update={"fast_lane": False}))
    with TestClient(fast) as a, TestClient(routes) as b:
        yield a, b


def test_the_direct_path_is_taken_on_postgresql(both: tuple[TestClient, TestClient]) -> None:
    fast, _ = both
    # The direct path answers from its own connections, without the framework's layers.
    assert type(lane_of(fast).reads).__name__ == "PgFastQuotes"


def test_the_direct_path_sees_a_write_at_once(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    migrate(settings)
    engine = make_engine(settings)
    load_seed(engine, settings.seed_dir)
    with session_scope(engine) as session:
        key = {"Authorization": f"Bearer {create_key(session, 'desk').token}"}
    engine.dispose()
    body = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/quotes?speaker=blinken").json()["total"] == 5
        created = client.post("/v1/quotes", json=body, headers=key).json()
        page = client.get("/v1/quotes?speaker=blinken&limit=100").json()
        assert page["total"] == 6 and created["id"] in [q["id"] for q in page["items"]]
        assert client.get(f"/v1/quotes/{created['id']}").headers["etag"] == '"1"'


def test_remembered_totals_and_names_follow_a_write_from_another_connection(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path)
    migrate(settings)
    engine = make_engine(settings)
    load_seed(engine, settings.seed_dir)
    with TestClient(create_app(settings)) as client:
        for _ in range(2):  # the second answer comes from the remembered total and names
            assert client.get("/v1/quotes?speaker=blinken").json()["total"] == 5
            assert client.get("/v1/quotes?q=escalation").json()["total"] == 3
        # Written behind the server's back, on another connection: a new name and a new quote.
        with session_scope(engine) as session:
            session.execute(
                text(
                    "INSERT INTO speaker_alias (speaker_id, key, alias) "
                    "VALUES ('antony-blinken', 'tony', 'Tony')"
                )
            )
            session.execute(
                text(
                    "INSERT INTO quote (article_id, speaker_id, kind, text, date, span_start, "
                    "span_end, created_at, origin, reviewed) SELECT article_id, speaker_id, "
                    "kind, text, date, span_start, span_end, created_at, origin, reviewed "
                    "FROM quote WHERE id = 7"
                )
            )
        assert client.get("/v1/quotes?speaker=blinken").json()["total"] == 6
        assert client.get("/v1/quotes?speaker=tony").json()["total"] == 6
        assert client.get("/v1/quotes?q=escalation").json()["total"] == 4
    engine.dispose()


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [plan, *(n for child in plan.get("Plans", []) for n in _nodes(child))]


def _tables(plan: dict[str, Any]) -> set[str]:
    return {n["Relation Name"] for n in _nodes(plan) if "Relation Name" in n}


def _rows_read(plan: dict[str, Any], table: str) -> int:
    """How many rows of ``table`` the plan's nodes read, over all their loops (those a
    filter then dropped included)."""
    return sum(
        (int(n["Actual Rows"]) + int(n.get("Rows Removed by Filter", 0))) * int(n["Actual Loops"])
        for n in _nodes(plan)
        if n.get("Relation Name") == table
    )


def test_a_page_is_joined_only_for_its_own_quotes_even_on_a_generic_plan(
    store: Settings,
) -> None:
    """The direct path's statements are prepared, and PostgreSQL soon plans them once for any
    values: then it cannot tell how many quotes a date range holds. The page is chosen on
    the quote table first, so whatever the plan, only its own quotes meet their articles."""
    engine = make_engine(store)
    with engine.connect() as connection:
        speaker, quotes = connection.execute(
            text("SELECT speaker_id, count(*) FROM quote GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
        ).one()
        assert quotes > 100
        sql = page_sql(["q.speaker_id = %s", "q.date >= %s", "q.date <= %s"], True)
        for n in range(1, 5):
            sql = sql.replace("%s", f"${n}", 1)
        connection.execute(text("SET plan_cache_mode = force_generic_plan"))
        connection.exec_driver_sql(f"PREPARE page(text, date, date, int) AS {sql}")
        assert speaker.replace("-", "").isalnum()  # written into the statement as it is
        plan = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, FORMAT JSON)"
            f" EXECUTE page('{speaker}', '1900-01-01', '2999-12-31', 21)"
        ).scalar_one()
    engine.dispose()
    top = plan[0]["Plan"]
    assert _rows_read(top, "article") <= 21
    # Whatever the statistics: the limit is taken on the quotes before any article is read.
    assert any(
        _tables(node) == {"quote"} for node in _nodes(top) if node["Node Type"] == "Limit"
    ), top


def test_quotes_by_id_look_up_their_outlets_by_key(store: Settings) -> None:
    """Quotes by id are the hottest read there is. Joined, a quote's outlet was found by
    hashing every outlet of the store; asked for in a subquery at PostgreSQL's default costs,
    by scanning them all for each quote. On the direct path's own connections, the statement
    is planned once for any ids, and each quote reads its publisher and its outlet alone."""
    reads = PgFastQuotes(store.database_url, 1000)
    with psycopg.connect(reads.conninfo, autocommit=True, options=reads.loop_options) as connection:
        ids, outlets = connection.execute(
            "SELECT (SELECT array_agg(id) FROM (SELECT id FROM quote WHERE outlet_id IS NOT NULL"
            " ORDER BY id LIMIT 6) o) || (SELECT array_agg(id) FROM (SELECT id FROM quote"
            " WHERE outlet_id IS NULL ORDER BY id LIMIT 6) n), (SELECT count(*) FROM outlet)"
        ).fetchone() or (None, 0)
        assert len(ids) == 12 and outlets > 2
        connection.execute("ANALYZE")  # as autovacuum leaves a store in use
        connection.execute(f"PREPARE one(bigint[]) AS {_ONE.replace('%s', '$1')}")
        plans = []
        for run in range(6):  # past the custom plans PostgreSQL may try before a generic one
            asked = ",".join(str(int(n)) for n in ids[: 1 + run * 2])
            explained = connection.execute(
                f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE one(ARRAY[{asked}]::bigint[])"
            ).fetchone()
            assert explained is not None
            plans.append(explained[0][0]["Plan"])
        # Planned once for any ids: planned afresh each time, it cost PostgreSQL more than
        # the read (a list of ids is estimated anew by its length).
        planned = connection.execute(
            "SELECT custom_plans FROM pg_prepared_statements WHERE name = 'one'"
        ).fetchone()
        assert planned == (0,)
    for top in plans:
        outlet_reads = [n for n in _nodes(top) if n.get("Relation Name") == "outlet"]
        assert len(outlet_reads) == 2, top  # the publisher and the quote's outlet
        for node in outlet_reads:
            assert node["Node Type"] in ("Index Scan", "Index Only Scan"), node
            assert node["Index Cond"].startswith("((id)::text ="), node


def test_one_quote_is_read_on_the_event_loop_without_a_worker_thread(store: Settings) -> None:
    with TestClient(create_app(store)) as client:
        lane = lane_of(client)
        answers = [client.get(f"/v1/quotes/{n}") for n in (1, 2, 1, 999_999)]
        assert [a.status_code for a in answers] == [200, 200, 200, 404]
        assert answers[0].json() == answers[2].json() and answers[0].json()["id"] == 1
        assert answers[3].headers["content-type"] == "application/problem+json"
        assert lane.reads.loop_pool is not None
        assert not lane.pool._threads  # no worker thread was needed
    assert lane.reads.loop_pool is None  # closed with the app


def test_one_quote_is_answered_after_its_connections_are_cut(store: Settings) -> None:
    """A database restart or a dropped connection: the first answer after it comes through
    the routes, and the pool makes new connections for the next."""
    engine = make_engine(store)
    with TestClient(create_app(store)) as client:
        first = client.get("/v1/quotes/16")
        assert first.status_code == 200
        with engine.connect() as connection:
            cut = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        assert cut >= 1
        for _ in range(3):
            again = client.get("/v1/quotes/16")
            assert again.status_code == 200
            assert again.json() == first.json() and again.headers["etag"] == first.headers["etag"]
    engine.dispose()


def test_quotes_asked_for_at_one_moment_are_read_in_one_statement(store: Settings) -> None:
    """Many requests for quotes by id at once: the direct path reads them together, each
    answer its own quote, a missing one still the routes' 404."""
    with TestClient(create_app(store)) as client:
        reads = lane_of(client).reads
        fetch, sizes = reads.by_id.fetch, []

        async def counted(ids: list[int]) -> Any:
            sizes.append(len(ids))
            return await fetch(ids)

        reads.by_id.fetch = counted
        wanted = [5, 1, 999_999, 5, 40, 2, *range(100, 124)]

        async def at_once() -> list[Any]:
            asked = (reads.one_on_loop(n) for n in wanted)
            return await asyncio.gather(*asked, return_exceptions=True)

        answers = client.portal.call(at_once)
        assert sizes == [len(set(wanted))]  # one statement, each id once
        for n, answer in zip(wanted, answers, strict=True):
            if n == 999_999:
                assert isinstance(answer, Unserved)
                continue
            body, version = answer
            alone = client.get(f"/v1/quotes/{n}", headers={"Accept": "application/json"})
            assert orjson.loads(body) == alone.json()
            assert f'"{version}"' == alone.headers["etag"]


def test_concurrent_requests_by_id_over_http_each_get_their_own_quote(
    store: Settings, tmp_path: Path
) -> None:
    """Over real HTTP, with many connections at once (where gathering happens), every answer
    is the quote asked for, with its ETag, and an unknown id a problem response."""
    env = {**store_env(tmp_path), "SAIDWHO_DATABASE_URL": store.database_url}
    wanted = list(range(1, 121)) + [999_990 + n for n in range(6)]
    with served(env, tmp_path / "serve.log") as base:
        expected = {n: httpx.get(f"{base}/v1/quotes/{n}") for n in wanted}

        async def at_once() -> list[httpx.Response]:
            limits = httpx.Limits(max_connections=40)
            async with httpx.AsyncClient(base_url=base, limits=limits) as client:
                return await asyncio.gather(*(client.get(f"/v1/quotes/{n}") for n in wanted * 3))

        answers = asyncio.run(at_once())
    for n, answer in zip(wanted * 3, answers, strict=True):
        assert answer.status_code == expected[n].status_code
        assert answer.content == expected[n].content
        assert answer.headers.get("etag") == expected[n].headers.get("etag")
    assert sum(a.status_code == 404 for a in answers) == 18


@pytest.mark.parametrize("q", ['"the of"', '"of the"', '"the of the"', '"the the" OR "of a"'])
@pytest.mark.parametrize("sort", ["-date", "date"])
@pytest.mark.parametrize("few", [PG_LISTED, 5])
def test_a_listed_phrase_pages_in_date_order_both_ways_on_both_paths(
    store: Settings,
    both: tuple[TestClient, TestClient],
    q: str,
    sort: str,
    few: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A search's few matches are listed once with their dates and each page cut from the
    list: every match once, in date-then-id order, page after page, as the routes give.
    With the few-matches list lowered (``few``), a two-word phrase, one entry of the index,
    is still listed, up to the exact-total threshold; a longer search is walked instead."""
    import app.queries.fast_pg as fast_pg_module
    import app.queries.quotes as quotes_module

    monkeypatch.setattr(quotes_module, "PG_LISTED", few)
    monkeypatch.setattr(fast_pg_module, "PG_LISTED", few)
    reads = lane_of(both[0]).reads
    reads.matched.clear()
    engine = make_engine(store)
    direction = "DESC" if sort == "-date" else "ASC"
    index, terms = index_for(parse_search(q))
    with engine.connect() as connection:
        expected = list(
            connection.exec_driver_sql(
                f"SELECT id FROM quote q WHERE {_MATCH[index]}"
                f" ORDER BY date {direction}, id {direction}",
                (to_tsquery(terms, set()),),
            ).scalars()
        )
    engine.dispose()
    assert 14 < len(expected) <= PG_LISTED
    for client in both:
        seen, cursor, totals = [], None, set()
        while True:
            params = {"q": q, "sort": sort, "limit": 7, **({"cursor": cursor} if cursor else {})}
            page = client.get("/v1/quotes", params=params).json()
            seen += [item["id"] for item in page["items"]]
            totals.add(page["total"])
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert seen == expected
        assert totals == {len(expected)}
    index, terms = index_for(parse_search(q))
    match = to_tsquery(terms, set())
    remembered = reads.matched.get((index, match, one_entry(match)))
    listed = one_entry(match) or few == PG_LISTED
    assert (remembered is not None and len(remembered) == len(expected)) is listed


class _Traced:
    """A psycopg connection that notes every statement it is given."""

    def __init__(self, connection: Any) -> None:
        self.connection, self.statements = connection, []

    def execute(self, statement: str, params: Any = None) -> Any:
        self.statements.append(statement)
        return self.connection.execute(statement, params)


def test_a_common_phrase_alone_is_estimated_alike_on_both_paths_without_a_count(
    store: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A two-word phrase is one entry of the phrase index, whose own statistics the planner
    reads: past twice the threshold its estimate stands, on either path, and no count runs
    (the capped count of a phrase in 10,000-100,000 quotes cost 11 ms at a million)."""
    import app.queries.fast_pg as fast_pg_module
    import app.queries.quotes as quotes_module

    monkeypatch.setattr(quotes_module, "PG_LISTED", 5)  # so the small store has such a phrase
    monkeypatch.setattr(fast_pg_module, "PG_LISTED", 5)
    engine = make_engine(store)
    _, terms = index_for(parse_search('"of the"'))
    match = to_tsquery(terms, set())
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE quote")
        connection.commit()
        planned = connection.exec_driver_sql(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM quote q WHERE q.pairs @@ %s::tsquery", (match,)
        ).scalar_one()[0]["Plan"]["Plan Rows"]
        counted = connection.exec_driver_sql(
            "SELECT count(*) FROM quote q WHERE q.pairs @@ %s::tsquery", (match,)
        ).scalar_one()
    engine.dispose()
    up_to = min(planned, counted) // 3  # past twice the threshold, short of ten times
    assert up_to >= 5 and planned > 2 * up_to
    reads = fast_pg_module.PgFastQuotes(store.database_url, 5000, up_to)
    try:
        traced = _Traced(reads._connection())
        assert reads._estimated_total(traced, [_MATCH[PAIR_INDEX]], [match]) == (planned, False)
        assert not any("count(" in s for s in traced.statements)
    finally:
        reads.close()
    settings = store.model_copy(update={"exact_total_up_to": up_to})
    totals = []
    for fast_lane in (True, False):
        with TestClient(create_app(settings.model_copy(update={"fast_lane": fast_lane}))) as c:
            page = c.get("/v1/quotes", params={"q": '"of the"'}).json()
        totals.append((page["total"], page["total_is_exact"]))
    assert totals == [(planned, False), (planned, False)]


def test_a_listed_search_past_a_low_threshold_is_estimated_alike_on_both_paths(
    store: Settings,
) -> None:
    """With the threshold set below the thousand a search is listed up to, the list's length
    is not an exact total to give: it is estimated as any other list, on either path."""
    settings = store.model_copy(update={"exact_total_up_to": 10})
    pages = []
    for fast_lane in (True, False):
        with TestClient(create_app(settings.model_copy(update={"fast_lane": fast_lane}))) as c:
            pages.append(c.get("/v1/quotes", params={"q": '"of the"', "limit": 3}).json())
    fast, routes = pages
    assert fast["items"] == routes["items"]
    assert (fast["total"], fast["total_is_exact"]) == (routes["total"], routes["total_is_exact"])
    assert fast["total"] > 10 and fast["total_is_exact"] is False
