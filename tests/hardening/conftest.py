"""A live ``saidwho serve`` over a seeded store of its own (SQLite, or PostgreSQL on that run)
and an admin key for it: the hardening tests talk to it as an outside client would."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.config import Settings
from app.db import make_engine, session_scope
from app.keys import create_key
from tests.conftest import seeded_store_with_key
from tests.serving import served, store_env


@dataclass(frozen=True)
class Live:
    base: str
    settings: Settings
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def live_env(settings: Settings, **extra: str) -> dict[str, str]:
    env = store_env(Path("/nonexistent"))
    env["SAIDWHO_DATABASE_URL"] = settings.database_url
    env.update({f"SAIDWHO_{name.upper()}": value for name, value in extra.items()})
    return env


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    settings, _ = seeded_store_with_key(tmp_path, "desk")
    engine = make_engine(settings)
    with session_scope(engine) as session:
        token = create_key(session, "chief", admin=True).token
    engine.dispose()
    with served(live_env(settings), tmp_path / "server.log") as base:
        yield Live(base, settings, token)
