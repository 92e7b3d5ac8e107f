"""The store an evaluation scores: a new SQLite file, migrated and seeded like a fresh install,
removed afterwards."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from app.config import Settings
from app.db import make_engine, migrate
from app.seed import load_seed


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
