"""Fixtures that build real stores: a SQLite file, the real migrations, the real seed.

With ``SAIDWHO_TEST_POSTGRES_URL`` set to a PostgreSQL server (any database on it, e.g.
``postgresql+psycopg://postgres@127.0.0.1:55432/postgres``), every store is a new database on
that server instead, and tests marked ``sqlite_only`` (they test SQLite's own files, pragmas
or the direct SQLite read path) are skipped."""

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, make_url

from app.config import Settings
from app.db import make_engine, session_scope
from app.keys import create_key
from app.main import create_app
from app.seed import load_seed
from app.store.upgrade import migrate

POSTGRES = os.environ.get("SAIDWHO_TEST_POSTGRES_URL", "")
_databases: dict[Path, str] = {}


def saidwho(
    *args: str, database_url: str | None = None, timeout: float = 60, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The ``saidwho`` command run as a real process, on the store at ``database_url`` (else
    the environment's), its output captured."""
    env = dict(os.environ)
    if database_url is not None:
        env["SAIDWHO_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env, capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd,
    )  # fmt: skip


def store_url(folder: Path, like: str | None = None) -> str:
    """The store of ``folder``: its SQLite file, or its own new PostgreSQL database; with
    ``like``, a copy of that store as it stands."""
    if not POSTGRES:
        path = folder / "saidwho.db"
        if like is not None:
            source = make_url(like).database
            assert source is not None
            with closing(sqlite3.connect(source)) as old, closing(sqlite3.connect(path)) as new:
                old.backup(new)
        return f"sqlite:///{path}"
    if folder not in _databases:
        name = "t_" + hashlib.sha1(str(folder).encode()).hexdigest()[:20]
        template = f" TEMPLATE {make_url(like).database}" if like is not None else ""
        server = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.exec_driver_sql(f"CREATE DATABASE {name}{template}")
        server.dispose()
        _databases[folder] = make_url(POSTGRES).set(database=name).render_as_string(False)
    return _databases[folder]


def settings_for(folder: Path) -> Settings:
    """A store in ``folder``. Rate limits are off: tests send requests far faster than any
    client should; the tests of the limits turn them on."""
    return Settings(
        database_url=store_url(folder),
        rate_limit_per_address="",
        rate_limit_per_key="",
    )


def seeded_store_with_key(folder: Path, key_name: str) -> tuple[Settings, str]:
    """A migrated, seeded store of ``folder``'s own and a write key for it, for fixtures that
    outlive one test or serve the store from another process."""
    settings = settings_for(folder)
    migrate(settings)
    engine = make_engine(settings)
    load_seed(engine, settings.seed_dir)
    with session_scope(engine) as session:
        token = create_key(session, key_name).token
    engine.dispose()
    return settings, token


def pytest_sessionfinish() -> None:
    """Drops the PostgreSQL databases this run made."""
    if not _databases:
        return
    server = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        for url in _databases.values():
            name = make_url(url).database
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    server.dispose()


# Every test in these folders drives live servers or processes: all slow.
_SLOW_FOLDERS = {"durability", "hardening", "scaleout"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _SLOW_FOLDERS & set(item.path.relative_to(Path(__file__).parent).parts):
            item.add_marker(pytest.mark.slow)
    skip_sqlite = pytest.mark.skip(reason="tests SQLite itself; this run is on PostgreSQL")
    skip_postgres = pytest.mark.skip(reason="tests PostgreSQL itself; this run is on SQLite")
    for item in items:
        if POSTGRES and item.get_closest_marker("sqlite_only"):
            item.add_marker(skip_sqlite)
        if not POSTGRES and item.get_closest_marker("postgres_only"):
            item.add_marker(skip_postgres)


@pytest.fixture(scope="session")
def migrated_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty store the real migrations made, once a run: each test's store is a copy."""
    settings = settings_for(tmp_path_factory.mktemp("migrated"))
    migrate(settings)
    return settings.database_url


@pytest.fixture(scope="session")
def seeded_store(tmp_path_factory: pytest.TempPathFactory, migrated_store: str) -> str:
    """The migrated store with the seed loaded, once a run: each seeded test's is a copy."""
    url = store_url(tmp_path_factory.mktemp("seeded-template"), like=migrated_store)
    engine = create_engine(url)
    load_seed(engine, Settings(database_url=url).seed_dir)
    engine.dispose()
    return url


@pytest.fixture
def settings(tmp_path: Path, request: pytest.FixtureRequest, migrated_store: str) -> Settings:
    """Settings for a migrated store of this test's own: empty, or seeded when the test asks
    for ``seeded``. It is a copy of a store the real migrations (and the seed loader) made
    once a run: making each anew cost most of a quick test's time."""
    like = request.getfixturevalue("seeded_store") if "seeded" in request.fixturenames else None
    return Settings(
        database_url=store_url(tmp_path, like=like or migrated_store),
        rate_limit_per_address="",
        rate_limit_per_key="",
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture
def seeded(engine: Engine, settings: Settings) -> Engine:
    """This test's own seeded store, for tests that write (``settings`` made it seeded)."""
    return engine


@pytest.fixture
def client(settings: Settings, seeded: Engine) -> Iterator[TestClient]:
    """The app over this test's own seeded store."""
    with TestClient(create_app(settings)) as client:
        yield client


def _keyed(
    settings: Settings, seeded: Engine, name: str, admin: bool = False
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with session_scope(seeded) as session:
        token = create_key(session, name, admin=admin).token
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {token}"}


@pytest.fixture
def writer(settings: Settings, seeded: Engine) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The app over this test's own seeded store, and the headers of a write key named desk."""
    yield from _keyed(settings, seeded, "desk")


@pytest.fixture
def admin(settings: Settings, seeded: Engine) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The same with an admin key named standards desk (speakers' edits, merges, splits)."""
    yield from _keyed(settings, seeded, "standards desk", admin=True)


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
