"""Rows asked for by key on the event loop, gathered: the requests waiting at one moment share
one statement.

On PostgreSQL a quote by id is a statement of a tenth of a millisecond, and the round trip
through an asynchronous driver (a future, a reader callback, the pool) costs saidwho three
times that in Python, per request. Under load many such requests wait at once; read as one
``= ANY(...)`` statement, they pay that cost once between them. A request that arrives alone
is read at once, alone: gathering never waits for company.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

# The rows of these keys (each row's key first); raises what the statement raised.
Fetch = Callable[[list[int]], Awaitable[Sequence[Sequence[Any]]]]


class Failed(Exception):
    """The gathered statement failed; its error is the cause. Each request it held gets one
    of its own (one error object raised in many tasks would gather all their tracebacks)."""


class GatheredReads:
    """Reads rows by key with ``fetch``, at most ``readers`` statements at a time and at
    most ``most`` keys each; the requests that arrive while those run wait for the next."""

    def __init__(self, fetch: Fetch, readers: int, most: int = 100) -> None:
        self.fetch = fetch
        self.readers = readers
        self.most = most
        self.waiting: list[tuple[int, asyncio.Future[Sequence[Any] | None]]] = []
        self.reading = 0
        self.tasks: set[asyncio.Task[None]] = set()  # kept: the loop holds tasks weakly

    async def row(self, key: int) -> Sequence[Any] | None:
        """The row of ``key``, or None when there is none; raises ``Failed`` (from the
        statement's own error) when the statement failed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Sequence[Any] | None] = loop.create_future()
        self.waiting.append((key, future))
        if self.reading < self.readers:
            self.reading += 1
            task = loop.create_task(self._read_waiting())
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        return await future

    async def _read_waiting(self) -> None:
        """Reads what waits, a statement at a time, until nothing does."""
        try:
            while self.waiting:
                batch, self.waiting = self.waiting[: self.most], self.waiting[self.most :]
                asked = [key for key, future in batch if not future.done()]
                if not asked:
                    continue  # every request of it went away
                try:
                    rows = await self.fetch(sorted(set(asked)))
                except asyncio.CancelledError:
                    for _, future in batch:
                        future.cancel()
                    raise
                except Exception as error:
                    for _, future in batch:
                        if not future.done():
                            failed = Failed(repr(error))
                            failed.__cause__ = error
                            future.set_exception(failed)
                    continue
                found = {int(row[0]): row for row in rows}
                for key, future in batch:
                    if not future.done():
                        future.set_result(found.get(key))
        finally:
            self.reading -= 1

    async def close(self) -> None:
        """Waits for the statements running to end (before their connections are closed)."""
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
