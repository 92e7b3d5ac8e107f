"""The direct read path on PostgreSQL: what ``fast`` is for SQLite, for the same two reads.

The general path costs a PostgreSQL read six round trips (a ping, BEGIN, the name lookup, the
page, the count, ROLLBACK), each planned from scratch, and milliseconds of ORM and model work.
Here each worker thread keeps one psycopg connection (the pool is the read workers), and a
quote by id, one short statement, is read on the event loop from a pool of asynchronous
connections; all are in autocommit and read-only, with every statement prepared on the
server after its first use, no parallel workers (a page of 20 does not need them, and on a
small machine they starve the other requests), and rows written straight to JSON.

Totals, name lookups and the ids of searches with few matches are remembered for as long as
the store shows the same data. What says so is PostgreSQL's own visibility snapshot
(``pg_current_snapshot()``: the transactions committed and in progress), read at the start of
every page: any commit changes it. Each remembered value is computed in the same statement as
the snapshot it reflects, and kept only if that is still the snapshot pages see, so a commit
landing between the two cannot leave a stale total behind. (The write-ahead log's position
would not do: it moves before the commit becomes visible.) Writes elsewhere on the cluster
change the snapshot too; that costs a count, never a stale one.
"""

import re
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Iterable, MutableMapping, Sequence
from functools import lru_cache
from typing import Any, Literal, TypeVar

import orjson
import psycopg
from cachetools import LRUCache
from psycopg import errors as pg_errors
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import make_url

from app.models.phrase_index import ID_MASK, pair_key
from app.queries.cursors import as_date, as_int, read_position
from app.queries.errors import QueryError
from app.queries.fast import (
    OverBudget,
    Unserved,
    fingerprint_of,
    page_json,
    quotation_sql,
    quotations_json,
)
from app.queries.gathered import Failed, GatheredReads
from app.queries.lookup import alias_keys
from app.queries.quotations import QuotationQuery, own_filters
from app.queries.quote_filters import QuoteQuery, conditions_sql
from app.queries.quote_rows import FIELDS, QUOTE_SELECT, quote_object
from app.queries.quotes import PG_LISTED
from app.queries.search import (
    PG_MATCH_SQL,
    PG_WORDS_HELD,
    index_for,
    one_entry,
    other_forms,
    parse_search,
    to_tsquery,
)
from app.queries.store_version import VERSION_SQL
from app.queries.totals import plainly_many
from app.queries.typeahead import answer, suggest

_T = TypeVar("_T")
_SQL = QUOTE_SELECT.replace("?", "%s")
# A page's quotes are chosen first, on the quote table alone, and only they are joined: run
# as a prepared statement, PostgreSQL soon plans it once for any values, and then cannot
# tell a date range of thousands of quotes from one of a few, so a single statement would
# join every quote in the range before sorting them (80 ms at 6,000 quotes, against 1 ms).
_PAGE_COLUMNS = ", ".join(
    sorted({c for t, c in FIELDS if t == "q"} | {"speaker_id", "article_id", "outlet_id"})
)
# The search against the word index, or the phrase index (``search.index_for``).
_MATCH = {index: sql.format(mark="%s") for index, sql in PG_MATCH_SQL.items()}
# The statement's own snapshot: which transactions its answer saw committed.
_SEEN = "pg_current_snapshot()::text"
# A search's matches when few, listed before the page is read.
_LISTED = "q.id = ANY(%s)"
# One quote and, last, its version (the ETag), in one statement. The quote's outlet is asked
# for by its key: as a join, PostgreSQL hashes every outlet to find one (a quarter of the
# statement's time at 300 outlets).
_OUTLET_BY_KEY = "q.outlet_id, (SELECT g.name FROM outlet g WHERE g.id = q.outlet_id),"
_ONE = (
    _SQL.replace("\nLEFT JOIN outlet g ON g.id = q.outlet_id", "")
    .replace("g.id, g.name,", _OUTLET_BY_KEY, 1)
    .replace(
        "\nFROM quote q",
        ",\n (SELECT coalesce(max(r.version), 0) FROM quote_revision r WHERE r.quote_id = q.id)"
        "\nFROM quote q",
        1,
    )
    + " WHERE q.id = ANY(%s)"
)
_SNAPSHOT = f"SELECT {_SEEN}"


class _Local(threading.local):
    connection: psycopg.Connection[Any] | None = None
    # A second connection whose statements stop at a suggestion's time box.
    quick: psycopg.Connection[Any] | None = None


class PgFastQuotes:
    """Answers quote reads on its own connections to PostgreSQL (or its read replica)."""

    # Each read is a network round trip: always run on a worker thread, never on the loop.
    inline = False
    # Whether answers are remembered while the snapshot holds (``Settings.remember_answers``).
    remember = True

    def __init__(self, url: str, budget_ms: int, exact_up_to: int = 0, workers: int = 4) -> None:
        self.exact_up_to = exact_up_to
        self.budget_ms = budget_ms
        self.workers = workers
        parsed = make_url(url).set(drivername="postgresql")
        self.conninfo = parsed.render_as_string(hide_password=False)
        self.options = (
            f"-c statement_timeout={budget_ms} -c default_transaction_read_only=on "
            "-c max_parallel_workers_per_gather=0"
        )
        # Quotes by id read a few rows by key from pages in memory: at the default cost of a
        # read from disk (4), PostgreSQL would rather scan all 300 outlets for each quote. And
        # a list of ids is planned once: planned afresh for each list's length, as PostgreSQL
        # goes on to do, the planning cost more than the read.
        self.loop_options = (
            f"{self.options} -c random_page_cost=1.1 -c plan_cache_mode=force_generic_plan"
        )
        self.local = _Local()
        # Tells this reader's store versions from another's (``_PgTyping.version``).
        self.identity = object()
        # Connections used on the event loop itself (``one_on_loop``), opened by ``start``.
        self.loop_pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]] | None = None
        # The quotes by id asked for at one moment, read in one statement on that pool.
        self.by_id = GatheredReads(self._fetch_on_loop, readers=max(1, workers // 2))
        self.lock = threading.Lock()
        self.opened: list[psycopg.Connection[Any]] = []
        # Shared by every thread, emptied when the snapshot changes.
        self.snapshot: str | None = None
        self.totals: dict[tuple[Any, ...], int] = {}
        self.estimates: dict[tuple[Any, ...], tuple[int, bool]] = {}
        self.names: dict[tuple[str, str], list[str]] = {}
        self.matched = _matched()

    def _connection(self) -> psycopg.Connection[Any]:
        connection = self.local.connection
        if connection is None or connection.closed or connection.broken:
            connection = psycopg.connect(
                self.conninfo, autocommit=True, prepare_threshold=0, options=self.options
            )
            self.local.connection = connection
            with self.lock:
                self.opened.append(connection)
        return connection

    def _quick(self, seconds: float) -> psycopg.Connection[Any]:
        """This thread's connection whose every statement stops after ``seconds``: a time box
        with no setting made and undone around each statement (two more round trips)."""
        timeout = max(1, round(seconds * 1000))
        connection = self.local.quick
        if connection is None or connection.closed or connection.broken:
            options = self.options.replace(
                f"statement_timeout={self.budget_ms}", f"statement_timeout={timeout}", 1
            )
            connection = psycopg.connect(
                self.conninfo, autocommit=True, prepare_threshold=0, options=options
            )
            self.local.quick = connection
            with self.lock:
                self.opened.append(connection)
        return connection

    def _fresh(self, connection: psycopg.Connection[Any]) -> None:
        """Empties the caches if the store may show other data than when they were filled."""
        row = connection.execute(_SNAPSHOT).fetchone()
        snapshot = row[0] if row else None
        with self.lock:
            if snapshot is None or snapshot != self.snapshot:
                self.totals, self.names, self.matched = {}, {}, _matched()
                self.estimates = {}
                self.snapshot = snapshot

    def _keep(
        self,
        cache: MutableMapping[Any, Any],
        key: Any,
        value: Any,
        seen: str,
        most: int | None = 10_000,
    ) -> None:
        """Remembers ``value``, computed under snapshot ``seen``, if pages still see that;
        ``cache`` is emptied once it holds ``most`` values (None: it bounds itself)."""
        if not self.remember:
            return
        with self.lock:
            if seen != self.snapshot:
                return  # the store changed while this was computed
            if most is not None and len(cache) >= most:
                cache.clear()
            cache[key] = value

    async def start(self) -> None:
        """Opens the pool ``one_on_loop`` reads from, on the loop that serves (at startup).
        Connections are made in the background: a server whose database is down still
        starts, and the routes answer until it is back."""
        pool: AsyncConnectionPool[psycopg.AsyncConnection[Any]] = AsyncConnectionPool(
            self.conninfo,
            kwargs={"autocommit": True, "prepare_threshold": 0, "options": self.loop_options},
            min_size=1,
            max_size=self.workers,
            # A read that cannot have a connection within its budget is for the routes.
            timeout=max(self.budget_ms, 1) / 1000,
            open=False,
            name="saidwho-direct-path",
        )
        await pool.open(wait=False)
        self.loop_pool = pool

    async def stop(self) -> None:
        """Closes the event loop's pool and every worker thread's connection (at shutdown)."""
        pool, self.loop_pool = self.loop_pool, None
        if pool is not None:
            await self.by_id.close()
            await pool.close()
        self.close()

    def close(self) -> None:
        """Closes every connection the worker threads opened (at the server's shutdown)."""
        with self.lock:
            opened, self.opened = self.opened, []
        for connection in opened:
            connection.close()

    def _run(self, job: Callable[[psycopg.Connection[Any]], _T]) -> _T:
        try:
            return job(self._connection())
        except pg_errors.QueryCanceled as error:
            raise OverBudget from error
        except psycopg.OperationalError:
            self.local.connection = None  # a broken connection is made again next time
            raise

    # Reads ---------------------------------------------------------------------------------

    def one(self, quote_id: int, slice_s: float | None = None) -> tuple[bytes, int]:
        """The quote as JSON, and its version (for the ETag)."""

        def job(connection: psycopg.Connection[Any]) -> tuple[bytes, int]:
            # One round trip: the version comes with the row.
            row = connection.execute(_ONE, ([quote_id],)).fetchone()
            if row is None:
                raise Unserved  # the general path words the 404
            return orjson.dumps(quote_object(row)), int(row[-1])

        return self._run(job)

    async def one_on_loop(self, quote_id: int) -> tuple[bytes, int]:
        """As ``one``, run on the event loop, and read together with the other quotes asked
        for at the same moment (``gathered``): a quote by id is one statement of a tenth of a
        millisecond, and the hop to a worker thread and back, or the asynchronous driver's
        round trip, cost more in Python than the statement itself."""
        try:
            row = await self.by_id.row(quote_id)
        except Failed as failed:
            if isinstance(failed.__cause__, OverBudget):
                raise OverBudget from failed
            raise
        if row is None:
            raise Unserved  # the general path words the 404
        return orjson.dumps(quote_object(row)), int(row[-1])

    async def _fetch_on_loop(self, quote_ids: list[int]) -> list[tuple[Any, ...]]:
        assert self.loop_pool is not None, "start() opens the pool"
        try:
            async with self.loop_pool.connection() as connection:
                return await (await connection.execute(_ONE, (quote_ids,))).fetchall()
        except pg_errors.QueryCanceled as error:
            raise OverBudget from error

    def page(
        self, query: QuoteQuery, limit: int, cursor: str | None, slice_s: float | None = None
    ) -> bytes:
        return self._run(lambda c: self._page(c, query, limit, cursor))

    def _page(
        self, connection: psycopg.Connection[Any], query: QuoteQuery, limit: int, cursor: str | None
    ) -> bytes:
        self._fresh(connection)
        where, params, listed = self._conditions(connection, query)
        query_fingerprint = fingerprint_of(query)
        descending = query.sort == "-date"
        after = None
        if cursor is not None:
            try:
                after = read_position(cursor, query_fingerprint, (as_date, as_int))
            except QueryError as error:
                raise Unserved from error
        if listed is not None and not where:
            # A search alone, its matches listed in date order: the page is cut from the
            # list, only its own quotes are read, and the list's length is the total.
            past = None if after is None else pair_key(after[0], after[1])
            ids = listed.page(past, descending, limit + 1)
            rows = connection.execute(page_sql([_LISTED], descending), [ids, limit + 1]).fetchall()
            total, exact = self._listed_total(connection, listed)
            return page_json(rows, limit, query_fingerprint, total, exact, after is not None)
        if listed is not None:
            where, params = [*where, _LISTED], [*params, listed.ids()]
        page_where, page_params = list(where), list(params)
        if after is not None:
            page_where.append("(q.date, q.id) " + ("<" if descending else ">") + " (%s, %s)")
            page_params += [after[0], after[1]]
        sql = page_sql(page_where, descending)
        rows = connection.execute(sql, [*page_params, limit + 1]).fetchall()
        total, exact = self._estimated_total(connection, where, params)
        return page_json(rows, limit, query_fingerprint, total, exact, cursor is not None)

    def _listed_total(
        self, connection: psycopg.Connection[Any], listed: "_Listed"
    ) -> tuple[int, bool]:
        """A listed search's total: its length, unless the threshold is below it (set under
        the thousand a search is listed up to), when it is estimated as any other list."""
        if self.exact_up_to <= 0 or len(listed) <= self.exact_up_to:
            return len(listed), True
        return self._estimated_total(connection, [_LISTED], [listed.ids()])

    def suggestions(self, q: str, limit: int, slice_s: float | None = None) -> bytes:
        """The answer of ``GET /v1/suggest`` (``typeahead``), read on this thread's
        connections: two round trips at most, where a session's transaction and time box
        took nine."""
        return self._run(
            lambda connection: orjson.dumps(
                answer(q, suggest(_PgTyping(self, connection), q, limit))
            )
        )

    def quotations(
        self, query: QuotationQuery, limit: int, cursor: str | None, slice_s: float | None = None
    ) -> bytes:
        """A page of ``GET /v1/quotations`` filtered by speaker and dates only."""

        def job(connection: psycopg.Connection[Any]) -> bytes:
            self._fresh(connection)
            try:
                where, params = conditions_sql(
                    own_filters(query), _Lookup(self, connection), "t", "%s"
                )
            except QueryError as error:
                raise Unserved from error
            sql, page_params = quotation_sql(where, params, query, cursor, "%s")
            rows = connection.execute(sql, [*page_params, limit + 1]).fetchall()
            total = self._total(connection, where, params, "quotation t")
            return quotations_json(rows, limit, query, total, cursor is not None)

        return self._run(job)

    def _estimated_total(
        self, connection: psycopg.Connection[Any], where: list[str], params: list[Any]
    ) -> tuple[int, bool]:
        """As the general path's ``pg_total``: counted up to ``exact_up_to``, else the
        planner's estimate (flagged); remembered per snapshot either way."""
        up_to = self.exact_up_to
        if up_to <= 0:
            return self._total(connection, where, params), True
        frozen = tuple(tuple(p) if isinstance(p, list) else p for p in params)
        key = ("estimate", tuple(where), frozen)
        found = self.estimates.get(key)
        if found is not None:
            return found
        condition = " WHERE " + " AND ".join(where) if where else ""
        seen = self.snapshot or ""
        planned = self._planned(connection, condition, params)
        alone = len(where) == 1 and where[0] in _MATCH.values() and one_entry(params[0])
        if plainly_many(planned, up_to, alone):
            found = (planned, False)
        else:
            row = connection.execute(
                f"SELECT count(*), {_SEEN} FROM (SELECT 1 FROM quote q{condition} LIMIT %s) s",
                [*params, up_to + 1],
            ).fetchone()
            assert row is not None
            counted, seen = int(row[0]), row[1]
            found = (counted, True) if counted <= up_to else (max(planned, up_to + 1), False)
        self._keep(self.estimates, key, found, seen)
        return found

    @staticmethod
    def _planned(connection: psycopg.Connection[Any], condition: str, params: list[Any]) -> int:
        """How many quotes the planner expects ``condition`` to match."""
        plan = connection.execute(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM quote q{condition}", params
        ).fetchone()
        assert plan is not None
        return int(plan[0][0]["Plan"]["Plan Rows"])

    def _total(
        self,
        connection: psycopg.Connection[Any],
        where: list[str],
        params: list[Any],
        table: str = "quote q",
    ) -> int:
        frozen = tuple(tuple(p) if isinstance(p, list) else p for p in params)
        key = (table, tuple(where), frozen)
        total = self.totals.get(key)
        if total is None:
            count = f"SELECT count(*), {_SEEN} FROM {table}" + (
                " WHERE " + " AND ".join(where) if where else ""
            )
            row = connection.execute(count, params).fetchone()
            assert row is not None
            total = int(row[0])
            self._keep(self.totals, key, total, row[1])
        return total

    def _conditions(
        self, connection: psycopg.Connection[Any], query: QuoteQuery
    ) -> tuple[list[str], list[Any], "_Listed | None"]:
        """The same filters as the general path, in the same words; a search whose matches
        are few enough to be listed is not among them, but its list is given apart."""
        try:
            where, params = conditions_sql(query, _Lookup(self, connection), "q", "%s")
        except QueryError as error:
            raise Unserved from error  # the general path words the problem
        listed = None
        if query.q is not None:
            index, terms = index_for(parse_search(query.q))
            if not terms:
                where.append("false")
            else:
                forms = other_forms(terms)
                held = (
                    {str(row[0]) for row in connection.execute(PG_WORDS_HELD, (forms,))}
                    if forms
                    else set()
                )
                match = to_tsquery(terms, held)
                # As the general path: a search with few matches is listed first, one with
                # many is checked quote by quote along the date order, which stops early.
                listed = self._matching(connection, index, match, alone=not where)
                if listed is None:
                    where.append(_MATCH[index])
                    params.append(match)
        return where, params, listed

    def _matching(
        self, connection: psycopg.Connection[Any], index: str, match: str, alone: bool
    ) -> "_Listed | None":
        """A search's matches when there are few (None when there are many). A search of one
        index entry with no other filter (``alone``), whose estimate the planner reads off
        that entry's statistics, is listed up to the exact-total threshold when it is
        expected to fit: its page is then cut from the list and its total is the list's
        length, where a count would read as many rows again and a walk along the dates more
        (a phrase in 5,000 of a million quotes cost 11 ms to count). Any other search is
        listed up to a thousand (thousands of ids beside another filter would be looked up
        one by one)."""
        longer = alone and one_entry(match) and self.exact_up_to > PG_LISTED
        key = (index, match, longer)
        if key in self.matched:
            return self.matched[key]
        planned = self._planned(connection, f" WHERE {_MATCH[index]}", [match])
        most = PG_LISTED
        if longer and planned <= self.exact_up_to:
            most = self.exact_up_to
        elif plainly_many(planned, PG_LISTED):
            return None  # listing a thousand of a common phrase's would cost ms for nothing
        # Their dates come with them: the index has found the rows already.
        row = connection.execute(
            f"SELECT array_agg(m.id), array_agg(m.date), {_SEEN} FROM"
            f" (SELECT q.id, q.date FROM quote q WHERE {_MATCH[index]} LIMIT %s) m",
            (match, most + 1),
        ).fetchone()
        assert row is not None
        ids, dates = row[0] or [], row[1] or []
        listed = _Listed(map(pair_key, dates, ids)) if len(ids) <= most else None
        self._keep(self.matched, key, listed, row[2], most=None)
        return listed

    def _ids(
        self, connection: psycopg.Connection[Any], owner: str, values: tuple[str, ...]
    ) -> list[str]:
        """Ids that any of ``values`` names, as the general lookup finds them."""
        found: set[str] = set()
        for value in values:
            ids = self.names.get((owner, value))
            if ids is None:
                keys = alias_keys(value)
                row = connection.execute(
                    f"SELECT array(SELECT DISTINCT {owner}_id FROM {owner}_alias "
                    f"WHERE key = ANY(%s)), {_SEEN}",
                    (keys,),
                ).fetchone()
                assert row is not None
                ids = sorted(row[0])
                self._keep(self.names, (owner, value), ids, row[1])
            if not ids:
                raise Unserved  # an unknown name: the general path words the problem
            found.update(ids)
        return sorted(found)


# The listed searches remembered: at most this many matches in all (8 bytes each), the
# least recently asked dropped first.
_MATCHED_KEYS = 2_000_000


def _matched() -> "LRUCache[tuple[str, str, bool], _Listed | None]":
    return LRUCache(maxsize=_MATCHED_KEYS, getsizeof=lambda listed: max(1, len(listed or ())))


class _Listed:
    """A search's few matches, as keys in date-then-id order (``phrase_index.pair_key``): 8
    bytes each, so a thousand remembered searches hold at most a few megabytes."""

    def __init__(self, keys: Iterable[int]) -> None:
        self.keys = array("q", sorted(keys))

    def __len__(self) -> int:
        return len(self.keys)

    def ids(self) -> list[int]:
        return [key & ID_MASK for key in self.keys]

    def page(self, after: int | None, descending: bool, size: int) -> list[int]:
        """The ids of up to ``size`` matches past the key ``after``, in the page's order."""
        if descending:
            end = len(self.keys) if after is None else bisect_left(self.keys, after)
            chosen = self.keys[max(0, end - size) : end][::-1]
        else:
            start = 0 if after is None else bisect_right(self.keys, after)
            chosen = self.keys[start : start + size]
        return [key & ID_MASK for key in chosen]


class _PgTyping:
    """Suggestions' reads (``typeahead.Source``) on the direct path's connections."""

    postgres = True

    def __init__(self, reads: PgFastQuotes, connection: psycopg.Connection[Any]) -> None:
        self.reads = reads
        self.connection = connection

    def version(self) -> Hashable:
        row = self.connection.execute(VERSION_SQL).fetchone()
        return (self.reads.identity, *(row or ()))

    def rows(self, sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        return self.connection.execute(_marked(sql), params).fetchall()

    def within(
        self, seconds: float, sql: str, params: dict[str, Any]
    ) -> Sequence[Sequence[Any]] | None:
        quick = self.reads._quick(seconds)
        try:
            return quick.execute(_marked(sql), params).fetchall()
        except pg_errors.QueryCanceled:
            return None
        except psycopg.OperationalError:
            self.reads.local.quick = None  # made again next time
            raise


_NAMED = re.compile(r"(?<![:\w]):(\w+)")


@lru_cache(maxsize=64)
def _marked(sql: str) -> str:
    """``:name`` marks as psycopg's ``%(name)s``."""
    return _NAMED.sub(r"%(\1)s", sql)


class _Lookup:
    """Names and articles resolved through the direct path's own connection and caches; what
    is not found is for the general path to word."""

    def __init__(self, reads: PgFastQuotes, connection: psycopg.Connection[Any]) -> None:
        self.reads = reads
        self.connection = connection

    def ids(
        self, owner: Literal["speaker", "outlet"], names: tuple[str, ...], parameter: str
    ) -> list[str]:
        return self.reads._ids(self.connection, owner, names)

    def has_article(self, article_id: int) -> bool:
        known = self.connection.execute("SELECT 1 FROM article WHERE id = %s", (article_id,))
        return known.fetchone() is not None


def page_sql(where: list[str], descending: bool) -> str:
    """A page of quotes: the quotes chosen on their own table (``where``, then the order and
    a ``LIMIT %s``), then joined to their speakers, articles and outlets."""
    direction = "DESC" if descending else "ASC"
    order = f" ORDER BY q.date {direction}, q.id {direction}"
    condition = " WHERE " + " AND ".join(where) if where else ""
    chosen = f"(SELECT {_PAGE_COLUMNS} FROM quote q{condition}{order} LIMIT %s) q"
    return _SQL.replace("FROM quote q", "FROM " + chosen, 1) + order
