"""Bringing a store up to date: its schema by the Alembic migrations, then what a migration
cannot work out in SQL because the app's own logic decides it (quotes stored before quotations
were kept are grouped into theirs)."""

from app.config import Settings
from app.db import make_engine, migrate_schema, session_scope
from app.quotations.grouping import group_ungrouped


def migrate(settings: Settings, revision: str = "head") -> None:
    """The schema at ``revision``; at the head, every quote in a quotation too."""
    migrate_schema(settings, revision)
    if revision == "head":
        _group_ungrouped(settings)


def _group_ungrouped(settings: Settings) -> None:
    """Quotes stored before quotations were kept join theirs (a no-op once all have one)."""
    engine = make_engine(settings)
    try:
        while True:
            with session_scope(engine) as session:
                if not group_ungrouped(session):
                    return
    finally:
        engine.dispose()
