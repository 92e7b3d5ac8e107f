"""The store an evaluation scores: a new SQLite file, migrated and seeded like a fresh install,
removed afterwards."""

import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine

from app.config import Settings
from app.db import make_engine, session_scope
from app.ingest.store import Read, ingest_article
from app.seed import load_seed
from app.store.upgrade import migrate

T = TypeVar("T")


@contextmanager
def fresh_store(workdir: Path | None = None) -> Iterator[Engine]:
    with tempfile.TemporaryDirectory(dir=workdir) as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/evaluation.db")
        migrate(settings)
        engine = make_engine(settings)
        try:
            load_seed(engine, settings.seed_dir)
            yield engine
        finally:
            engine.dispose()


def post(
    engine: Engine,
    read_back: Callable[[Connection, int], T],
    *,
    title: str,
    publisher: str,
    published_on: dt.date | None,
    text: str,
    read: Read | None = None,
) -> T:
    """Posts one article as the API does (one transaction) and reads back what was stored for
    it, with ``read_back(connection, article_id)``."""
    with session_scope(engine) as session:
        result = ingest_article(
            session,
            title=title,
            publisher=publisher,
            published_on=published_on,
            text=text,
            read=read,
        )
        assert result.article.id is not None
        return read_back(session.connection(), result.article.id)
