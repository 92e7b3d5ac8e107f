"""``/v1/suggest``: speakers, outlets and phrases for a search being typed, on both stores."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.config import Settings
from app.db import make_engine, time_box
from app.main import create_app
from app.queries.fast import FastQuotes, _Typing
from app.queries.fast_pg import PgFastQuotes, _PgTyping
from app.queries.search import SearchTerm
from app.queries.typeahead import _phrase_search, read_typed
from tests.api.test_fastlane import handed_to_routes


def suggested(client: TestClient, q: str, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/suggest", params={"q": q, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("q", "speaker"),
    [
        ("blin", "antony-blinken"),  # a surname's start
        ("Antony B", "antony-blinken"),  # the name's start, across a space
        ("PESK", "dmitry-peskov"),
        ("kremlin spo", "dmitry-peskov"),  # an alias ("Kremlin spokesman ...")
        ("cameron", "david-cameron"),
    ],
)
def test_a_speaker_is_offered_by_the_start_of_any_word_of_a_name(
    api: TestClient, q: str, speaker: str
) -> None:
    assert speaker in [item["id"] for item in suggested(api, q)["speakers"]]


def test_an_outlet_is_offered_and_a_name_that_does_not_start_so_is_not(api: TestClient) -> None:
    body = suggested(api, "up")
    assert [item["id"] for item in body["outlets"]] == ["upi"]
    assert suggested(api, "linken")["speakers"] == []  # inside a word is not a start


def test_a_phrase_is_completed_from_the_quotes(api: TestClient) -> None:
    body = suggested(api, "direct ESC")
    assert body["phrases"] == ["direct escalation"]
    assert body["phrases_complete"] is True
    # What it offers finds quotes.
    found = api.get("/v1/quotes", params={"q": f'"{body["phrases"][0]}"'}).json()
    assert found["total"] >= 1


def test_after_a_space_the_next_words_are_offered(api: TestClient) -> None:
    phrases = suggested(api, "strikes ")["phrases"]
    assert "strikes inside" in phrases
    assert all(phrase.startswith("strikes ") and len(phrase.split()) == 2 for phrase in phrases)


def test_one_short_prefix_offers_names_only(api: TestClient) -> None:
    body = suggested(api, "u")
    assert body["phrases"] == [] and body["phrases_complete"] is True
    assert any(item["id"] == "upi" for item in body["outlets"])


def test_limit_bounds_each_kind(api: TestClient) -> None:
    body = suggested(api, "the ", limit=2)
    assert len(body["phrases"]) == 2 and len(body["speakers"]) <= 2


def test_a_word_alone_is_completed_by_names_only(api: TestClient) -> None:
    body = suggested(api, "escal")
    assert body["phrases"] == [] and body["phrases_complete"] is True


def test_after_a_word_in_thousands_of_quotes_a_short_start_tries_no_phrase_on_sqlite(
    api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A prefix search for "the b" would merge most of the phrase index, and SQLite cannot
    stop that half-way: the answer says phrases were left out. After a space the words are
    searched as they stand, which costs the same however common they are. (Lowered here so
    the seed has such a word.)"""
    import app.queries.typeahead as typeahead

    if api.app.state.engine.dialect.name == "postgresql":  # type: ignore[attr-defined]
        pytest.skip("PostgreSQL's time box stops the search itself")
    monkeypatch.setattr(typeahead, "COMMON_WORD", 3)
    body = suggested(api, "the b")
    assert body["phrases"] == [] and body["phrases_complete"] is False
    assert suggested(api, "the bat")["phrases"] == ["the battlefield"]  # three letters on: few
    after_space = suggested(api, "the ")
    assert "the battlefield" in after_space["phrases"] and after_space["phrases_complete"]
    assert suggested(api, "direct ")["phrases"] == ["direct escalation"]


def test_after_a_space_the_words_are_searched_as_they_stand(api: TestClient) -> None:
    """Not as a prefix of any next word: that merges every pair the last word starts."""
    assert "strikes inside" in suggested(api, "strikes ")["phrases"]
    assert "strikes inside of" in suggested(api, "strikes inside ")["phrases"]
    assert _phrase_search(read_typed("strikes inside ")) == SearchTerm(("strikes", "inside"))
    assert _phrase_search(read_typed("strikes ins")) == SearchTerm(("strikes", "ins"), prefix=True)


def test_a_name_with_a_wildcard_character_is_matched_literally(api: TestClient) -> None:
    assert suggested(api, "%")["speakers"] == []
    assert suggested(api, "_")["outlets"] == []


@pytest.mark.parametrize(
    ("params", "name"),
    [({"q": ""}, "q"), ({"q": "x" * 101}, "q"), ({"q": "a", "limit": 11}, "limit")],
)
def test_bad_input_is_a_problem_naming_the_parameter(
    api: TestClient, params: dict[str, Any], name: str
) -> None:
    response = api.get("/v1/suggest", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["parameter"] == name


def test_suggest_is_in_the_openapi_document(api: TestClient) -> None:
    operation = api.get("/openapi.json").json()["paths"]["/v1/suggest"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "limit"}


def test_typed_text_is_read_as_words_with_the_last_one_partial() -> None:
    assert read_typed("Direct Esc") == read_typed("direct esc")
    assert read_typed("direct esc").partial
    assert not read_typed("direct ").partial and not read_typed("direct,").partial
    assert read_typed("Café").words == ("cafe",)


def test_a_time_box_stops_a_slow_read_and_the_session_reads_on(engine: Engine) -> None:
    """What keeps a suggestion quick: past its few milliseconds the statement is stopped,
    and the session's own budget holds again for what follows."""
    # Two seconds or so of work, well inside the read budget: only the box can stop it.
    slow = (
        "SELECT pg_sleep(2)"
        if engine.dialect.name == "postgresql"
        else "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000000)"
        " SELECT max(i) FROM n"
    )
    settings = Settings(database_url=engine.url.render_as_string(False), query_budget_ms=600_000)
    reader = make_engine(settings, read_only=True)
    try:
        with Session(reader) as session:
            before = _budget(session)
            with pytest.raises(OperationalError), time_box(session, 0.02):
                session.execute(sa.text(slow)).all()
            assert session.execute(sa.text("SELECT count(*) FROM quote")).scalar_one() >= 0
            assert _budget(session) == before
    finally:
        reader.dispose()


def _budget(session: Session) -> str:
    if session.get_bind().dialect.name == "postgresql":
        return str(session.execute(sa.text("SHOW statement_timeout")).scalar_one())
    return "sqlite"


@pytest.fixture(scope="module")
def both_ways(seeded_settings: Settings) -> Iterator[tuple[TestClient, TestClient]]:
    """The app with its direct read path, and without it (every request to the route)."""
    with (
        TestClient(create_app(seeded_settings.model_copy(update={"fast_lane": True}))) as fast,
        TestClient(create_app(seeded_settings.model_copy(update={"fast_lane": False}))) as slow,
    ):
        yield fast, slow


def _typed_from_the_seed() -> list[str]:
    """Every start of every word of the seed article, with and without a space after it, the
    first word of each sentence with the next one's start, and names, odd characters, cases."""
    text = (Path(__file__).parents[3] / "seed" / "upi-2024-05-31-kharkiv.txt").read_text()
    words = re.findall(r"[^\W_]+", text)
    typed = {w[:n] for w in words[:60] for n in range(1, len(w) + 1)}
    typed |= {f"{a} " for a in words[:100]}
    typed |= {f"{a} {b[:2]}" for a, b in zip(words[:100], words[1:101], strict=True)}
    typed |= {"BLIN", "kremlin spo", "é", "%", "_", " ", "u.s. off", "x" * 100, "Кремль"}
    return sorted(typed)


def test_the_direct_path_suggests_exactly_as_the_route_does(
    both_ways: tuple[TestClient, TestClient],
) -> None:
    fast, slow = both_ways
    typed = _typed_from_the_seed()
    assert len(typed) > 300
    for q in typed:
        for limit in (None, 2):
            params = {"q": q, **({"limit": limit} if limit else {})}
            a, b = fast.get("/v1/suggest", params=params), slow.get("/v1/suggest", params=params)
            assert a.status_code == b.status_code == 200, (q, a.text)
            assert a.json() == b.json(), q


@pytest.mark.parametrize(
    "query",
    ["", "q=", "q=" + "x" * 101, "q=a&limit=0", "q=a&limit=11", "q=a&limit=%2B5", "q=a&limit=x",
     "q=a&q=b", "q=a&limit=2&limit=3", "q=a&sort=date", "limit=3", "q=a&&", "q=%zz"],
)  # fmt: skip
def test_what_the_route_refuses_the_direct_path_leaves_to_it(
    both_ways: tuple[TestClient, TestClient], query: str
) -> None:
    fast, slow = both_ways
    a, b = fast.get(f"/v1/suggest?{query}"), slow.get(f"/v1/suggest?{query}")
    assert a.status_code == b.status_code
    assert a.headers["content-type"] == b.headers["content-type"]
    assert a.json() == b.json()


def test_suggestions_are_answered_by_the_direct_path(seeded_settings: Settings) -> None:
    """Not through the framework's layers: a search box asks at every key."""
    with TestClient(create_app(seeded_settings)) as client:
        handed = handed_to_routes(client)
        assert client.get("/v1/suggest", params={"q": "blin"}).status_code == 200
        assert client.get("/v1/suggest", params={"q": "blin", "limit": 0}).status_code == 422
    assert handed == ["/v1/suggest"]  # only the refusal went to the route


def test_a_short_start_offers_the_same_whatever_was_asked_of_it_before(
    both_ways: tuple[TestClient, TestClient],
) -> None:
    """The best names of a letter or two are kept with the name index: a small ``limit``
    asked first must not cut what a larger one gets later."""
    fast, slow = both_ways
    many = [
        letter
        for letter in "abcdefghijklmnopqrstuvwxyz"
        if len(suggested(slow, letter, limit=10)["speakers"]) >= 2
    ]
    assert many
    for letter in many:
        assert len(suggested(fast, letter, limit=1)["speakers"]) == 1
        assert suggested(fast, letter, limit=10) == suggested(slow, letter, limit=10)


def test_the_direct_paths_time_box_stops_a_slow_search_and_the_reads_go_on(
    seeded_settings: Settings,
) -> None:
    """A phrase search past its few milliseconds leaves phrases out (``None``) on the direct
    path's own connections too, and the next read on them is served as usual."""
    url = seeded_settings.database_url
    if url.startswith("postgresql"):
        slow = "SELECT pg_sleep(2)"
        pg_reads = PgFastQuotes(url, budget_ms=600_000)
        try:
            stopped = pg_reads._run(lambda c: _PgTyping(pg_reads, c).within(0.02, slow, {}))
            after = pg_reads._run(lambda c: _PgTyping(pg_reads, c).rows("SELECT 1", {}))
        finally:
            pg_reads.close()
    else:
        slow = (
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000000)"
            " SELECT max(i) FROM n"
        )
        reads = FastQuotes(url.split("///", 1)[1], budget_ms=600_000)
        stopped = reads._run(lambda c: _Typing(reads, c).within(0.02, slow, {}), None)
        after = reads._run(lambda c: _Typing(reads, c).rows("SELECT 1", {}), None)
    assert stopped is None
    assert [tuple(row) for row in after] == [(1,)]
