"""Migration 0011 gives every index key of a stored quotation its quotation's speaker, on a
store that had quotations before it (the seed's), on either store."""

from alembic import command
from sqlalchemy import Engine, text

from app.config import Settings
from app.db import alembic_config
from app.store.upgrade import migrate


def _keys(engine: Engine) -> list[tuple[int, int, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT a.anchor, a.quotation_id, q.speaker_id FROM quotation_anchor a"
                " JOIN quotation q ON q.id = a.quotation_id ORDER BY 1, 2"
            )
        )
        return [tuple(row) for row in rows]


def test_an_older_store_gets_each_keys_speaker_from_its_quotation(
    settings: Settings, seeded: Engine
) -> None:
    before = _keys(seeded)
    assert len({speaker for _, _, speaker in before}) > 1
    command.downgrade(alembic_config(settings), "0010")
    with seeded.connect() as connection:
        columns = connection.execute(text("SELECT * FROM quotation_anchor LIMIT 1")).keys()
    assert "speaker_id" not in columns
    migrate(settings)
    with seeded.connect() as connection:
        stored = connection.execute(
            text("SELECT anchor, quotation_id, speaker_id FROM quotation_anchor ORDER BY 1, 2")
        ).all()
    assert [tuple(row) for row in stored] == before
