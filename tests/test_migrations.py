"""The schema comes only from the migrations, and they agree with the models exactly."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, SQLModel

import app.models  # noqa: F401
from app.config import Settings
from app.db import alembic_config, include_object, make_engine
from app.quotes.store import add_quote
from app.store.upgrade import migrate

pytestmark = pytest.mark.sqlite_only  # compares the models with the schema on SQLite


def test_migrations_create_exactly_the_models_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": include_object, "compare_type": True}
        )
        assert compare_metadata(context, SQLModel.metadata) == []


def test_downgrade_to_nothing_and_back_up(settings: Settings) -> None:
    command.downgrade(alembic_config(settings), "base")
    engine = make_engine(settings)
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()
    migrate(settings)
    engine = make_engine(settings)
    assert {"quote", "speaker", "outlet", "article", "api_key", "quote_fts"} <= set(
        inspect(engine).get_table_names()
    )
    engine.dispose()


def _search(engine: Engine, words: str) -> list[int]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT rowid FROM quote_fts WHERE quote_fts MATCH :m ORDER BY rowid"),
            {"m": words},
        )
        return [row[0] for row in rows]


def test_the_search_index_follows_every_insert_update_and_delete(seeded: Engine) -> None:
    assert _search(seeded, "escalation") == [7, 10, 16]
    with Session(seeded) as session, session.begin():
        quote = session.get(app.models.Quote, 16)
        assert quote is not None
        quote.text = "a rewritten quote about diplomacy"
    assert _search(seeded, "escalation") == [7, 10]
    assert _search(seeded, "diplomacy") == [16]
    with Session(seeded) as session, session.begin():
        session.delete(session.get(app.models.Quote, 16))
    assert _search(seeded, "diplomacy") == []
    with Session(seeded) as session, session.begin():
        article = session.get(app.models.Article, 1)
        assert article is not None
        add_quote(session=session, article=article, speaker_id="russia", kind="partial",
                       span=(4442, 4470))  # fmt: skip
    # Ids are never reused: the new quote is 17 although 16, the highest, was deleted.
    assert _search(seeded, '"very dangerous"') == [14, 17]
    with seeded.connect() as connection:
        check = connection.execute(
            text("INSERT INTO quote_fts(quote_fts, rank) VALUES ('integrity-check', 1)")
        )
        check.close()
