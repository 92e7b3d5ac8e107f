"""Migration 0012 builds the phrase index for the quotes a store already holds (the seed's),
and taking it back leaves the store as 0011 had it, on either store."""

import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, text

from app.config import Settings
from app.db import alembic_config, session_scope
from app.queries.search import PAIR_INDEX, WORD_INDEX, index_for, parse_search
from app.store.upgrade import migrate
from tests.queries.test_phrase_index import _matched

PHRASES = ['"direct escalation"', '"strikes inside russia"', '"the use"', '"u s supplied"',
           '"of the"', '"british supplied weapons"', '"not a"']  # fmt: skip


def _answers(engine: Engine, index: str) -> list[set[int]]:
    with session_scope(engine) as session:
        answers = []
        for q in PHRASES:
            terms = parse_search(q)
            answers.append(
                _matched(session, index, index_for(terms)[1] if index == PAIR_INDEX else terms)
            )
        return answers


def _has_phrase_index(engine: Engine) -> bool:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            columns = connection.execute(text("SELECT * FROM quote LIMIT 1")).keys()
            return "pairs" in columns
        return bool(connection.execute(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'quote_pair_fts'")
        ).scalar_one())  # fmt: skip


def test_an_older_store_gets_its_quotes_in_the_phrase_index(
    settings: Settings, seeded: Engine
) -> None:
    expected = _answers(seeded, WORD_INDEX)
    assert sum(bool(found) for found in expected) >= 4  # the phrases are the seed's
    command.downgrade(alembic_config(settings), "0011")
    assert not _has_phrase_index(seeded)
    with seeded.begin() as connection:  # a quote written while the store had no such index
        connection.execute(sa.text("UPDATE quote SET text = text || ' the use' WHERE id = 1"))
    expected = _answers(seeded, WORD_INDEX)
    migrate(settings)
    assert _has_phrase_index(seeded)
    assert _answers(seeded, PAIR_INDEX) == expected
