"""``copy_store``: a whole store copied into an empty one (SQLite, or PostgreSQL on that run)
answers every question exactly as the original does, and takes new writes after it."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.config import Settings
from app.db import make_engine, session_scope
from app.keys import create_key
from app.main import create_app
from app.models.tables import core_table
from app.seed import load_seed
from app.store.transfer import MODELS, TransferError, copy_store
from app.store.upgrade import migrate
from tests.conftest import settings_for

QUESTIONS = [
    "/v1/quotes", "/v1/quotes?speaker=blinken", '/v1/quotes?q="direct escalation"',
    "/v1/quotes?q=Russia&sort=relevance", "/v1/quotes?outlet=cbs-news&kind=direct",
    "/v1/quotes/9", "/v1/quotes/16/history", "/v1/speakers", "/v1/speakers/cameron",
    "/v1/speakers/cameron/history",
    "/v1/outlets", "/v1/articles/1", "/v1/quotes?format=csv", "/v1/quotations?sort=reports",
    "/v1/quotations/6",
]  # fmt: skip


def test_a_copied_store_answers_as_the_original_and_takes_new_writes(
    settings: Settings, seeded: Engine, tmp_path: Path
) -> None:
    with session_scope(seeded) as session:
        key = {"Authorization": f"Bearer {create_key(session, 'desk', admin=True).token}"}
    with TestClient(create_app(settings)) as original:
        # A correction, so history and revisions are copied too.
        assert original.patch("/v1/quotes/16", json={"cue": "said Peskov"}, headers=key).is_success
        role = {"role": "Foreign Secretary of the United Kingdom"}
        assert original.patch("/v1/speakers/cameron", json=role, headers=key).is_success
        before = {path: original.get(path).text for path in QUESTIONS}
    copy = settings_for(tmp_path / "copy")
    migrate(copy)
    target = make_engine(copy)
    indexes = _indexes(target)
    copied = copy_store(seeded, target)
    # Indexes set aside for the load (PostgreSQL) are all made again.
    assert _indexes(target) == indexes
    target.dispose()
    assert copied.rows["quote"] == 16 and copied.rows["quote_revision"] == 1
    assert copied.rows["speaker_revision"] == 1
    assert copied.rows["quotation"] == 14 and copied.rows["quotation_anchor"] > 14
    with TestClient(create_app(copy)) as moved:
        assert {path: moved.get(path).text for path in QUESTIONS} == before
        # The key came along; new rows take ids after the copied ones.
        body = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}
        made = moved.post("/v1/quotes", json=body, headers=key).json()
        assert made["id"] == 17 and made["quotation"] == 15
        # The copied index keys find the copied quotations.
        check = moved.get("/v1/check", params={"text": "a direct escalation of tension"}).json()
        assert check["verdict"] == "exact"


def test_copying_into_a_store_that_has_data_is_refused(settings: Settings, seeded: Engine) -> None:
    with pytest.raises(TransferError, match="not empty"):
        copy_store(seeded, seeded)


def _indexes(engine: Engine) -> dict[str, list[str]]:
    from sqlalchemy import inspect

    found = inspect(engine)
    return {
        table: sorted(str(index["name"]) for index in found.get_indexes(table))
        for table in found.get_table_names()
    }


def test_a_source_with_a_dangling_reference_is_refused_whole(
    settings: Settings, seeded: Engine, tmp_path: Path
) -> None:
    """The rows' references are checked after the load (PostgreSQL checks them at once rather
    than row by row), so a broken source never becomes a half-checked target."""
    import sqlite3

    from tests.conftest import POSTGRES

    if not POSTGRES:
        pytest.skip("the copy into PostgreSQL checks references after the load")
    broken = tmp_path / "broken.db"
    source = Settings(database_url=f"sqlite:///{broken}")
    migrate(source)
    origin = make_engine(source)
    load_seed(origin, source.seed_dir)
    origin.dispose()
    with sqlite3.connect(broken) as connection:  # foreign keys are off on a bare connection
        connection.execute("UPDATE quote SET quotation_id = 424242 WHERE id = 3")
    copy = settings_for(tmp_path / "copy")
    migrate(copy)
    target = make_engine(copy)
    from sqlalchemy import create_engine, text

    raw = create_engine(f"sqlite:///{broken}")
    with pytest.raises(TransferError, match="quote.quotation_id 424242"):
        copy_store(raw, target)
    raw.dispose()
    with target.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM quote")).scalar_one() == 0
    target.dispose()


def test_any_store_copies_into_sqlite_with_every_table_holding_rows(
    settings: Settings, seeded: Engine, tmp_path: Path
) -> None:
    """On the PostgreSQL run this is the copy back to SQLite, which checks every reference as
    rows arrive: aliases learnt from an article must come after the article."""
    from sqlalchemy import text

    with session_scope(seeded) as session:
        key = {"Authorization": f"Bearer {create_key(session, 'desk', admin=True).token}"}
    story = {
        "title": "Ferries", "publisher": "Island News", "published_on": "2024-06-03",
        "text": "Ottilie Brandt, the ferry chief, toured the pier.\\n"
                "“The boats will run all winter,” Brandt told the Island Courier.",
    }  # fmt: skip
    with TestClient(create_app(settings)) as client:
        posted = client.post(
            "/v1/articles", json=story, headers={**key, "Idempotency-Key": "ferries-1"}
        )
        assert posted.status_code == 201, posted.text
        assert client.patch("/v1/quotes/16", json={"cue": "said Peskov"}, headers=key).is_success
        role = {"role": "Foreign Secretary of the United Kingdom"}
        assert client.patch("/v1/speakers/cameron", json=role, headers=key).is_success
    tables = [core_table(model).name for model in MODELS]
    with seeded.connect() as connection:
        before = {
            t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables
        }
        learnt = connection.execute(
            text("SELECT count(*) FROM speaker_alias WHERE article_id IS NOT NULL")
        ).scalar_one()
    assert all(before.values()), before  # every table holds rows
    assert learnt > 0
    copy = Settings(database_url=f"sqlite:///{tmp_path / 'back.db'}")
    migrate(copy)
    target = make_engine(copy)
    copied = copy_store(seeded, target)
    with target.connect() as connection:
        after = {
            t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables
        }
        assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
    target.dispose()
    assert after == before == copied.rows
