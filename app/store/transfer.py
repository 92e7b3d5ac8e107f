"""Copying a whole store into another, empty one at the same schema: SQLite to PostgreSQL when
a newsroom moves, or back. Rows keep their ids, so permalinks and cursors' ids stay valid; the
target's full-text index is built by the target itself (triggers on SQLite, the generated
column on PostgreSQL). One transaction: the copy is whole, or nothing is copied."""

import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import SQLModel

from app.models import (
    ApiKey,
    Article,
    IdempotentRequest,
    Outlet,
    OutletAlias,
    Quotation,
    QuotationAnchor,
    Quote,
    QuoteRevision,
    Speaker,
    SpeakerAlias,
    SpeakerRevision,
)
from app.models.tables import core_table

_COPIED: list[type[SQLModel]] = [
    ApiKey, Outlet, OutletAlias, Speaker, SpeakerAlias, Article, Quotation, QuotationAnchor,
    Quote, QuoteRevision, SpeakerRevision, IdempotentRequest,
]  # fmt: skip


def _parents_first(models: list[type[SQLModel]]) -> list[type[SQLModel]]:
    """The models in the order of their tables' foreign keys, parents before children, so
    every reference finds its row on a target that checks them as rows arrive (SQLite): an
    alias names the article it was learnt from, so articles go before aliases."""
    by_table = {core_table(model).name: model for model in models}
    ordered = [t.name for t in SQLModel.metadata.sorted_tables if t.name in by_table]
    return [by_table[name] for name in ordered]


# Parents before children, derived from the foreign keys rather than kept by hand.
MODELS: list[type[SQLModel]] = _parents_first(_COPIED)
BATCH = 5000


class TransferError(RuntimeError):
    """The copy cannot be made as asked."""


@dataclass(frozen=True)
class Copied:
    rows: dict[str, int]
    seconds: float


def copy_store(source: Engine, target: Engine) -> Copied:
    started = time.perf_counter()
    counts: dict[str, int] = {}
    checked_after = False
    with target.begin() as writing:
        if writing.dialect.name == "postgresql":
            # A bulk copy is not a query a client waits on: the serving budget does not apply.
            writing.exec_driver_sql("SET LOCAL statement_timeout = 0")
            # A superuser may skip the foreign keys' checks row by row (half the copy's time
            # at a million quotes): every reference is checked at once after the load instead.
            checked_after = writing.exec_driver_sql("SHOW is_superuser").scalar() == "on"
            if checked_after:
                writing.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for model in MODELS:
            table = core_table(model)
            if writing.execute(sa.select(sa.func.count()).select_from(table)).scalar_one():
                raise TransferError(f"the target store's {table.name} table is not empty")
        rebuilt = _set_indexes_aside(writing)
        with source.connect() as reading:
            for model in MODELS:
                table = core_table(model)
                counts[table.name] = _copy_table(reading, writing, table)
        for definition in rebuilt:
            writing.exec_driver_sql(definition)
        if writing.dialect.name == "postgresql" and checked_after:
            writing.exec_driver_sql("SET LOCAL session_replication_role = origin")
            _check_references(writing)
        if writing.dialect.name == "postgresql":
            for model in MODELS:
                _advance_sequence(writing, core_table(model))
    return Copied(counts, time.perf_counter() - started)


def _check_references(writing: sa.Connection) -> None:
    """Every foreign key of the copied rows finds its row, checked per key in one anti-join; a
    copy that would break one is refused and rolled back whole."""
    for model in MODELS:
        table = core_table(model)
        for key in table.foreign_keys:
            column = key.parent
            # Aliased: a quote may refer to another quote.
            target = key.column.table.alias("referred").c[key.column.name]
            dangling = writing.execute(
                sa.select(column)
                .where(column.is_not(None), ~sa.exists().where(target == column))
                .limit(1)
            ).first()
            if dangling is not None:
                raise TransferError(
                    f"{table.name}.{column.name} {dangling[0]!r} names no row of "
                    f"{target.table.name}: the source store is inconsistent"
                )


def _set_indexes_aside(writing: sa.Connection) -> list[str]:
    """On PostgreSQL, drops the copied tables' plain indexes (not those behind keys and unique
    constraints) and returns how to make them again: built once over a million rows, the
    full-text index and the others cost a fraction of keeping them up to date row by row."""
    if writing.dialect.name != "postgresql":
        return []
    tables = [core_table(model).name for model in MODELS]
    rows = writing.execute(
        sa.text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.schemaname = current_schema() AND i.tablename = ANY(:tables) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        ),
        {"tables": tables},
    ).all()
    writing.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
    for name, _ in rows:
        writing.exec_driver_sql(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def _rows(reading: sa.Connection, table: sa.Table) -> Iterator[Sequence[sa.Row[Any]]]:
    key = list(table.primary_key.columns)
    result = reading.execution_options(yield_per=BATCH).execute(sa.select(table).order_by(*key))
    yield from result.partitions()


def _sqlite_rows(
    reading: sa.Connection, table: sa.Table, names: list[str]
) -> Iterator[Sequence[Any]]:
    key = ", ".join(f'"{column.name}"' for column in table.primary_key.columns)
    columns = ", ".join(f'"{name}"' for name in names)
    cursor = reading.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(f'SELECT {columns} FROM "{table.name}" ORDER BY {key}')
    while rows := cursor.fetchmany(BATCH):
        yield rows


def _copy_table(reading: sa.Connection, writing: sa.Connection, table: sa.Table) -> int:
    names = [column.name for column in table.columns]
    copied = 0
    if writing.dialect.name == "postgresql":
        # COPY: an order of magnitude faster than INSERTs for a million quotes.
        cursor = writing.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        columns = ", ".join(f'"{name}"' for name in names)
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            if reading.dialect.name == "sqlite":
                # SQLite's own values as stored (ISO dates and times, JSON text, 0/1) are what
                # COPY reads: no row object, no parsing into Python dates and back.
                for stored in _sqlite_rows(reading, table, names):
                    for raw in stored:
                        copy.write_row(raw)
                    copied += len(stored)
                return copied
            for rows in _rows(reading, table):
                for row in rows:
                    copy.write_row(_plain(row))
                copied += len(rows)
        return copied
    for rows in _rows(reading, table):
        writing.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows])
        copied += len(rows)
    return copied


def _plain(row: sa.Row[Any]) -> tuple[Any, ...]:
    return tuple(json.dumps(value) if isinstance(value, dict) else value for value in row)


def _advance_sequence(writing: sa.Connection, table: sa.Table) -> None:
    """New rows on PostgreSQL must take ids after the copied ones."""
    # A key with no sequence behind it (a text id) has none to move: PostgreSQL says NULL.
    for column in table.primary_key.columns:
        sequence = writing.execute(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": column.name},
        ).scalar()
        if sequence:
            top = f'SELECT coalesce(max("{column.name}"), 0) + 1 FROM "{table.name}"'
            writing.execute(sa.text(f"SELECT setval('{sequence}', ({top}), false)"))
