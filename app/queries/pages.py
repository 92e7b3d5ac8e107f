"""Keyset pages over tables ordered by a single id, shared by speakers, outlets and articles."""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from app.queries.cursors import encode_cursor, fingerprint, read_position


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
) -> tuple[list[sa.RowMapping], str | None, int]:
    """Rows of one page of ``statement`` in ``order``, the next page's cursor, and the total."""
    query_fingerprint = fingerprint(query)
    total = session.execute(
        sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    if cursor is not None:
        position = read_position(cursor, query_fingerprint, parsers)
        row, bound = sa.tuple_(*order), sa.tuple_(*(sa.literal(v) for v in position))
        statement = statement.where(row < bound if descending else row > bound)
    directed = [c.desc() if descending else c.asc() for c in order]
    found = list(session.execute(statement.order_by(*directed).limit(limit + 1)).mappings())
    if len(found) <= limit:
        return found, None, int(total)
    last = found[limit - 1]
    position = [_plain(last[column]) for column in order]
    return found[:limit], encode_cursor(query_fingerprint, position), int(total)


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
