"""The hot read path: ``GET /v1/quotes`` and ``GET /v1/quotes/{id}`` on SQLite, as plain SQL on
read-only connections, answering exactly what the general query layer answers.

It serves only requests that are valid as they stand; anything else (a name the store does not
know, a bad cursor, relevance ranking, an export) is left to the general path, which also
words the problem responses. Totals and name lookups are remembered until the store changes
(SQLite's ``data_version`` says when), so repeated questions cost one index range each.
"""

import sqlite3
import threading
import time
from array import array
from collections.abc import Callable, Hashable, Sequence
from dataclasses import asdict
from functools import lru_cache
from typing import Any, Literal, TypeVar

import orjson

from app.models.phrase_index import pair_key
from app.queries.cursors import as_date, as_int, fingerprint, read_position, settle
from app.queries.errors import QueryError
from app.queries.lookup import alias_keys
from app.queries.quotations import QuotationQuery, own_filters, quotation_fingerprint
from app.queries.quote_filters import QuoteQuery, conditions_sql
from app.queries.quote_rows import DATE, ID, QUOTE_SELECT, iso, quote_object
from app.queries.search import (
    ID_OF,
    KEY_OF,
    PAIR_INDEX,
    VOCABULARY,
    WORD_INDEX,
    index_for,
    is_common,
    parse_search,
    search_total,
    to_fts5,
)
from app.queries.totals import DAY_TOTAL, NEWEST, OLDEST, PAST_THRESHOLD, by_day, extrapolated
from app.queries.typeahead import answer, suggest


class Unserved(Exception):
    """This request is for the general path."""


_T = TypeVar("_T")


class OverBudget(Exception):
    """The query ran past its time budget and was stopped."""


class OverSlice(Exception):
    """The query ran past the short slice it was tried in; run it again off the event loop."""


# A quotation as ``QuotationPublic`` has it.
QUOTATION_SELECT = """SELECT t.id, t.text, s.id, s.name, s.kind, s.role, t.date, t.first_said,
 t.first_reported, t.reports, t.publishers
FROM quotation t
JOIN speaker s ON s.id = t.speaker_id"""
# A search's matches listed off its index, or each quote checked against it (one of each for
# the word index and the phrase index).
_MATCHING = {
    index: f"q.id IN (SELECT {ID_OF[index]} FROM {index} WHERE {index} MATCH ?)"
    for index in VOCABULARY
}
_INDEX_OF = {condition: index for index, condition in _MATCHING.items()}
_LISTED_MANY = "+q.id IN ("
_PROBE = {
    index: f"EXISTS (SELECT 1 FROM {index} WHERE {index} MATCH ? AND rowid = "
    f"{KEY_OF[index].format(q='q')})"
    for index in VOCABULARY
}
# A search of phrases alone: its newest matches read off the phrase index in its own order,
# a page's worth, with no look at any other (``_page`` fills in the bound and direction).
_NEWEST_PAIRS = "newest pairs"
_COUNT_QUOTES = "SELECT count(*) FROM quote q{where}"
_COUNT_QUOTATIONS = "SELECT count(*) FROM quotation t{where}"
# SQLite checks the clock every this many steps of a statement.
PROGRESS_OPS = 2000
# A search with at most this many matches has their ids remembered, in at most
# MATCHED_SEARCHES searches (8 bytes an id: a few MB at most).
MATCHED_IDS = 1000
MATCHED_SEARCHES = 1024
# A search with up to this many matches (by its counted or estimated total) has them
# remembered too, in at most MANY_MATCHED_SEARCHES searches (160 kB each at most): a phrase of
# two common words with a few thousand matches costs FTS5 tens of ms to match again.
MANY_MATCHED_IDS = 20_000
MANY_MATCHED_SEARCHES = 64


class _Local(threading.local):
    connection: sqlite3.Connection | None = None
    version: int = -1
    epoch: int = 0
    deadline: float = 0.0


class FastQuotes:
    """Answers quote reads on its own read-only connections, one per worker thread."""

    # A read is tried on the event loop first, for a short slice.
    inline = True
    # Whether answers are remembered until the store changes (``Settings.remember_answers``).
    remember = True

    def __init__(
        self, path: str, budget_ms: int, immutable: bool = False, exact_up_to: int = 0
    ) -> None:
        self.path = path
        self.exact_up_to = exact_up_to
        self.immutable = immutable
        self.budget = budget_ms / 1000
        self.local = _Local()
        # Tells this reader's epochs from another's over the same file (``_Typing.version``).
        self.identity = object()
        # Shared by every thread. A thread whose connection sees the store change empties
        # them and starts a new epoch; a result computed in an older epoch is not kept.
        self.lock = threading.Lock()
        self.epoch = 0
        self.totals: dict[tuple[Any, ...], int] = {}
        self.estimates: dict[tuple[Any, ...], tuple[int, bool]] = {}
        self.searches: dict[tuple[str, str], tuple[int, bool]] = {}
        self.many_matched: dict[tuple[str, str], array[int] | None] = {}
        self.names: dict[tuple[str, str], tuple[str, ...]] = {}
        self.documents: dict[tuple[str, str], int] = {}
        self.matched: dict[tuple[str, str], array[int] | None] = {}

    # Connections ---------------------------------------------------------------------------

    def _connection(self, seconds: float | None, caches: bool) -> sqlite3.Connection:
        """This thread's connection, its clock set; with ``caches``, the shared caches emptied
        first if the store has changed since this thread last looked."""
        local = self.local
        if local.connection is None:
            immutable = "&immutable=1" if self.immutable else ""
            connection = sqlite3.connect(
                f"file:{self.path}?mode=ro{immutable}", uri=True, check_same_thread=False
            )
            connection.execute("PRAGMA query_only = ON")
            connection.set_progress_handler(self._over_budget, PROGRESS_OPS)
            local.connection = connection
        # The clock first: SQLite's progress counter runs on across statements, so a deadline
        # left over from an earlier, stopped query would stop this one too.
        local.deadline = time.monotonic() + (self.budget if seconds is None else seconds)
        if not caches:
            return local.connection
        version = local.connection.execute("PRAGMA data_version").fetchone()[0]
        if version != local.version:
            with self.lock:
                self.epoch += 1
                self.totals, self.names, self.documents, self.matched = {}, {}, {}, {}
                self.estimates = {}
                self.searches, self.many_matched = {}, {}
            local.version = version
        local.epoch = self.epoch
        return local.connection

    def _keep(self, cache: dict[Any, Any], key: Any, value: Any, most: int = 10_000) -> None:
        if not self.remember:
            return
        with self.lock:
            if self.local.epoch != self.epoch:
                return  # the store changed while this was computed
            if len(cache) >= most:
                cache.clear()
            cache[key] = value

    def _over_budget(self) -> int:
        return 1 if time.monotonic() > self.local.deadline else 0

    def _run(
        self,
        job: Callable[[sqlite3.Connection], _T],
        slice_s: float | None,
        caches: bool = True,
    ) -> _T:
        """``job`` on this thread's connection, within the budget, or within ``slice_s`` when
        it is tried on the event loop first."""
        try:
            return job(self._connection(slice_s, caches))
        except sqlite3.OperationalError as error:
            if "interrupted" in str(error):
                raise (OverSlice if slice_s is not None else OverBudget) from error
            raise Unserved from error

    # Reads ---------------------------------------------------------------------------------

    def one(self, quote_id: int, slice_s: float | None = None) -> tuple[bytes, int]:
        """The quote as JSON, and its version (for the ETag)."""

        def job(connection: sqlite3.Connection) -> tuple[bytes, int]:
            row = connection.execute(QUOTE_SELECT + " WHERE q.id = ?", (quote_id,)).fetchone()
            if row is None:
                raise Unserved  # the general path words the 404
            version = connection.execute(
                "SELECT coalesce(max(version), 0) FROM quote_revision WHERE quote_id = ?",
                (quote_id,),
            ).fetchone()[0]
            return orjson.dumps(quote_object(row)), int(version)

        return self._run(job, slice_s, caches=False)  # one row by id: no cache is read

    def page(
        self, query: QuoteQuery, limit: int, cursor: str | None, slice_s: float | None = None
    ) -> bytes:
        return self._run(lambda c: self._page(c, query, limit, cursor), slice_s)

    def _page(
        self, connection: sqlite3.Connection, query: QuoteQuery, limit: int, cursor: str | None
    ) -> bytes:
        where, params, count_where, count_params = self._conditions(connection, query)
        searching = [c for c in where if c in _INDEX_OF or c.startswith(_LISTED_MANY)]
        by_date = bool(searching) and all(c in searching or c.startswith("q.date") for c in where)
        query_fingerprint = fingerprint_of(query)
        descending = query.sort == "-date"
        page_where, page_params = list(where), list(params)
        if cursor is not None:
            try:
                after = read_position(cursor, query_fingerprint, (as_date, as_int))
            except QueryError as error:
                raise Unserved from error
            page_where.append("(q.date, q.id) " + ("<" if descending else ">") + " (?, ?)")
            page_params += [after[0].isoformat(), after[1]]
        direction = "DESC" if descending else "ASC"
        select = QUOTE_SELECT
        if where == [_NEWEST_PAIRS]:
            # The phrase index lists matches in date order: the page's are its first.
            newest = f"SELECT {ID_OF[PAIR_INDEX]} FROM {PAIR_INDEX} WHERE {PAIR_INDEX} MATCH ?"
            inner: list[Any] = [params[0]]
            if cursor is not None:
                newest += " AND rowid " + ("<" if descending else ">") + " ?"
                inner.append(pair_key(after[0], after[1]))
            newest += f" ORDER BY rowid {direction} LIMIT ?"
            page_where[0] = f"q.id IN ({newest})"
            page_params = [*inner, limit + 1, *page_params[1:]]
        if by_date:
            # A search with more than a thousand matches and no other filter: SQLite would
            # look up every match and sort them all (100 ms for a word in 2% of a million
            # quotes); walking the date order, each quote checked against the matches listed
            # once, finds a page in a few ms.
            select = select.replace("FROM quote q", "FROM quote q INDEXED BY ix_quote_date", 1)
            # The unary + keeps SQLite from seeking the index once per match instead.
            page_where = ["+" + c if c in _INDEX_OF else c for c in page_where]
        sql = (
            select
            + (" WHERE " + " AND ".join(page_where) if page_where else "")
            + f" ORDER BY q.date {direction}, q.id {direction} LIMIT ?"
        )
        rows = connection.execute(sql, [*page_params, limit + 1]).fetchall()
        total, exact = self._page_total(connection, query, count_where, count_params)
        return page_json(rows, limit, query_fingerprint, total, exact, cursor is not None)

    def _page_total(
        self, connection: sqlite3.Connection, query: QuoteQuery, where: list[str], params: list[Any]
    ) -> tuple[int, bool]:
        """A page's total from the conditions that count (``_conditions``), and whether it is
        exact: summed by day, counted off a search's index, or counted up to the threshold."""
        if by_day(query):
            return self._total(connection, where, params, DAY_TOTAL), True
        if len(where) == 1 and where[0] in _INDEX_OF:
            return self._search_total(connection, _INDEX_OF[where[0]], params[0])
        return self._quote_total(connection, where, params)

    def _search_total(
        self, connection: sqlite3.Connection, index: str, match: str
    ) -> tuple[int, bool]:
        key = (index, match)
        found = self.searches.get(key)
        if found is None:

            def rows(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
                return connection.execute(sql, params).fetchall()

            found = search_total(rows, match, self.exact_up_to, self._quotes(connection), index)
            self._keep(self.searches, key, found)
        return found

    def suggestions(self, q: str, limit: int, slice_s: float | None = None) -> bytes:
        """The answer of ``GET /v1/suggest`` (``typeahead``), read on this thread's
        connection: no transaction around its few statements, no session."""
        return self._run(
            lambda connection: orjson.dumps(
                answer(q, suggest(_Typing(self, connection), q, limit))
            ),
            slice_s,
        )

    def quotations(
        self, query: QuotationQuery, limit: int, cursor: str | None, slice_s: float | None = None
    ) -> bytes:
        """A page of ``GET /v1/quotations`` filtered by speaker and dates only."""

        def job(connection: sqlite3.Connection) -> bytes:
            try:
                where, params = conditions_sql(own_filters(query), _Lookup(self, connection), "t")
            except QueryError as error:
                raise Unserved from error
            sql, page_params = quotation_sql(where, params, query, cursor, "?")
            rows = connection.execute(sql, [*page_params, limit + 1]).fetchall()
            total = self._total(connection, where, params, _COUNT_QUOTATIONS)
            return quotations_json(rows, limit, query, total, cursor is not None)

        return self._run(job, slice_s)

    def _quote_total(
        self, connection: sqlite3.Connection, where: list[str], params: list[Any]
    ) -> tuple[int, bool]:
        """The page's total: counted up to ``exact_up_to`` matches, estimated past it
        (``totals.extrapolated``), as the general path does."""
        if self.exact_up_to <= 0:
            return self._total(connection, where, params), True
        key = ("quote q", "newest", tuple(where), tuple(params))
        found = self.estimates.get(key)
        if found is None:
            condition = " WHERE " + " AND ".join(where) if where else ""
            past = connection.execute(
                PAST_THRESHOLD.format(where=condition), [*params, self.exact_up_to]
            ).fetchone()
            if past is None:
                found = (self._total(connection, where, params), True)
            else:
                newest = connection.execute(NEWEST.format(where=condition), params).fetchone()[0]
                kept = connection.execute(OLDEST.format(where=condition), params).fetchone()[0]
                estimate = extrapolated(self.exact_up_to + 1, newest, past[0], kept)
                found = (estimate, False)
            self._keep(self.estimates, key, found)
        return found

    def _total(
        self,
        connection: sqlite3.Connection,
        where: list[str],
        params: list[Any],
        counting: str = _COUNT_QUOTES,
    ) -> int:
        """What ``counting`` (a statement with a ``{where}`` for the conditions) counts."""
        key = (counting, tuple(where), tuple(params))
        total = self.totals.get(key)
        if total is None:
            sql = counting.format(where=" WHERE " + " AND ".join(where) if where else "")
            if counting == _COUNT_QUOTES and len(where) == 1 and where[0] in _INDEX_OF:
                index = _INDEX_OF[where[0]]
                sql = f"SELECT count(*) FROM {index} WHERE {index} MATCH ?"
            total = int(connection.execute(sql, params).fetchone()[0])
            self._keep(self.totals, key, total)
        return total

    def _conditions(
        self, connection: sqlite3.Connection, query: QuoteQuery
    ) -> tuple[list[str], list[Any], list[str], list[Any]]:
        """Conditions for the page, then for the total: a common search is checked quote by
        quote in date order for one page, but counted from the index."""
        try:
            where, params = conditions_sql(query, _Lookup(self, connection), "q")
        except QueryError as error:
            raise Unserved from error  # the general path words the problem
        if query.q is not None:
            terms = parse_search(query.q)
            if not terms:
                where.append("0")
            else:
                index, terms = index_for(terms)
                if index == PAIR_INDEX and not where:
                    match = to_fts5(terms)
                    return [_NEWEST_PAIRS], [match], [_MATCHING[index]], [match]
                documents = self._documents(connection, index)
                match = to_fts5(terms, documents)
                matches = self._matches(connection, index, match)
                matching = _MATCHING[index]
                if is_common(terms, documents, self._quotes(connection), matches):
                    return (
                        [*where, _PROBE[index]], [*params, match],
                        [*where, matching], [*params, match],
                    )  # fmt: skip
                count_where, count_params = [*where, matching], [*params, match]
                phrase = len(terms) > 1 or len(terms[0].words) > 1
                found = self._matching_ids(connection, index, match, phrase)
                if found is None:
                    where.append(matching)
                    params.append(match)
                elif len(found) > MATCHED_IDS:
                    # Many ids: walked along the date order, not looked up one by one (the
                    # unary + keeps SQLite off the key for them).
                    where.append(f"{_LISTED_MANY}{', '.join('?' * len(found))})")
                    params.extend(found)
                else:
                    where.append(f"q.id IN ({', '.join('?' * len(found))})" if found else "0")
                    params.extend(found)
                return where, params, count_where, count_params
        return where, params, where, params

    def _matching_ids(
        self, connection: sqlite3.Connection, index: str, match: str, phrase: bool
    ) -> "array[int] | None":
        """The ids of a search's matches when there are few, read off the index once per store
        version. A phrase of two middling words costs FTS5 a merge of both words' position lists
        (about 0.4 ms at a million quotes); a repeated or paged search then costs a lookup by id."""
        key = (index, match)
        if key in self.matched:
            return self.matched[key]
        if key in self.many_matched:
            return self.many_matched[key]
        listing = f"SELECT {ID_OF[index]} FROM {index} WHERE {index} MATCH ? LIMIT ?"
        rows = connection.execute(listing, (match, MATCHED_IDS + 1)).fetchall()
        if len(rows) <= MATCHED_IDS:
            ids: array[int] | None = array("q", (row[0] for row in rows))
            self._keep(self.matched, key, ids, most=MATCHED_SEARCHES)
            return ids
        ids = None
        # One word's matches are read off the index in a few ms; a phrase's cost position lists.
        if phrase and self._search_total(connection, index, match)[0] <= MANY_MATCHED_IDS:
            rows = connection.execute(listing, (match, MANY_MATCHED_IDS + 1)).fetchall()
            if len(rows) <= MANY_MATCHED_IDS:
                ids = array("q", (row[0] for row in rows))
        self._keep(self.many_matched, key, ids, most=MANY_MATCHED_SEARCHES)
        return ids

    def _documents(
        self, connection: sqlite3.Connection, index: str = WORD_INDEX
    ) -> Callable[[str], int]:
        vocabulary = VOCABULARY[index]

        def documents(word: str) -> int:
            # Counting a common word's documents reads its whole index entry: remember it.
            count = self.documents.get((index, word))
            if count is None:
                row = connection.execute(
                    f"SELECT doc FROM {vocabulary} WHERE term = ?", (word,)
                ).fetchone()
                count = int(row[0]) if row else 0
                self._keep(self.documents, (index, word), count)
            return count

        return documents

    def _matches(self, connection: sqlite3.Connection, index: str, match: str) -> Callable[[], int]:
        # The count of the search alone (estimated past ``exact_up_to``) is the total of a
        # search with no other filter: the same cache entry serves both.
        return lambda: self._search_total(connection, index, match)[0]

    def _quotes(self, connection: sqlite3.Connection) -> int:
        return int(connection.execute("SELECT max(id) FROM quote").fetchone()[0] or 0)

    def _ids(
        self, connection: sqlite3.Connection, owner: str, values: tuple[str, ...]
    ) -> tuple[str, ...]:
        """Ids that any of ``values`` names, as the general lookup finds them."""
        found: set[str] = set()
        for value in values:
            cache_key = (owner, value)
            ids = self.names.get(cache_key)
            if ids is None:
                keys = alias_keys(value)
                rows = connection.execute(
                    f"SELECT DISTINCT {owner}_id FROM {owner}_alias WHERE key IN "
                    f"({', '.join('?' * len(keys))})",
                    keys,
                ).fetchall()
                ids = tuple(sorted(row[0] for row in rows))
                self._keep(self.names, cache_key, ids)
            if not ids:
                raise Unserved  # an unknown name: the general path words the problem
            found.update(ids)
        return tuple(sorted(found))


class _Typing:
    """Suggestions' reads (``typeahead.Source``) on the direct path's connection."""

    postgres = False

    def __init__(self, reads: FastQuotes, connection: sqlite3.Connection) -> None:
        self.reads = reads
        self.connection = connection

    def version(self) -> Hashable:
        # The epoch moves on whenever a connection sees the store change (``_connection``).
        return (self.reads.identity, self.reads.local.epoch)

    def rows(self, sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        return self.connection.execute(sql, params).fetchall()

    def within(
        self, seconds: float, sql: str, params: dict[str, Any]
    ) -> Sequence[Sequence[Any]] | None:
        local = self.reads.local
        before, box = local.deadline, time.monotonic() + seconds
        local.deadline = min(before, box)
        try:
            return self.connection.execute(sql, params).fetchall()
        except sqlite3.OperationalError as error:
            if "interrupted" in str(error) and time.monotonic() >= box:
                return None
            raise  # the slice or the budget: ``_run`` words it
        finally:
            local.deadline = before


class _Lookup:
    """Names and articles resolved through the direct path's own connection and caches; what
    is not found is for the general path to word."""

    def __init__(self, reads: FastQuotes, connection: sqlite3.Connection) -> None:
        self.reads = reads
        self.connection = connection

    def ids(
        self, owner: Literal["speaker", "outlet"], names: tuple[str, ...], parameter: str
    ) -> tuple[str, ...]:
        return self.reads._ids(self.connection, owner, names)

    def has_article(self, article_id: int) -> bool:
        known = self.connection.execute("SELECT 1 FROM article WHERE id = ?", (article_id,))
        return known.fetchone() is not None


@lru_cache(maxsize=4096)
def fingerprint_of(query: QuoteQuery) -> str:
    return fingerprint(asdict(query))


def page_json(
    rows: list[Any],
    limit: int,
    query_fingerprint: str,
    total: int,
    exact: bool = True,
    from_cursor: bool = False,
) -> bytes:
    """A page as ``Page[QuotePublic]`` serializes it, from up to ``limit + 1`` rows of
    ``QUOTE_SELECT`` (one more than the page says whether another follows)."""
    items, next_cursor, prev_cursor = settle(
        rows, limit, before=False, from_cursor=from_cursor, query_fingerprint=query_fingerprint,
        position=lambda row: [iso(row[DATE]), row[ID]],
    )  # fmt: skip
    return orjson.dumps(
        {
            "items": [quote_object(row) for row in items],
            "next_cursor": next_cursor,
            "prev_cursor": prev_cursor,
            "total": total,
            "total_is_exact": exact,
        }
    )


def quotation_sql(
    where: list[str], params: list[Any], query: QuotationQuery, cursor: str | None, mark: str
) -> tuple[str, list[Any]]:
    """A quotation page's SQL and parameters (``mark`` is the store's placeholder), less the
    LIMIT; a cursor another query made is for the general path to refuse."""
    by_reports = query.sort == "reports"
    key = "t.reports" if by_reports else "t.date"
    descending = query.sort != "date"
    page_where, page_params = list(where), list(params)
    if cursor is not None:
        try:
            after = read_position(
                cursor, quotation_fingerprint(query), (as_int if by_reports else as_date, as_int)
            )
        except QueryError as error:
            raise Unserved from error
        page_where.append(f"({key}, t.id) {'<' if descending else '>'} ({mark}, {mark})")
        page_params += after
    direction = "DESC" if descending else "ASC"
    sql = (
        QUOTATION_SELECT
        + (" WHERE " + " AND ".join(page_where) if page_where else "")
        + f" ORDER BY {key} {direction}, t.id {direction} LIMIT {mark}"
    )
    return sql, page_params


def quotations_json(
    rows: list[Any], limit: int, query: QuotationQuery, total: int, from_cursor: bool = False
) -> bytes:
    """A page as ``Page[QuotationPublic]`` serializes it, from rows of ``QUOTATION_SELECT``."""
    by_reports = query.sort == "reports"
    items, next_cursor, prev_cursor = settle(
        rows, limit, before=False, from_cursor=from_cursor,
        query_fingerprint=quotation_fingerprint(query),
        position=lambda row: [row[9] if by_reports else iso(row[6]), row[0]],
    )  # fmt: skip
    return orjson.dumps(
        {
            "items": [
                {
                    "id": row[0],
                    "text": row[1],
                    "speaker": {"id": row[2], "name": row[3], "kind": row[4], "role": row[5]},
                    "date": row[6],
                    "first_said": row[7],
                    "first_reported": row[8],
                    "reports": row[9],
                    "publishers": row[10],
                }
                for row in items
            ],
            "next_cursor": next_cursor,
            "prev_cursor": prev_cursor,
            "total": total,
            "total_is_exact": True,
        }
    )
