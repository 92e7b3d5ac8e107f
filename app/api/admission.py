"""Load shedding: a process takes on no more requests at once than it has connections to the
store, keeps a short queue behind them, and answers the rest at once with 503 and
``Retry-After``.

Without it a crowd of clients (a few hundred connections) queues inside the server: every
worker thread waits on the connection pool, a request waits up to the pool's timeout, and
``/health`` waits behind them all. A 503 at once is worth more to a client (and to a load
balancer) than an answer thirty seconds late. The probes, ``/health``, ``/ready`` and
``/metrics``, are never queued: they have a connection of their own.
"""

import asyncio
import logging
from collections import deque

from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.problems import problem

log = logging.getLogger("saidwho.admission")
_PROBES = frozenset({"/health", "/ready", "/metrics"})


class Admission:
    def __init__(self, app: ASGIApp, *, in_hand: int, waiting: int, wait_s: float) -> None:
        self.app = app
        self.in_hand = in_hand
        self.most_waiting = waiting
        self.wait_s = wait_s
        self.active = 0
        # Each waiting request's turn, first come first served; a finished request hands its
        # place to the first one still waiting.
        self.queue: deque[asyncio.Future[None]] = deque()
        self.shed = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _PROBES:
            await self.app(scope, receive, send)
            return
        if not await self._enter():
            await self._refuse(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._leave()

    async def _enter(self) -> bool:
        if self.active < self.in_hand and not self.queue:
            self.active += 1
            return True
        if len(self.queue) >= self.most_waiting:
            return False
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.queue.append(turn)
        try:
            await asyncio.wait_for(turn, self.wait_s)
        except TimeoutError:
            if turn in self.queue:
                self.queue.remove(turn)
            return False
        except asyncio.CancelledError:  # the client went away while waiting
            if turn in self.queue:
                self.queue.remove(turn)
            elif turn.done() and not turn.cancelled():
                self._leave()  # its place was handed over just now: pass it on
            raise
        return True

    def _leave(self) -> None:
        while self.queue:
            turn = self.queue.popleft()
            if not turn.done():
                turn.set_result(None)  # the place goes to it; ``active`` stays
                return
        self.active -= 1

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.shed += 1
        if self.shed == 1 or self.shed % 1000 == 0:
            log.warning("shedding load: %d requests refused so far", self.shed)
        answer = problem(
            503,
            f"the server has {self.in_hand} requests in hand and a full queue behind them; "
            "try again in a second",
            slug="overloaded",
            headers={"Retry-After": "1"},
        )
        await answer(scope, receive, send)
