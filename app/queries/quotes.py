"""Finding quotes: every filter of ``GET /v1/quotes``, full-text search, sorting, keyset pages."""

import dataclasses
import threading
from collections.abc import Callable, Iterator
from typing import Any, cast

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql  # noqa: F401 - types to_tsquery() for PostgreSQL
from cachetools import LRUCache
from sqlalchemy import Engine
from sqlmodel import Session

from app.models import Article, Outlet, Quote, Speaker
from app.models.phrase_index import pair_key
from app.models.public import Page, QuotePublic
from app.models.quote_days import DAYS
from app.models.tables import MAX_ROW_ID, core_table
from app.queries.cursors import (
    as_date,
    as_float,
    as_int,
    as_str,
    fingerprint,
    read_cursor,
    settle,
)
from app.queries.lookup import StoreLookup
from app.queries.quote_filters import QuoteQuery, as_clauses
from app.queries.quote_filters import conditions as filter_conditions
from app.queries.quote_rows import DATE, FIELDS, ID, quote_object
from app.queries.search import (
    ID_OF,
    KEY_OF,
    PAIR_INDEX,
    PG_WORDS_HELD,
    VOCABULARY,
    WORD_INDEX,
    SearchTerm,
    index_for,
    is_common,
    one_entry,
    other_forms,
    parse_search,
    search_total,
    to_fts5,
    to_tsquery,
)
from app.queries.store_version import store_version
from app.queries.totals import OLDEST_SET_ASIDE, by_day, extrapolated, plainly_many

QUOTE = core_table(Quote)
SPEAKER = core_table(Speaker)
ARTICLE = core_table(Article)
GIVEN_TO = core_table(Outlet).alias("given_to")
PUBLISHER = core_table(Outlet).alias("publisher")
# Full-text hits with their BM25 score (lower is better), from the FTS5 table the migration made.
_HITS = (
    sa.select(
        sa.literal_column("rowid").label("quote_id"),
        sa.literal_column("rank").label("rank"),
    )
    .select_from(sa.table("quote_fts"))
    .where(sa.text("quote_fts MATCH :match"))
    .subquery("hits")
)


def listing(index: str) -> sa.Select[Any]:
    """The ids of a search's matches, read off the index (the word index or the phrase index)
    that ``search.index_for`` chose; without the score: BM25 is only computed when relevance
    orders, and only over the word index."""
    return (
        sa.select(sa.literal_column(ID_OF[index]))
        .select_from(sa.table(index))
        .where(sa.text(f"{index} MATCH :match"))
    )


_MATCHING = {index: listing(index) for index in VOCABULARY}
# On PostgreSQL the index is a generated tsvector column (migration 0004). The search is a
# condition on the quote itself, so the planner chooses between the GIN index and walking the
# date order; the rank is negated so that, as with BM25, lower is better.
_PG_QUERY = sa.func.to_tsquery("simple", sa.bindparam("match", type_=sa.String))
_PG_WORDS: sa.ColumnClause[Any] = sa.literal_column("quote.search")
# The phrase index's column (migration 0012) holds pair tokens, which the word parser of
# ``to_tsquery`` would split again: its query is read as written.
_PG_PAIRS = sa.literal_column("quote.pairs").op("@@")(
    sa.cast(sa.bindparam("match", type_=sa.String), sa.dialects.postgresql.TSQUERY)
)
PG_MATCHES = {
    WORD_INDEX: cast(sa.ColumnElement[bool], _PG_WORDS.op("@@")(_PG_QUERY)),
    PAIR_INDEX: cast(sa.ColumnElement[bool], _PG_PAIRS),
}
# Searches with at most this many matches are listed before the page is read (PostgreSQL).
PG_LISTED = 1000
_PG_HITS = (
    sa.select(
        QUOTE.c.id.label("quote_id"),
        sa.cast(-sa.func.ts_rank(_PG_WORDS, _PG_QUERY), sa.Double()).label("rank"),
    )
    .where(PG_MATCHES[WORD_INDEX])
    .subquery("hits")
)

# The columns of ``quote_rows.FIELDS``, in its order, as SQLAlchemy reads them.
_ALIASES = {"q": QUOTE, "s": SPEAKER, "g": GIVEN_TO, "a": ARTICLE, "p": PUBLISHER}
_COLUMNS = tuple(_ALIASES[table].c[column] for table, column in FIELDS)
# Where the page's sort key stands in a row, after the columns.
_SORT_KEY = len(FIELDS)
_JOINED = (
    QUOTE.join(SPEAKER, SPEAKER.c.id == QUOTE.c.speaker_id)
    .join(ARTICLE, ARTICLE.c.id == QUOTE.c.article_id)
    .join(PUBLISHER, PUBLISHER.c.id == ARTICLE.c.publisher_id)
    .outerjoin(GIVEN_TO, GIVEN_TO.c.id == QUOTE.c.outlet_id)
)


def get_quote(session: Session, quote_id: int) -> QuotePublic | None:
    if not 0 < quote_id <= MAX_ROW_ID:
        return None
    row = session.execute(sa.select(*_COLUMNS).select_from(_JOINED).where(QUOTE.c.id == quote_id))
    found = row.first()
    return _to_public(found) if found else None


def article_quotes(session: Session, article_id: int) -> list[QuotePublic]:
    """Every quote taken from one article, in the order they stand in its text."""
    rows = session.execute(
        sa.select(*_COLUMNS)
        .select_from(_JOINED)
        .where(QUOTE.c.article_id == article_id)
        .order_by(QUOTE.c.span_start, QUOTE.c.id)
    )
    return [_to_public(row) for row in rows]


# On PostgreSQL, totals past this many matches are estimated (``Settings.exact_total_up_to``).
EXACT_TOTAL_UP_TO = 10_000


def list_quotes(
    session: Session,
    query: QuoteQuery,
    *,
    limit: int,
    cursor: str | None = None,
    exact_up_to: int = EXACT_TOTAL_UP_TO,
) -> Page[QuotePublic]:
    """One page of matches in the query's order, the cursor of the next, and the total."""
    plan = _Plan(session, query, exact_up_to)
    items, next_cursor, prev_cursor = plan.page(session, limit, cursor)
    total, exact = plan.count(session)
    return Page[QuotePublic](
        items=items,
        next_cursor=next_cursor,
        prev_cursor=prev_cursor,
        total=total,
        total_is_exact=exact,
    )


def iter_quotes(
    session: Session, engine: Engine, query: QuoteQuery, *, batch_size: int
) -> Iterator[QuotePublic]:
    """Every match, a batch at a time by keyset, so memory stays flat however many.

    The query is resolved here, at once, so a bad filter raises before anything is streamed;
    each batch then runs in a session of its own, holding no read transaction between batches."""
    plan = _Plan(session, query)

    def batches() -> Iterator[QuotePublic]:
        cursor: str | None = None
        while True:
            with Session(engine) as batch_session:
                items, cursor, _ = plan.page(batch_session, batch_size, cursor)
            yield from items
            if cursor is None:
                return

    return batches()


def report_conditions(
    session: Session, query: QuoteQuery
) -> tuple[list[sa.ColumnElement[bool]], dict[str, Any]]:
    """The conditions on ``quote`` (and their parameters) that a query's filters make: how
    quotations are filtered by their reports."""
    plan = _Plan(session, query)
    return plan.conditions, plan.params()


class _Plan:
    """A query resolved against the store once: names turned into ids, search into a match."""

    def __init__(self, session: Session, query: QuoteQuery, exact_up_to: int = 0) -> None:
        self.query = query
        self.exact_up_to = exact_up_to
        # The condition that is the search itself, where there is one.
        self.searching: sa.ColumnElement[bool] | None = None
        self.fingerprint = fingerprint(dataclasses.asdict(query))
        self.match: str | None = None
        self.index = WORD_INDEX
        # The condition that checks each quote met against the search, where there is one.
        self.probe: sa.ColumnElement[bool] | None = None
        self.common = False
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self.conditions = self._conditions(session)

    def _conditions(self, session: Session) -> list[sa.ColumnElement[bool]]:
        query = self.query
        conditions = as_clauses(filter_conditions(query, StoreLookup(session)))
        if query.q is not None:
            terms = parse_search(query.q)
            if query.sort != "relevance":  # relevance is scored over words
                self.index, terms = index_for(terms)
            documents = None if self.postgres else _documents(session, self.index)
            # Input with no searchable words matches nothing rather than everything.
            if terms:
                self.match = (
                    to_fts5(terms, documents)
                    if documents
                    else to_tsquery(terms, held(session, terms))
                )
            if self.match is None:
                conditions.append(sa.false())
            elif self.postgres:
                if query.sort != "relevance":
                    conditions.append(self._pg_matching(session))
            elif self.index == PAIR_INDEX and not conditions:
                # Phrases alone: the phrase index lists them newest first (``page``).
                self.searching = QUOTE.c.id.in_(_MATCHING[self.index])
                conditions.append(self.searching)
            else:
                assert documents is not None
                self.common = is_common(terms, documents, _quotes(session), self._matches(session))
                if self.common:
                    # BM25 cannot tell apart quotes that all hold common words: a common
                    # search is answered newest first, whatever the sort asked.
                    self.probe = _PROBE[self.index]
                    conditions.append(self.probe)
                elif query.sort != "relevance":
                    self.searching = QUOTE.c.id.in_(_MATCHING[self.index])
                    conditions.append(self.searching)
        return conditions

    def _pg_matching(self, session: Session) -> sa.ColumnElement[bool]:
        """PostgreSQL's planner overrates how many quotes a phrase matches and, with a LIMIT,
        walks the date order checking each: 36 ms for a phrase with 23 matches in 100,000
        quotes. A search with few matches is listed first instead, as the direct SQLite path
        does; one with many keeps the walk, which then stops early."""
        matching = PG_MATCHES[self.index]
        listing_few = sa.select(sa.literal(1)).select_from(QUOTE).where(matching)
        if plainly_many(_planned(session, listing_few, self.params()), PG_LISTED):
            return matching  # listing a thousand of a common phrase's would cost ms for nothing
        found = (
            session.execute(
                sa.select(QUOTE.c.id).where(matching).limit(PG_LISTED + 1), self.params()
            )
            .scalars()
            .all()
        )
        if len(found) > PG_LISTED:
            return matching
        return QUOTE.c.id.in_(found) if found else sa.false()

    def _matches(self, session: Session) -> Callable[[], int]:
        def matches() -> int:
            assert self.match is not None
            return self._search_total(session, self.match)[0]

        return matches

    def _search_total(self, session: Session, match: str) -> tuple[int, bool]:
        def rows(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
            return [tuple(row) for row in session.connection().exec_driver_sql(sql, params)]

        return search_total(rows, match, self.exact_up_to, _quotes(session), self.index)

    @staticmethod
    def _newest_pairs(
        after: list[Any] | None, newest_first: bool, limit: int
    ) -> sa.ColumnElement[bool]:
        """The phrase index lists matches in date order: the page's are its first."""
        newest = listing(PAIR_INDEX)
        rowid: sa.ColumnClause[Any] = sa.literal_column("rowid")
        if after is not None:
            bound_key = pair_key(after[0], after[1])
            newest = newest.where(rowid < bound_key if newest_first else rowid > bound_key)
        newest = newest.order_by(rowid.desc() if newest_first else rowid.asc())
        return QUOTE.c.id.in_(newest.limit(limit + 1))

    def _phrases_alone(self) -> bool:
        """A search of phrases with no other filter, on SQLite: read off the phrase index."""
        searching = self.searching
        return (
            not self.postgres
            and self.index == PAIR_INDEX
            and searching is not None
            and len(self.conditions) == 1
            and self.conditions[0] is searching
        )

    def params(self) -> dict[str, Any]:
        return {"match": self.match} if self.match is not None else {}

    def count(self, session: Session) -> tuple[int, bool]:
        """The total, and whether it is exact (see ``pg_total``)."""
        conditions = [c for c in self.conditions if c is not self.probe]
        if self.postgres:
            if self.match is not None and self.query.sort == "relevance":
                conditions.append(PG_MATCHES[self.index])
            alone = (
                len(conditions) == 1
                and conditions[0] is PG_MATCHES[self.index]
                and self.match is not None
                and one_entry(self.match)
            )
            return pg_total(session, conditions, self.params(), self.exact_up_to, alone)
        if self.match is not None and all(c is self.searching for c in conditions):
            # Only the search: the full-text index counts its own matches, as the direct
            # path does (estimated past ``exact_up_to``).
            return self._search_total(session, self.match)
        return self._sqlite_count(session, conditions)

    def _sqlite_count(
        self, session: Session, conditions: list[sa.ColumnElement[bool]]
    ) -> tuple[int, bool]:
        """Counted up to ``exact_up_to`` matches, estimated past it from the dates of the
        newest (``totals.extrapolated``), as the direct path does."""
        if by_day(self.query):
            # Summed from the counts per speaker and day, under the quote table's name.
            days = DAYS.alias(QUOTE.name)
            summed = sa.func.coalesce(sa.func.sum(days.c.quotes), 0)
            statement = sa.select(summed).select_from(days).where(*conditions)
            return int(session.execute(statement, self.params()).scalar_one()), True
        if self.match is not None and (self.query.sort == "relevance" or self.common):
            conditions.append(QUOTE.c.id.in_(_MATCHING[self.index]))
        if self.exact_up_to <= 0:
            statement = sa.select(sa.func.count()).select_from(QUOTE).where(*conditions)
            return int(session.execute(statement, self.params()).scalar_one()), True
        newest = (
            sa.select(QUOTE.c.date)
            .where(*conditions)
            .order_by(QUOTE.c.date.desc(), QUOTE.c.id.desc())
        )
        back = session.execute(newest.offset(self.exact_up_to).limit(1), self.params()).scalar()
        if back is None:
            statement = sa.select(sa.func.count()).select_from(QUOTE).where(*conditions)
            return int(session.execute(statement, self.params()).scalar_one()), True
        last = session.execute(newest.limit(1), self.params()).scalar_one()
        oldest = (
            sa.select(QUOTE.c.date.label("d"))
            .where(*conditions)
            .order_by(QUOTE.c.date, QUOTE.c.id)
            .limit(OLDEST_SET_ASIDE)
            .subquery()
        )
        kept = session.execute(sa.select(sa.func.max(oldest.c.d)), self.params()).scalar()
        return extrapolated(self.exact_up_to + 1, last, back, kept), False

    def page(
        self, session: Session, limit: int, cursor: str | None
    ) -> tuple[list[QuotePublic], str | None, str | None]:
        """The items of one page, and the cursors of the next and the previous."""
        relevance = self.query.sort == "relevance" and self.match is not None and not self.common
        named = _NAME_ORDERS.get(self.query.sort.lstrip("-"))
        key: tuple[sa.ColumnElement[Any], ...]
        parsers: tuple[Callable[[Any], Any], ...]
        if relevance:
            hits = _PG_HITS if self.postgres else _HITS
            key = (hits.c.rank, QUOTE.c.id)
            source = _JOINED.join(hits, hits.c.quote_id == QUOTE.c.id)
            parsers = (as_float, as_int)
        elif named is not None:
            # By a name, then by date: "speaker" A to Z, each one's oldest first; "-speaker"
            # Z to A, each one's newest first (one direction, so the keyset holds).
            key = (named, QUOTE.c.date, QUOTE.c.id)
            source = _JOINED
            parsers = (as_str, as_date, as_int)
        else:
            key = (QUOTE.c.date, QUOTE.c.id)
            source = _JOINED
            parsers = (as_date, as_int)
        descending = self.query.sort.startswith("-") or (
            self.query.sort == "relevance" and self.common
        )
        statement = sa.select(*_COLUMNS, key[0].label("sort_key")).select_from(source)
        before, after = False, None
        if cursor is not None:
            after, before = read_cursor(cursor, self.fingerprint, parsers)
        newest_first = descending != before
        if self._phrases_alone() and named is None and not relevance:
            statement = statement.where(self._newest_pairs(after, newest_first, limit))
        else:
            statement = statement.where(*self.conditions)
        if after is not None:
            row, bound = sa.tuple_(*key), sa.tuple_(*(sa.literal(v) for v in after))
            # Going back, the rows before the bound are read nearest first, then turned round.
            statement = statement.where(row < bound if descending != before else row > bound)
        order = [k.desc() if descending != before else k.asc() for k in key]
        rows = session.execute(statement.order_by(*order).limit(limit + 1), self.params())
        found, next_cursor, prev_cursor = settle(
            list(rows), limit, before=before, from_cursor=cursor is not None,
            query_fingerprint=self.fingerprint,
            position=lambda row: (
                [row[_SORT_KEY], row[DATE].isoformat(), row[ID]]
                if named is not None
                else [row[_SORT_KEY] if relevance else row[DATE].isoformat(), row[ID]]
            ),
        )  # fmt: skip
        return [_to_public(row) for row in found], next_cursor, prev_cursor


# The names a list can be ordered by (a quote given to no outlet sorts as an empty name).
_NAME_ORDERS: dict[str, sa.ColumnElement[Any]] = {
    "speaker": SPEAKER.c.name,
    "outlet": sa.func.coalesce(GIVEN_TO.c.name, ""),
    "publisher": PUBLISHER.c.name,
}

# For a common search: each quote met in date order is checked against the index.
_PROBE = {
    index: cast(
        sa.ColumnElement[bool],
        sa.text(
            f"EXISTS (SELECT 1 FROM {index} WHERE {index} MATCH :match AND rowid = "
            f"{KEY_OF[index].format(q='quote')})"
        ),
    )
    for index in VOCABULARY
}


def pg_total(
    session: Session,
    conditions: list[sa.ColumnElement[bool]],
    params: dict[str, Any],
    exact_up_to: int,
    one_entry: bool = False,
) -> tuple[int, bool]:
    """The number of quotes matching ``conditions`` on PostgreSQL: counted when at most
    ``exact_up_to`` (reading no more than one past it), else the planner's estimate, flagged
    as such. An exact count of 158,000 matches cost 40-220 ms a request; the estimate costs a
    plan. ``exact_up_to`` 0 always counts; ``one_entry``: see ``totals.plainly_many``."""
    if exact_up_to <= 0:
        statement = sa.select(sa.func.count()).select_from(QUOTE).where(*conditions)
        return int(session.execute(statement, params).scalar_one()), True
    matching = sa.select(sa.literal(1)).select_from(QUOTE).where(*conditions)
    estimate = _planned(session, matching, params)
    if plainly_many(estimate, exact_up_to, one_entry):
        return estimate, False
    capped = sa.select(sa.func.count()).select_from(matching.limit(exact_up_to + 1).subquery())
    counted = int(session.execute(capped, params).scalar_one())
    if counted <= exact_up_to:
        return counted, True
    return max(estimate, exact_up_to + 1), False


def _planned(session: Session, statement: sa.Select[Any], params: dict[str, Any]) -> int:
    """How many rows PostgreSQL's planner expects ``statement`` to give."""
    # The statement with every parameter given (lists expanded), as the driver takes it.
    expanded = statement.compile(dialect=session.get_bind().dialect).construct_expanded_state(
        params
    )
    plan = (
        session.connection()
        .exec_driver_sql("EXPLAIN (FORMAT JSON) " + expanded.statement, expanded.parameters)
        .scalar_one()
    )
    return int(plan[0]["Plan"]["Plan Rows"])


# How many quotes hold a word (SQLite's full-text vocabulary), remembered until the store
# changes: a common word's count reads its whole index entry, tens of ms at a million quotes.
_WORD_COUNTS: LRUCache[tuple[str, str], int] = LRUCache(maxsize=50_000)
_counted_at: list[tuple[Any, ...]] = [()]
_counts_lock = threading.Lock()


def _documents(session: Session, index: str = WORD_INDEX) -> Callable[[str], int]:
    version = store_version(session)
    with _counts_lock:
        if _counted_at[0] != version:
            _WORD_COUNTS.clear()
            _counted_at[0] = version

    def documents(word: str) -> int:
        with _counts_lock:
            known = _WORD_COUNTS.get((index, word))
        if known is not None:
            return known
        found = session.execute(
            sa.text(f"SELECT doc FROM {VOCABULARY[index]} WHERE term = :term"), {"term": word}
        ).scalar()
        count = int(found or 0)
        with _counts_lock:
            if _counted_at[0] == version:
                _WORD_COUNTS[(index, word)] = count
        return count

    return documents


def held(session: Session, terms: list[SearchTerm]) -> set[str]:
    """Which other forms of the search's words some quote holds (PostgreSQL)."""
    forms = other_forms(terms)
    if not forms:
        return set()
    rows = session.connection().exec_driver_sql(PG_WORDS_HELD, (forms,))
    return {str(row[0]) for row in rows}


def _quotes(session: Session) -> int:
    return int(session.execute(sa.select(sa.func.max(QUOTE.c.id))).scalar() or 0)


def _to_public(row: sa.Row[Any]) -> QuotePublic:
    return QuotePublic.model_validate(quote_object(row))
