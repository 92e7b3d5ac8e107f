"""Every store connection is set up the same way: foreign keys on, WAL, a busy timeout."""

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from app.config import Settings
from app.db import make_engine
from app.store.upgrade import migrate

pytestmark = pytest.mark.sqlite_only  # SQLite's pragmas


def pragma(engine: Engine, name: str) -> object:
    with engine.connect() as connection:
        return connection.execute(text(f"PRAGMA {name}")).scalar_one()


def test_connections_enforce_foreign_keys_and_use_wal(engine: Engine) -> None:
    assert pragma(engine, "foreign_keys") == 1
    assert pragma(engine, "journal_mode") == "wal"


def test_busy_timeout_is_the_setting(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 's.db'}", sqlite_busy_timeout_ms=1234)
    engine = make_engine(settings)
    assert pragma(engine, "busy_timeout") == 1234
    engine.dispose()


def test_a_quote_for_a_missing_article_is_refused(engine: Engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO quote (article_id, speaker_id, kind, text, date, span_start, "
                "span_end, created_at) VALUES (99, 'nobody', 'direct', 'x', '2024-01-01', 0, 1, "
                "'2024-01-01')"
            )
        )


def test_migrate_makes_the_folder_of_a_new_store(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'a' / 'b' / 'store.db'}")
    migrate(settings)
    assert (tmp_path / "a" / "b" / "store.db").exists()
