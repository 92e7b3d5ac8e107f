"""Every filter of a quote search, defined once.

A quote search is a ``QuoteQuery``; each of its filters is one ``Filter`` below: the request
parameter, what it means as SQL, and what the API documents about it. The general query layer,
the direct read paths on both stores, the search page, facets, feeds and exports all read their
conditions from ``conditions``, and the routes build their parameters from ``FILTERS``, so a
new filter is one field and one entry here. The full-text search ``q`` is the one filter each
executor runs its own way (an index of its store), and is not in the table.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Protocol, cast, get_args

import sqlalchemy as sa

from app.models.public import QuoteKind, QuoteOrigin, SpeakerKind
from app.queries.errors import QueryError, check_range

QuoteSort = Literal[
    "-date", "date", "relevance", "speaker", "-speaker", "outlet", "-outlet", "publisher",
    "-publisher",
]  # fmt: skip

# The limits of a quote search's parameters, for the routes' validation and the direct path's.
PAGE_MOST = 100
CURSOR_LONGEST = 2000
SEARCH_LONGEST = 1000
NAME_LONGEST = 300


@dataclass(frozen=True)
class QuoteQuery:
    """What a client asked for, as given: names are resolved against the store when run."""

    speakers: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    q: str | None = None
    article: int | None = None
    sort: QuoteSort = "-date"
    origins: tuple[str, ...] = ()
    reviewed: bool | None = None
    speaker_kinds: tuple[str, ...] = ()


def blank_is_no_search(value: str | None) -> str | None:
    """A blank search box means no search, not "match nothing": the one rule for every path
    that reads ``q``."""
    return value if value is None or value.strip() else None


@dataclass(frozen=True)
class Condition:
    """One condition on ``quote`` as SQL with ``?`` for each value, in order; each executor
    renders the marks its own way (``sqlite3``, psycopg, SQLAlchemy). A value that is a tuple
    is a list, written ``IN (?)``: one mark a value on SQLite, ``= ANY(%s)`` with one array on
    PostgreSQL (one prepared statement whatever its length), an expanding parameter in
    SQLAlchemy."""

    sql: str
    values: tuple[Any, ...] = ()


class Lookup(Protocol):
    """How an executor resolves what a query names in its store."""

    def ids(
        self, owner: Literal["speaker", "outlet"], names: tuple[str, ...], parameter: str
    ) -> Sequence[str]:
        """Every id the names mean; a name that means nothing raises (each executor its way)."""

    def has_article(self, article_id: int) -> bool: ...


Form = Literal["names", "choices", "date", "article", "flag"]


@dataclass(frozen=True, eq=False)  # each filter is one of a kind: hashed by identity
class Filter:
    """A filter: the request parameter ``param`` sets ``QuoteQuery.<attribute>``, and a value
    (names already resolved to ids) means the condition ``sql`` on the quote table: ``{q}``
    stands for the table's name in the statement, ``?`` for the value (``IN (?)`` for a list:
    names, ids and choices are lists)."""

    param: str
    attribute: str
    form: Form
    sql: str
    description: str
    examples: dict[str, Any]
    choices: tuple[str, ...] = ()
    owner: Literal["speaker", "outlet"] | None = None
    # Whether it is a condition on a quotation's reports (``/v1/quotations``) as well as on
    # quotes: the quotation has its own speaker and dates.
    on_reports: bool = True


FILTERS: tuple[Filter, ...] = (
    Filter(
        "speaker", "speakers", "names", "{q}.speaker_id IN (?)", owner="speaker", on_reports=False,
        description="A speaker id, or any of its names or aliases, case-insensitive. Repeat for "
        "any of several.",
        examples={"by_surname": "blinken", "by_id": "antony-blinken",
                  "anonymous": "unnamed U.S. official"},
    ),
    Filter(
        "outlet", "outlets", "names", "{q}.outlet_id IN (?)", owner="outlet",
        description='The outlet the words were given to ("told CBS News"): id or name, '
        "case-insensitive. Repeat for any of several.",
        examples={"by_id": "cbs-news", "by_name": "The Washington Post"},
    ),
    Filter(
        "publisher", "publishers", "names",
        "{q}.article_id IN (SELECT id FROM article WHERE publisher_id IN (?))", owner="outlet",
        description="The article's publisher: an outlet id or name, case-insensitive. Repeat "
        "for any of several.",
        examples={"by_id": "upi", "by_name": "United Press International"},
    ),
    Filter(
        "since", "since", "date", "{q}.date >= ?", on_reports=False,
        description="Only items dated on or after this ISO date (inclusive).",
        examples={"may_2024": "2024-05-01"},
    ),
    Filter(
        "until", "until", "date", "{q}.date <= ?", on_reports=False,
        description="Only items dated on or before this ISO date (inclusive).",
        examples={"end_of_may_2024": "2024-05-31"},
    ),
    Filter(
        "kind", "kinds", "choices", "{q}.kind IN (?)", choices=get_args(QuoteKind),
        description="`direct`, `partial` or `indirect`. Repeat for any of several.",
        examples={"direct_only": "direct", "partial": "partial"},
    ),
    Filter(
        "speaker_kind", "speaker_kinds", "choices",
        "{q}.speaker_id IN (SELECT id FROM speaker WHERE kind IN (?))",
        choices=get_args(SpeakerKind),
        description="`person`, `organization` or `anonymous` (a source the article does not "
        'name, such as "a U.S. official"): the kind of speaker. Repeat for any of several.',
        examples={"unnamed_sources": "anonymous", "named_people": "person"},
    ),
    Filter(
        "article", "article", "article", "{q}.article_id = ?", on_reports=False,
        description="Only quotes from this article id.",
        examples={"seed_article": 1},
    ),
    Filter(
        "origin", "origins", "choices", "{q}.origin IN (?)", choices=get_args(QuoteOrigin),
        description="`seed`, `extracted` or `manual`: where the quote came from. Repeat for any "
        "of several.",
        examples={"machine": "extracted", "by_hand": "manual"},
    ),
    Filter(
        "reviewed", "reviewed", "flag", "{q}.reviewed = ?",
        description="`false`: only quotes no person has checked yet (machine attributions); "
        "`true`: only those a person confirmed, corrected or curated.",
        examples={"unchecked": False, "checked": True},
    ),
)  # fmt: skip
BY_PARAM = {f.param: f for f in FILTERS}


def conditions(query: QuoteQuery, lookup: Lookup, quote: str = "quote") -> list[Condition]:
    """The conditions every filter of ``query`` but the search makes on the quote table (called
    ``quote`` in the SQL), names resolved by ``lookup``."""
    return [Condition(_on(each.sql, quote), (value,)) for each, value in _given(query, lookup)]


def conditions_sql(
    query: QuoteQuery, lookup: Lookup, quote: str, mark: str = "?"
) -> tuple[list[str], list[Any]]:
    """``conditions`` as a DB-API driver takes them, for the direct paths: ``mark`` is the
    driver's placeholder; with ``?`` (``sqlite3``) a list is one mark a value and dates are ISO
    text, as SQLite stores them; with ``%s`` (psycopg) a list is one array, a list of one its
    value. The SQL of each shape of query (which filters, how many values each) is written
    once."""
    shape: list[tuple[Filter, int]] = []
    values: list[Any] = []
    for each, value in _given(query, lookup):
        if isinstance(value, tuple):
            shape.append((each, len(value)))
            if mark == "?":
                values.extend(value)
            else:
                values.append(value[0] if len(value) == 1 else list(value))
        else:
            shape.append((each, -1))
            iso = mark == "?" and isinstance(value, dt.date)
            values.append(value.isoformat() if iso else value)
    return list(_shape_sql(tuple(shape), quote, mark)), values


@lru_cache(maxsize=4096)
def _shape_sql(shape: tuple[tuple[Filter, int], ...], quote: str, mark: str) -> tuple[str, ...]:
    return tuple(_rendered(_on(each.sql, quote), mark, (length,)) for each, length in shape)


def asked(query: QuoteQuery) -> list[tuple[Filter, Any]]:
    """Each filter the query gives a value (no search among them), with the value as asked."""
    found = []
    for each in FILTERS:
        value = getattr(query, each.attribute)
        if value is not None and value != ():
            found.append((each, value))
    return found


def _given(query: QuoteQuery, lookup: Lookup) -> list[tuple[Filter, Any]]:
    """Each filter the query gives, with its value: names resolved to ids (a tuple, as every
    list is), an article checked to exist."""
    check_range(query.since, query.until)
    given: list[tuple[Filter, Any]] = []
    for each, value in asked(query):
        if each.owner is not None:
            value = tuple(sorted(set(lookup.ids(each.owner, value, each.param))))
        elif isinstance(value, list):
            value = tuple(value)
        elif each.form == "article" and not lookup.has_article(value):
            raise QueryError(each.param, f"there is no article {value}")
        given.append((each, value))
    return given


@lru_cache(maxsize=256)
def _on(sql: str, quote: str) -> str:
    return sql.replace("{q}", quote)


_LIST = "IN ("


def _pieces(condition: Condition) -> list[tuple[str, Any]]:
    """The SQL before each value, with the value; the last piece has none (``None``)."""
    parts = condition.sql.split("?")
    pieces: list[tuple[str, Any]] = list(zip(parts, condition.values, strict=False))
    assert len(parts) == len(condition.values) + 1, condition.sql
    return [*pieces, (parts[-1], None)]


def as_clauses(found: Sequence[Condition], prefix: str = "filter") -> list[sa.ColumnElement[bool]]:
    """The conditions as SQLAlchemy clauses, each value a bound parameter of its own type (a
    list an expanding one, which brings its own parentheses). ``prefix`` names the parameters:
    two sets of conditions in one statement need two prefixes."""
    clauses: list[sa.ColumnElement[bool]] = []
    for number, condition in enumerate(found):
        written: list[str] = []
        binds: list[sa.BindParameter[Any]] = []
        pieces = _pieces(condition)
        for i, (before, value) in enumerate(pieces[:-1]):
            name = f"{prefix}_{number}_{i}"
            if isinstance(value, tuple):
                assert before.endswith(_LIST), condition.sql
                written.append(f"{before[: -len(_LIST)]}IN :{name}")
                binds.append(sa.bindparam(name, list(value), expanding=True))
                pieces[i + 1] = (pieces[i + 1][0].removeprefix(")"), pieces[i + 1][1])
            else:
                written.append(f"{before}:{name}")
                binds.append(sa.bindparam(name, value))
        written.append(pieces[-1][0])
        text = sa.text("".join(written)).bindparams(*binds)
        clauses.append(cast(sa.ColumnElement[bool], text))
    return clauses


@lru_cache(maxsize=4096)
def _rendered(sql: str, mark: str, lengths: tuple[int, ...]) -> str:
    """A condition's SQL with its marks (a list of ``n`` values: ``n`` marks, or one array)."""
    parts = sql.split("?")
    written = [parts[0]]
    for length, after in zip(lengths, parts[1:], strict=True):
        if length >= 0 and mark == "?":
            written.append(", ".join("?" * length) + after)
        elif length == 1:
            # One value is ``= %s``, not an array of one: PostgreSQL then walks an index in
            # its order (a speaker's quotes by date) where with ``= ANY`` it sorts them all.
            assert written[-1].endswith(_LIST) and after.startswith(")"), sql
            written[-1] = written[-1][: -len(_LIST)] + "= " + mark
            written.append(after[1:])
        elif length >= 0:
            assert written[-1].endswith(_LIST), sql
            written[-1] = written[-1][: -len(_LIST)] + "= ANY(" + mark
            written.append(after)
        else:
            written.append(mark + after)
    return "".join(written)
