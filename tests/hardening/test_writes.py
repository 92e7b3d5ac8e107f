"""Writes hold the store's write lock only to write rows: a key is checked before it, an
article is read before it, and an article past the documented bounds is refused whole."""

import datetime as dt
import sqlite3

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func
from sqlmodel import Session, select

import app.ingest.reading
from app.config import Settings
from app.db import make_engine, session_scope
from app.keys import create_key
from app.main import create_app
from app.models import ApiKey, Article, Quote
from tests.hardening.conftest import Live

MADE_UP = {"Authorization": "Bearer sw_000000000000_x"}
ARTICLE = {"title": "Council", "publisher": "Test Gazette", "published_on": "2024-06-03"}


def quoted_paragraphs(count: int) -> str:
    return "\n".join(
        f"“We will build {n} new homes,” Mayor Ann Reyes told the council." for n in range(count)
    )


@pytest.mark.sqlite_only  # SQLite's one write lock
def test_a_made_up_key_is_refused_while_another_writer_holds_the_lock(live: Live) -> None:
    path = live.settings.database_url.split("///", 1)[1]
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # held for the whole test
    try:
        with httpx.Client(base_url=live.base, timeout=30) as client:
            for _ in range(20):
                answer = client.post("/v1/articles", json=ARTICLE | {"text": "x"}, headers=MADE_UP)
                # Checked without the lock: 401 at once, not 503 after the busy timeout.
                assert answer.status_code == 401, answer.text
                assert answer.headers["content-type"] == "application/problem+json"
            # A live key with a write to make does wait for the lock, and says so.
            blocked = client.post(
                "/v1/articles",
                json=ARTICLE | {"text": quoted_paragraphs(1)},
                headers=live.headers,
            )
            assert blocked.status_code == 503
    finally:
        holder.rollback()
        holder.close()


@pytest.mark.sqlite_only  # looks at SQLite's lock from another connection
def test_an_article_is_read_before_its_write_transaction_begins(
    writer: tuple[TestClient, dict[str, str]],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, headers = writer
    lock_free: list[bool] = []
    extract = app.ingest.reading.extract

    def extract_and_look(*args: object) -> object:
        probe = sqlite3.connect(settings.database_url.split("///", 1)[1], timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            lock_free.append(True)
        except sqlite3.OperationalError:
            lock_free.append(False)
        finally:
            probe.close()
        return extract(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(app.ingest.reading, "extract", extract_and_look)
    answer = client.post(
        "/v1/articles", json=ARTICLE | {"text": quoted_paragraphs(3)}, headers=headers
    )
    assert answer.status_code == 201
    assert lock_free == [True]


def test_articles_past_the_bounds_are_refused_and_nothing_is_stored(
    seeded: Engine, settings: Settings
) -> None:
    bounded = settings.model_copy(update={"max_paragraphs": 50, "max_quotes_per_article": 10})
    with session_scope(seeded) as session:
        headers = {"Authorization": f"Bearer {create_key(session, 'desk').token}"}
    with TestClient(create_app(bounded)) as client:
        long = client.post(
            "/v1/articles", json=ARTICLE | {"text": quoted_paragraphs(51)}, headers=headers
        )
        assert long.status_code == 413
        assert "51 paragraphs" in long.json()["detail"]
        many = client.post(
            "/v1/articles", json=ARTICLE | {"text": quoted_paragraphs(11)}, headers=headers
        )
        assert many.status_code == 422
        assert many.json()["parameter"] == "text" and "11 quotations" in many.json()["detail"]
        within = client.post(
            "/v1/articles", json=ARTICLE | {"text": quoted_paragraphs(10)}, headers=headers
        )
        assert within.status_code == 201 and len(within.json()["quotes"]) == 10
    with Session(seeded) as session:
        assert session.exec(select(func.count()).select_from(Article)).one() == 2
        assert session.exec(select(func.count()).select_from(Quote)).one() == 16 + 10


@pytest.mark.sqlite_only  # SQLite's progress handler; PostgreSQL's statement_timeout is its own
def test_a_write_past_its_budget_is_rolled_back_whole_and_answered_503(
    seeded: Engine, settings: Settings
) -> None:
    with session_scope(seeded) as session:
        headers = {"Authorization": f"Bearer {create_key(session, 'desk').token}"}
    # Two thousand quotes take far longer than a tenth of a second to write.
    hurried = settings.model_copy(update={"write_budget_ms": 100, "max_quotes_per_article": 5000})
    with TestClient(create_app(hurried)) as client:
        answer = client.post(
            "/v1/articles", json=ARTICLE | {"text": quoted_paragraphs(2000)}, headers=headers
        )
    assert answer.status_code == 503, answer.text
    assert answer.json()["type"] == "/problems/query-timeout"
    with Session(seeded) as session:
        assert session.exec(select(func.count()).select_from(Article)).one() == 1
        assert session.exec(select(func.count()).select_from(Quote)).one() == 16


def test_keys_are_checked_against_expiry_and_scope_over_http(live: Live) -> None:
    engine = make_engine(live.settings)
    with session_scope(engine) as session:
        expired = create_key(
            session, "intern", expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        ).token
        reader = create_key(session, "dashboard", scope="read").token
        later = create_key(
            session, "stringer", expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        ).token
    engine.dispose()
    body = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}
    with httpx.Client(base_url=live.base) as client:

        def post(token: str) -> httpx.Response:
            return client.post(
                "/v1/quotes", json=body, headers={"Authorization": f"Bearer {token}"}
            )

        assert post(expired).status_code == 401
        assert post(reader).status_code == 403
        created = post(later)
        assert created.status_code == 201
        history = client.get(f"/v1/quotes/{created.json()['id']}/history").json()
        assert history["revisions"][0]["by"] == "stringer"
        assert history["revisions"][0]["by_key"] == later.split("_")[1]
    engine = make_engine(live.settings)
    with Session(engine) as session:
        used = session.exec(select(ApiKey).where(ApiKey.name == "stringer")).one()
        unused = session.exec(select(ApiKey).where(ApiKey.name == "dashboard")).one()
        stored = session.get(Quote, created.json()["id"])
        assert used.last_used_at is not None and unused.last_used_at is None
        assert stored is not None and stored.api_key_id == used.id
    engine.dispose()


def test_key_events_are_audited(
    writer: tuple[TestClient, dict[str, str]],
    seeded: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, _ = writer
    with caplog.at_level("INFO", logger="saidwho.audit"):
        with session_scope(seeded) as session:
            made = create_key(session, "night desk")
        client.post("/v1/quotes", json={}, headers={"Authorization": f"Bearer {made.token}x"})
        client.post("/v1/quotes", json={}, headers=MADE_UP)
        with session_scope(seeded) as session:
            from app.keys import revoke_key

            assert revoke_key(session, made.token.split("_")[1])
    events = [(r.event, getattr(r, "reason", None)) for r in caplog.records]  # type: ignore[attr-defined]
    assert events == [
        ("key.created", None),
        ("auth.failed", "wrong secret"),
        ("auth.failed", "unknown"),
        ("key.revoked", None),
    ]
    # The secret is the rest of the token after its prefix: it may hold "_" itself.
    secret = made.token.split("_", 2)[2]
    assert all(secret not in r.getMessage() for r in caplog.records)
