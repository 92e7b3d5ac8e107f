"""What every resource's store module writes with: the refusal a write raises
(``InvalidField``), locks that let two writers meet one new name, long ``IN`` lists, set-based
inserts and free ids. The rows themselves are written by each resource's own module
(``app/articles/store.py``, ``app/quotes/``, ``app/speakers/store.py``, ``app/outlets/store.py``).
Callers own the transaction: nothing here commits."""

import datetime as dt
import hashlib
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Session

from app.models import Outlet, Speaker
from app.names import name_key


class InvalidField(ValueError):
    """A write cannot be stored as given; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


_MAX_ID = 100


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hold_name(session: Session, kind: str, id: str) -> None:
    """On PostgreSQL, holds a lock on one speaker or outlet id until the transaction ends, taken
    before looking the row up: two writers that both meet a new name ("Mayor Marta Ruiz" in two
    articles posted at once) then create it once, the second finding the first's row, instead
    of one failing on the duplicate. SQLite has one writer at a time already."""
    hold(session, f"{kind}:{id}")


def others_write(session: Session) -> bool:
    """Whether other writers' commits can land while this transaction runs (PostgreSQL)."""
    return session.get_bind().dialect.name == "postgresql"


def hold(session: Session, name: str) -> None:
    """On PostgreSQL, a lock on ``name`` held until the transaction ends (an advisory lock on
    its 64-bit hash); nothing on SQLite, whose writers take turns already."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    session.execute(
        sa.select(sa.func.pg_advisory_xact_lock(int.from_bytes(digest, "big", signed=True)))
    )


def bucket(kind: str, name: str, buckets: int = 1024) -> str:
    """The lock that stands for ``name`` among ``kind``'s: names share a thousand locks, so a
    batch that meets thousands of names holds at most that many (PostgreSQL's lock table is
    a few thousand slots), at the cost of two writers sometimes waiting for another name."""
    return f"{kind}#{zlib.crc32(name.encode()) % buckets}"


def hold_all(session: Session, names: list[str]) -> None:
    """``hold`` for many names in one statement, taken in the order given (callers sort
    them, as ``hold`` callers take theirs, so that two writers never wait on each other)."""
    if not names or session.get_bind().dialect.name != "postgresql":
        return
    keys = [
        int.from_bytes(hashlib.blake2b(n.encode(), digest_size=8).digest(), "big", signed=True)
        for n in names
    ]
    session.execute(
        sa.text(
            "SELECT count(pg_advisory_xact_lock(k)) FROM"
            " (SELECT k FROM unnest(CAST(:keys AS bigint[])) WITH ORDINALITY AS t(k, n)"
            " ORDER BY n) AS ordered"
        ),
        {"keys": keys},
    )


def one_of(
    session: Session, column: sa.ColumnElement[Any], values: Iterable[Any]
) -> sa.ColumnElement[bool]:
    """``column IN values`` for a long list: on PostgreSQL one array parameter (``= ANY``),
    which it hashes or looks up by index, where a list of hundreds of parameters is
    compared with each row one by one."""
    if session.get_bind().dialect.name == "postgresql":
        # Text, not the column's VARCHAR: PostgreSQL compares varchar as text, and would
        # convert a varchar[] parameter to text[] again for every row.
        stored = getattr(column.type, "impl", column.type)  # SQLModel's string decorates one
        kind = sa.Text() if isinstance(stored, sa.String) else column.type
        array = sa.bindparam(None, list(values), type_=postgresql.ARRAY(kind))
        return column == sa.any_(array)
    return column.in_(list(values))


# COPY statements sent by ``insert_rows`` (PostgreSQL), which SQLAlchemy's statement events do
# not see: benches and tests add them to what they count.
copies = [0]


def insert_rows(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Many new rows of one table (their columns' Python values, the same keys in the same
    order in each) without SQLAlchemy's per-row work: one ``COPY`` on PostgreSQL; on SQLite
    INSERTs of many rows each (``statement_sizes``), with the values as SQLAlchemy would
    store them."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        _copy(connection.connection.dbapi_connection, table, names, columns, rows)
        return
    values = _sqlite_values(table, columns, rows)
    per = rows_per_statement(connection.connection.dbapi_connection, len(columns))
    for statement, flat in sqlite_inserts(table.name, columns, values, per):
        connection.exec_driver_sql(statement, flat)


def sqlite_inserts(
    table: str, columns: list[str], values: list[tuple[Any, ...]], per: int
) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """The INSERTs that write ``values`` (rows of ``columns``) on SQLite, in the sizes
    ``statement_sizes`` gives: each statement's text and its values in one flat tuple."""
    names = ", ".join(f'"{c}"' for c in columns)
    row = "(" + ", ".join("?" for _ in columns) + ")"
    start = 0
    for size in statement_sizes(len(values), per):
        part = values[start : start + size]
        start += size
        listed = ", ".join([row] * size)
        yield f"INSERT INTO {table} ({names}) VALUES {listed}", tuple(chain.from_iterable(part))


def _copy(
    raw: Any, table: sa.Table, names: str, columns: list[str], rows: list[dict[str, Any]]
) -> None:
    """The rows by one ``COPY``, its errors raised as SQLAlchemy raises its own."""
    import psycopg  # installed wherever the store is PostgreSQL

    statement = f"COPY {table.name} ({names}) FROM STDIN"
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    except psycopg.IntegrityError as error:
        raise sa.exc.IntegrityError(statement, None, error) from error
    except psycopg.OperationalError as error:
        raise sa.exc.OperationalError(statement, None, error) from error
    except psycopg.Error as error:
        raise sa.exc.DBAPIError(statement, None, error) from error
    copies[0] += 1


def _sqlite_values(
    table: sa.Table, columns: list[str], rows: list[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    """Each row's values as SQLAlchemy would store them in SQLite."""
    converted = []
    for n, column in enumerate(columns):
        convert = _SQLITE_STORES.get(_python_type(table.c[column]))
        if convert is not None:
            converted.append((n, convert))
    values: list[tuple[Any, ...]] = [tuple(row.values()) for row in rows]
    if not converted:
        return values
    changed = []
    for value in values:
        items = list(value)
        for n, convert in converted:
            if items[n] is not None:
                items[n] = convert(items[n])
        changed.append(tuple(items))
    return changed


# Values in one SQLite INSERT at most. Every statement that writes a table with a full-text
# index opens a statement savepoint, at which FTS5 writes out what it holds in memory: one row
# per statement (``executemany``) gave the word and the pair index a segment of one quote each
# to write and merge again. Hundreds of rows a statement make that a few per batch.
MOST_VALUES = 10_000


def rows_per_statement(raw: Any, columns: int) -> int:
    """How many rows of ``columns`` values one INSERT takes on this sqlite3 connection: a
    power of two, up to ``MOST_VALUES`` values and within the build's limit on bound values
    (32,766 by default)."""
    limit = min(MOST_VALUES, int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)))
    return 1 << (max(1, limit // max(1, columns)).bit_length() - 1)


def statement_sizes(count: int, per: int) -> list[int]:
    """How many rows each INSERT of ``count`` rows carries: ``per`` (a power of two) while
    that many are left, then the rest as powers of two, largest first. A statement is kept
    prepared per shape, and one of hundreds of rows holds about a megabyte: a shape for every
    batch's remainder filled sqlite3's cache of 128 with 100 MB by 10,000 articles."""
    sizes = [per] * (count // per)
    rest = count % per
    sizes += [1 << bit for bit in range(rest.bit_length() - 1, -1, -1) if rest >> bit & 1]
    return sizes


def _python_type(column: sa.ColumnElement[Any]) -> type | None:
    try:
        found: type = column.type.python_type
    except NotImplementedError:
        return None
    return found


# How SQLAlchemy writes a value to SQLite: dates and UTC times as text, flags as 0/1.
_SQLITE_STORES: dict[type | None, Any] = {
    dt.datetime: lambda v: v.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
    dt.date: lambda v: v.isoformat(),
    bool: int,
}


def new_aliases(known: set[str], names: Iterable[str]) -> list[tuple[str, str]]:
    """(key, alias) for each name whose lookup key is not yet known, first spelling kept."""
    new: dict[str, str] = {}
    for alias in names:
        key = name_key(alias)
        if key and key not in known and key not in new:
            new[key] = alias
    return list(new.items())


def free_id(session: Session, model: type[Outlet] | type[Speaker], base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever no row of ``model`` has yet."""
    return first_free(id_base(base), lambda candidate: session.get(model, candidate) is not None)


def id_base(base: str) -> str:
    """An id's stem as ids are made from names: at most 100 characters, no dash at either end."""
    return base[:_MAX_ID].strip("-") or "x"


def first_free(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base-2``, ``base-3``...: the first that is not ``taken``."""
    candidate, n = base, 1
    while taken(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate
