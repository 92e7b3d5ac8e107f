"""A quote search read straight from a request's query string, for the direct read path.

Each filter is read by its form in ``quote_filters.FILTERS``, with the same limits the routes
validate, so a filter added there is read here too. What this reader cannot take exactly as the
routes would (a bad or repeated value, an unknown parameter, an export) raises ``NotPlain``:
the routes then answer it, problem responses included.
"""

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from app.models.tables import MAX_ROW_ID
from app.queries.quote_filters import (
    CURSOR_LONGEST,
    FILTERS,
    NAME_LONGEST,
    PAGE_MOST,
    SEARCH_LONGEST,
    Filter,
    QuoteQuery,
    blank_is_no_search,
)


class NotPlain(Exception):
    """Not a request this reader takes as it stands; the routes judge it."""


@dataclass(frozen=True)
class QuoteRequest:
    """The filters (``query``, in its default order), the order asked, the page size and the
    cursor."""

    query: QuoteQuery
    sort: str
    limit: int
    cursor: str | None


_LISTED = frozenset({"names", "choices"})
_CURSOR = re.compile(r"[A-Za-z0-9_-]+")
DEFAULT_LIMIT = 20


def read_quote_request(
    query_string: str, sorts: Collection[str], filters: Collection[Filter] = FILTERS
) -> QuoteRequest:
    """The request's search, page size and cursor; ``sorts`` are the orders the caller serves,
    ``filters`` the filters it takes."""
    by_param = {f.param: f for f in filters}
    given: dict[str, list[str]] = {}
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, strict_parsing=True)
    except ValueError as error:
        raise NotPlain("query string") from error
    for name, value in pairs:
        each = by_param.get(name)
        listed = each is not None and each.form in _LISTED
        if (each is None and name not in ("q", "sort", "limit", "cursor")) or (
            name in given and not listed
        ):
            raise NotPlain(name)  # unknown, or a single value given twice
        given.setdefault(name, []).append(value)
    values: dict[str, Any] = {}
    for name, texts in given.items():
        if name in by_param:
            each = by_param[name]
            read = [_read(each, text) for text in texts]
            values[each.attribute] = tuple(read) if each.form in _LISTED else read[0]
    q = given.get("q", [None])[0]
    if q is not None and len(q) > SEARCH_LONGEST:
        raise NotPlain("q")
    sort = given.get("sort", ["-date"])[0]
    if sort not in sorts:
        raise NotPlain("sort")
    limit = given.get("limit", [str(DEFAULT_LIMIT)])[0]
    if not (limit.isascii() and limit.isdigit() and 1 <= int(limit) <= PAGE_MOST):
        raise NotPlain("limit")
    cursor = given.get("cursor", [None])[0]
    if cursor is not None and not (len(cursor) <= CURSOR_LONGEST and _CURSOR.fullmatch(cursor)):
        raise NotPlain("cursor")
    query = QuoteQuery(**values, q=blank_is_no_search(q))
    return QuoteRequest(query, sort, int(limit), cursor)


def _read(each: Filter, text: str) -> Any:
    if each.form == "names":
        if not text.strip() or len(text) > NAME_LONGEST:
            raise NotPlain(each.param)
        return text
    if each.form == "choices":
        if text not in each.choices:
            raise NotPlain(each.param)
        return text
    if each.form == "date":
        return iso_date(text)
    if each.form == "article":
        found = valid_id(text)
        if found is None:
            raise NotPlain(each.param)
        return found
    if text not in ("true", "false"):
        raise NotPlain(each.param)  # the routes also read 1, yes, on...
    return text == "true"


def valid_id(text: str) -> int | None:
    """A row id as a path or query gives it, or None when it is not one."""
    if not text.isdigit() or not text.isascii():
        return None
    value = int(text)
    return value if 0 < value <= MAX_ROW_ID else None


def iso_date(text: str) -> dt.date:
    """A strict YYYY-MM-DD date; anything looser is for the routes to judge."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise NotPlain("date")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise NotPlain("date") from None
