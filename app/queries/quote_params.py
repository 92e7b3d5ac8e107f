"""A quote search read from a query string: by the direct read path and the search page.

Each filter is read by its form in ``quote_filters.FILTERS``, with the same limits the routes
validate, so a filter added there is read here too. What this reader cannot take as it stands
(a bad or repeated value, an unknown parameter) raises ``NotPlain``, naming the parameter and
saying what is wrong with it: the direct path hands such a request to the routes, which answer
the problem; the search page shows the reader what to fix.
"""

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast, get_args
from urllib.parse import parse_qsl

from app.models.tables import MAX_ROW_ID
from app.queries.errors import QueryError, check_range
from app.queries.quote_filters import (
    CURSOR_LONGEST,
    FILTERS,
    NAME_LONGEST,
    PAGE_MOST,
    SEARCH_LONGEST,
    Filter,
    QuoteQuery,
    QuoteSort,
    blank_is_no_search,
)


class NotPlain(QueryError):
    """Not a search this reader takes as it stands; ``parameter`` and ``detail`` say why."""


@dataclass(frozen=True)
class QuoteRequest:
    """The filters (``query``, in the order asked when it is one of quotes), the order asked,
    the page size and the cursor."""

    query: QuoteQuery
    sort: str
    limit: int
    cursor: str | None


_LISTED = frozenset({"names", "choices"})
_QUOTE_SORTS = frozenset(get_args(QuoteSort))
_PAGING = frozenset({"q", "sort", "limit", "cursor"})
_CURSOR = re.compile(r"[A-Za-z0-9_-]+")
DEFAULT_LIMIT = 20


def read_quote_request(
    query_string: str, sorts: Collection[str], filters: tuple[Filter, ...] = FILTERS
) -> QuoteRequest:
    """The request's search, page size and cursor; ``sorts`` are the orders the caller serves,
    ``filters`` the filters it takes."""
    by_param = _by_param(filters)
    given = _grouped(query_string, by_param)
    values: dict[str, Any] = {}
    for name, texts in given.items():
        if name in by_param:
            each = by_param[name]
            read = [_read(each, text) for text in texts]
            values[each.attribute] = tuple(read) if each.form in _LISTED else read[0]
    q = _one(given, "q")
    if q is not None and len(q) > SEARCH_LONGEST:
        raise NotPlain("q", f"the search is longer than {SEARCH_LONGEST:,} characters")
    sort = _one(given, "sort")
    if sort is None:
        sort = "-date"  # absent; an empty order is a wrong one, as the routes read it
    elif sort not in sorts:
        raise NotPlain("sort", f"the order is one of {', '.join(sorts)}")
    limit = _one(given, "limit")
    if limit is not None and not _page_size(limit):
        raise NotPlain("limit", f"the page size is a whole number from 1 to {PAGE_MOST}")
    cursor = _one(given, "cursor")
    if cursor is not None and not _cursor(cursor):
        raise NotPlain("cursor", "the cursor is not one this service made")
    # A quote order goes in the query; another (a quotation's "reports") is the caller's.
    order = sort if sort in _QUOTE_SORTS else "-date"
    query = QuoteQuery(**values, q=blank_is_no_search(q), sort=cast(QuoteSort, order))
    try:
        check_range(query.since, query.until)
    except QueryError as error:
        raise NotPlain(error.parameter, error.detail) from error
    return QuoteRequest(query, sort, int(limit) if limit is not None else DEFAULT_LIMIT, cursor)


@lru_cache(maxsize=16)
def _by_param(filters: tuple[Filter, ...]) -> dict[str, Filter]:
    return {f.param: f for f in filters}


def _grouped(query_string: str, by_param: dict[str, Filter]) -> dict[str, list[str]]:
    """Each parameter's values, in order; an unknown parameter or a repeated single one is
    not plain."""
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, strict_parsing=True)
    except ValueError as error:
        raise NotPlain("query", "the query string is malformed") from error
    given: dict[str, list[str]] = {}
    for name, value in pairs:
        each = by_param.get(name)
        known = each is not None or name in _PAGING
        listed = each is not None and each.form in _LISTED
        if not known:
            raise NotPlain(name, f"{name} is not a parameter of a quote search")
        if name in given and not listed:
            raise NotPlain(name, f"{name} is given more than once")
        given.setdefault(name, []).append(value)
    return given


def _one(given: dict[str, list[str]], name: str) -> str | None:
    found = given.get(name)
    return found[0] if found else None


def _page_size(text: str) -> bool:
    return text.isascii() and text.isdigit() and 1 <= int(text) <= PAGE_MOST


def _cursor(text: str) -> bool:
    return len(text) <= CURSOR_LONGEST and _CURSOR.fullmatch(text) is not None


def _read(each: Filter, text: str) -> Any:
    name = each.param
    if each.form == "names":
        if not text.strip() or len(text) > NAME_LONGEST:
            raise NotPlain(name, f"the {name} is a name of 1 to {NAME_LONGEST} characters")
        return text
    if each.form == "choices":
        if text not in each.choices:
            raise NotPlain(name, f"{text!r} is not one of {', '.join(each.choices)}")
        return text
    if each.form == "date":
        return iso_date(text, name)
    if each.form == "article":
        found = valid_id(text)
        if found is None:
            raise NotPlain(name, f"the {name} must be given by its number")
        return found
    if text not in ("true", "false"):
        raise NotPlain(name, f"{name} is true or false")  # the routes also read 1, yes, on...
    return text == "true"


def valid_id(text: str) -> int | None:
    """A row id as a path or query gives it, or None when it is not one."""
    if not text.isdigit() or not text.isascii():
        return None
    value = int(text)
    return value if 0 < value <= MAX_ROW_ID else None


def iso_date(text: str, name: str) -> dt.date:
    """A strict YYYY-MM-DD date (the routes judge anything looser themselves)."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise NotPlain(name, f"{name}: {text!r} is not a date; write it as 2024-05-31")
