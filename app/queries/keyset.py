"""Keyset pages over tables ordered by a single id, shared by speakers, outlets and articles."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from app.queries.cursors import fingerprint, read_cursor, settle


@dataclass(frozen=True)
class Rows:
    """One page's rows, the cursors of the pages after and before it, and the total."""

    rows: list[sa.RowMapping]
    next_cursor: str | None
    prev_cursor: str | None
    total: int


def page_rows(
    session: Session,
    statement: sa.Select[Any],
    *,
    order: Sequence[sa.ColumnElement[Any]],
    descending: bool,
    query: dict[str, Any],
    limit: int,
    cursor: str | None,
    parsers: Sequence[Callable[[Any], Any]],
) -> Rows:
    """Rows of one page of ``statement`` in ``order``, its cursors, and the total."""
    query_fingerprint = fingerprint(query)
    total = session.execute(
        sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    before = False
    if cursor is not None:
        position, before = read_cursor(cursor, query_fingerprint, parsers)
        row, bound = sa.tuple_(*order), sa.tuple_(*(sa.literal(v) for v in position))
        statement = statement.where(row < bound if descending != before else row > bound)
    directed = [c.desc() if descending != before else c.asc() for c in order]
    found, next_cursor, prev_cursor = settle(
        list(session.execute(statement.order_by(*directed).limit(limit + 1)).mappings()),
        limit, before=before, from_cursor=cursor is not None, query_fingerprint=query_fingerprint,
        position=lambda row: [_plain(row[column]) for column in order],
    )  # fmt: skip
    return Rows(found, next_cursor, prev_cursor, int(total))


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
