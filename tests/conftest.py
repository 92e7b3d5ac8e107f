"""Fixtures that build real stores: a SQLite file, the real migrations, the real seed."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.config import Settings
from app.db import make_engine, migrate, session_scope
from app.keys import create_key
from app.main import create_app
from app.seed import load_seed


def settings_for(folder: Path) -> Settings:
    """A store in ``folder``. Rate limits are off: tests send requests far faster than any
    client should; the tests of the limits turn them on."""
    return Settings(
        database_url=f"sqlite:///{folder / 'saidwho.db'}",
        rate_limit_per_address="",
        rate_limit_per_key="",
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an empty, migrated store of this test's own."""
    settings = settings_for(tmp_path)
    migrate(settings)
    return settings


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def seeded(engine: Engine, settings: Settings) -> Engine:
    """This test's own seeded store, for tests that write."""
    load_seed(engine, settings.seed_dir)
    return engine


@pytest.fixture
def client(settings: Settings, seeded: Engine) -> Iterator[TestClient]:
    """The app over this test's own seeded store."""
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def writer(settings: Settings, seeded: Engine) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The app over this test's own seeded store, and the headers of a write key named desk."""
    with session_scope(seeded) as session:
        token = create_key(session, "desk").token
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def seeded_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One seeded store shared by the read-only tests."""
    settings = settings_for(tmp_path_factory.mktemp("seeded"))
    migrate(settings)
    engine = make_engine(settings)
    load_seed(engine, settings.seed_dir)
    engine.dispose()
    return settings


@pytest.fixture(scope="session")
def api(seeded_settings: Settings) -> Iterator[TestClient]:
    """The app over the shared seeded store; tests using it must not write."""
    with TestClient(create_app(seeded_settings)) as client:
        yield client
