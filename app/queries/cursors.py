"""Opaque keyset cursors: the sort key of the last row served, plus what they belong to.

A cursor carries the position after which the next page starts, not an offset, so rows added
while a client pages never shift what it has still to see. It also carries a fingerprint of the
query that made it, so a cursor from one query is refused by another instead of misleading it.
A previous-page cursor is the first row's position marked ``BEFORE``: that page is read in the
reverse order from there, and turned round."""

import base64
import binascii
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from app.models.tables import MAX_ROW_ID
from app.queries.errors import InvalidCursor


def fingerprint(query: dict[str, Any]) -> str:
    canonical = json.dumps(query, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


T = TypeVar("T")
# The last value of a previous-page cursor's position.
BEFORE = "<"


def encode_cursor(query_fingerprint: str, position: list[Any], *, before: bool = False) -> str:
    if before:
        position = [*position, BEFORE]
    payload = json.dumps({"f": query_fingerprint, "p": position}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, query_fingerprint: str, arity: int) -> list[Any]:
    """The position in ``cursor``; refuses one that is malformed or made by another query."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidCursor("cursor", "cursor is not one this API handed out") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), list):
        raise InvalidCursor("cursor", "cursor is not one this API handed out")
    if payload.get("f") != query_fingerprint:
        raise InvalidCursor("cursor", "cursor belongs to a different query or sort order")
    position: list[Any] = payload["p"]
    if len(position) != arity:
        raise InvalidCursor("cursor", "cursor is not one this API handed out")
    return position


def as_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ROW_ID:
        raise TypeError("not a row id")
    return value


def as_str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def as_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("not a number")
    return float(value)


def as_date(value: Any) -> dt.date:
    return dt.date.fromisoformat(as_str(value))


def read_position(
    cursor: str, query_fingerprint: str, parsers: Sequence[Callable[[Any], Any]]
) -> list[Any]:
    """A next-page cursor's position, each value checked and converted by its parser. A
    previous-page cursor is refused: the direct read paths leave those to the general one."""
    position = decode_cursor(cursor, query_fingerprint, arity=len(parsers))
    return _parsed(position, parsers)


def read_cursor(
    cursor: str, query_fingerprint: str, parsers: Sequence[Callable[[Any], Any]]
) -> tuple[list[Any], bool]:
    """Any cursor's position, and whether it asks for the page before it."""
    try:
        position = decode_cursor(cursor, query_fingerprint, arity=len(parsers))
        return _parsed(position, parsers), False
    except InvalidCursor:
        position = decode_cursor(cursor, query_fingerprint, arity=len(parsers) + 1)
        if position[-1] != BEFORE:
            raise
        return _parsed(position[:-1], parsers), True


def settle(
    found: list[T],
    limit: int,
    *,
    before: bool,
    from_cursor: bool,
    query_fingerprint: str,
    position: Callable[[T], list[Any]],
) -> tuple[list[T], str | None, str | None]:
    """A page from up to ``limit + 1`` rows read in its order (the reverse order when
    ``before``), with its next and previous cursors. A page reached from a cursor always has a
    previous one (its first row's, going back) unless it was read going back and found nothing
    more; a page read going back always has a next one."""
    more = len(found) > limit
    items = found[:limit]
    if before:
        items.reverse()
    if not items:
        return items, None, None
    next_cursor = encode_cursor(query_fingerprint, position(items[-1])) if more or before else None
    previous = more if before else from_cursor
    prev_cursor = (
        encode_cursor(query_fingerprint, position(items[0]), before=True) if previous else None
    )
    return items, next_cursor, prev_cursor


def _parsed(position: list[Any], parsers: Sequence[Callable[[Any], Any]]) -> list[Any]:
    try:
        return [parse(value) for parse, value in zip(parsers, position, strict=True)]
    except (TypeError, ValueError) as error:
        raise InvalidCursor("cursor", "cursor is not one this API handed out") from error
