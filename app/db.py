"""The engine, its per-connection set-up, and schema migration."""

import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from app.config import Settings
from app.models.phrase_index import register as register_word_pairs

log = logging.getLogger("saidwho.db")


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def sqlite_path(url: str) -> str | None:
    """The file behind a SQLite URL, or None for memory and URI forms."""
    if not is_sqlite(url) or ":memory:" in url or "?" in url:
        return None
    return url.split("///", 1)[-1] or None


def read_only_reason(settings: Settings) -> str | None:
    """Why the store cannot take writes, or None when it can: set so by the operator, a SQLite
    file or folder that cannot be written (a read-only mount), or a PostgreSQL server that
    only reads (a standby)."""
    if settings.read_only:
        return "SAIDWHO_READ_ONLY is set"
    url = settings.database_url
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is None or not Path(path).exists():
            return None
        if not os.access(path, os.W_OK):
            return f"the store file {path} cannot be written"
        if not os.access(Path(path).parent, os.W_OK):
            return f"the store's folder {Path(path).parent} cannot be written"
        return None
    try:
        probe = create_engine(url, poolclass=NullPool)
        with probe.connect() as connection:
            read_only = connection.exec_driver_sql("SHOW transaction_read_only").scalar_one()
        probe.dispose()
    except OperationalError:
        return None  # unreachable now: the routes say so when asked
    return "the PostgreSQL server takes no writes (a standby?)" if read_only == "on" else None


def unmerged_log(url: str) -> Path | None:
    """The SQLite store's write-ahead log when it holds writes not yet merged into the file."""
    path = sqlite_path(url)
    if path is None:
        return None
    log = Path(f"{path}-wal")
    try:
        return log if log.stat().st_size > 0 else None
    except OSError:
        return None


# Each SQLite read engine's clock (``make_engine``), for ``time_box``.
_DEADLINES: "weakref.WeakKeyDictionary[Engine, threading.local]" = weakref.WeakKeyDictionary()


@contextmanager
def time_box(session: Session, seconds: float) -> Iterator[None]:
    """Stops the statements run inside it past ``seconds`` from now, sooner than the read
    budget would: for work worth doing only if it is quick (suggestions as someone types).
    SQLite interrupts the statement; PostgreSQL cancels it, in a savepoint of its own so the
    session reads on. Either raises ``sqlalchemy.exc.OperationalError``."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        before = session.execute(sa.text("SHOW statement_timeout")).scalar_one()
        with session.begin_nested():  # rolled back on a timeout, and the setting with it
            session.execute(sa.text(f"SET LOCAL statement_timeout = {max(1, int(seconds * 1000))}"))
            yield
        # Kept past the savepoint's release: set back for the rest of the transaction.
        session.execute(
            sa.text("SELECT set_config('statement_timeout', :before, true)"), {"before": before}
        )
        return
    deadline = _DEADLINES.get(bind)  # type: ignore[arg-type]
    if deadline is None:  # a write engine: its own budget holds
        yield
        return
    before = getattr(deadline, "cap", float("inf"))
    deadline.cap = min(before, time.monotonic() + seconds)
    try:
        yield
    finally:
        deadline.cap = before


@event.listens_for(Engine, "connect")
def _word_pairs_on_every_sqlite_connection(dbapi_conn: Any, _record: Any) -> None:
    """The phrase index's triggers call ``word_pairs``: every SQLite connection any engine
    opens (the app's, Alembic's, a test's) can then write quotes."""
    if isinstance(dbapi_conn, sqlite3.Connection):
        register_word_pairs(dbapi_conn)


def merge_log(url: str) -> None:
    """Merges SQLite's write-ahead log into the store file and empties it, so that the file
    alone holds every acknowledged write: for a copy, a read-only mount, an immutable open.
    Best effort: a reader holding an old snapshot leaves the rest for the next merge."""
    path = sqlite_path(url)
    if path is None or not Path(path).exists():
        return
    try:
        connection = sqlite3.connect(path, timeout=5)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    except sqlite3.Error as error:
        log.warning("the store's write-ahead log was not merged: %s", error)


def unreadable_log(settings: Settings) -> str | None:
    """Why a read-only SQLite store cannot be served whole, or None: its log holds writes not
    merged into the file, and SQLite cannot read that log on a folder it cannot write (the
    log's index, ``-shm``, is missing)."""
    log_path = unmerged_log(settings.database_url)
    if log_path is None:
        return None
    store = sqlite_path(settings.database_url)
    try:
        connection = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
        try:
            connection.execute("SELECT count(*) FROM article").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        return (
            f"{log_path} holds writes not merged into {store}, and they cannot be read while "
            f"the folder cannot be written ({error}); serving the file alone would hide "
            "acknowledged writes. Make the folder writable once and start again (the log is "
            "merged then), or copy the store with its -wal file to a writable place."
        )
    return None


def make_engine(
    settings: Settings, *, read_only: bool = False, immutable: bool = False, probe: bool = False
) -> Engine:
    """The store's engine. On SQLite every transaction takes the write lock at its start
    (``BEGIN IMMEDIATE``): a writer waits for the lock, up to the busy timeout, before it reads
    anything, so two writers never deadlock half-way. ``read_only`` opens the file read-only
    instead, for the read side: it can take no lock that would hold a writer up; with
    ``SAIDWHO_READ_REPLICA_URL`` set, it reads from that replica. ``immutable`` (SQLite, with
    ``read_only``) promises SQLite the file will not change, so a store on a read-only mount
    opens even with no write-ahead index beside it. ``probe`` makes a read engine of one or
    two connections of its own, for ``/health`` and ``/ready``, so they answer however busy
    the main pool is.

    A request waits at most ``SAIDWHO_POOL_WAIT_MS`` for a connection (then 503); the pool
    holds this process's share of ``SAIDWHO_STORE_CONNECTIONS``, two thirds kept open."""
    share = 2 if probe else settings.connections_per_process
    pooling: dict[str, Any] = {
        "pool_size": max(1, share * 2 // 3),
        "max_overflow": share - max(1, share * 2 // 3),
        "pool_timeout": settings.pool_wait_ms / 1000,
    }
    url = settings.database_url
    if read_only and settings.read_replica_url:
        url = settings.read_replica_url
    if not is_sqlite(url):
        # PostgreSQL stops a statement past the budget itself (reads: the query budget; the
        # write side: the write budget); the read side's transactions are read-only, as
        # SQLite's read connections are.
        budget_ms = settings.query_budget_ms if read_only else settings.write_budget_ms
        options = f"-c statement_timeout={budget_ms}"
        if read_only:
            options += " -c default_transaction_read_only=on"
        return create_engine(url, pool_pre_ping=True, connect_args={"options": options}, **pooling)
    path = sqlite_path(url)
    read_only = read_only and path is not None
    if read_only:
        url = f"sqlite:///file:{path}?mode=ro{'&immutable=1' if immutable else ''}&uri=true"
    if ":memory:" in url or url.rstrip("/") == "sqlite:":
        pooling = {}  # one connection per thread, SQLAlchemy's own choice for memory
    engine = create_engine(url, connect_args={"check_same_thread": False}, **pooling)
    busy_ms = settings.sqlite_busy_timeout_ms
    read_budget = settings.query_budget_ms / 1000
    write_budget = settings.write_budget_ms / 1000
    deadline = threading.local()

    def over_budget() -> int:
        return 1 if time.monotonic() > getattr(deadline, "at", float("inf")) else 0

    if read_only:

        @event.listens_for(engine, "before_cursor_execute")
        def _start_clock(*_: Any) -> None:
            # Every read gets the whole budget, or what ``time_box`` left; past it SQLite
            # stops it ("interrupted").
            cap = getattr(deadline, "cap", float("inf"))
            deadline.at = min(time.monotonic() + read_budget, cap)

        _DEADLINES[engine] = deadline

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
        if read_only:
            cursor.execute("PRAGMA query_only = ON")
        else:
            # WAL lets readers go on while one writer writes; it sticks to the file once set.
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()
        # Transactions are begun below, not by the driver's own guesswork.
        dbapi_conn.isolation_level = None
        dbapi_conn.set_progress_handler(over_budget, 10_000)

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        if not read_only:
            # A write transaction has one budget for all its statements, counted from the
            # moment it holds the lock: no write can keep the lock from the others for long.
            deadline.at = float("inf")
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
        if not read_only:
            deadline.at = time.monotonic() + write_budget

    @event.listens_for(engine, "commit")
    def _end(_connection: Any) -> None:
        if not read_only:
            deadline.at = float("inf")

    @event.listens_for(engine, "rollback")
    def _rolled_back(_connection: Any) -> None:
        if not read_only:
            deadline.at = float("inf")

    return engine


def past_budget(error: Exception) -> bool:
    """Whether the store stopped a statement for running past its time budget (SQLite's
    progress handler "interrupted" it; PostgreSQL's statement_timeout cancelled it)."""
    if getattr(getattr(error, "orig", None), "sqlstate", None) == "57014":
        return True
    return "interrupted" in str(error) or "statement timeout" in str(error)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on any error."""
    with Session(engine) as session, session.begin():
        yield session


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(settings.migrations_dir))
    # A '%' in a password would be read as interpolation by configparser.
    config.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    return config


def include_object(
    _obj: object, name: str | None, type_: str, _reflected: bool, _compare_to: object
) -> bool:
    """Alembic filter: the full-text indexes are store-specific and live outside the models (the
    FTS5 tables on SQLite, the generated ``search`` and ``pairs`` columns on PostgreSQL), as do
    SQLite's quote counts per speaker and day (``app.models.quote_days``)."""
    if type_ == "column" and name in ("search", "pairs"):
        return False
    return not (
        type_ == "table"
        and name is not None
        and name.startswith(("quote_fts", "quote_pair", "quote_day"))
    )


def migrate_schema(settings: Settings, revision: str = "head") -> None:
    """Bring the store's schema to ``revision`` with the project's Alembic migrations (the
    data that only the app can work out is ``app.store.upgrade.migrate``'s)."""
    _ensure_sqlite_folder(settings.database_url)
    command.upgrade(alembic_config(settings), revision)


def _ensure_sqlite_folder(url: str) -> None:
    if is_sqlite(url) and ":memory:" not in url:
        path = url.split("///", 1)[-1]
        if path:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
