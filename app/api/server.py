"""How ``saidwho serve`` runs uvicorn: which proxies are believed, and how connections are
bounded. uvicorn closes an idle keep-alive connection, but not one that never finishes its
headers: a client that connects and sends nothing, or drips a byte a second, would hold a
socket (and a file descriptor) for ever. The protocol below closes those, and refuses
connections past a cap, so the service keeps answering under a crowd of idle sockets."""

import asyncio
import logging
import os
import resource
from functools import lru_cache
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.config import Settings, get_settings

log = logging.getLogger("saidwho.server")
# File descriptors kept for the store, logs and the listening socket, beyond connections.
_RESERVED_FDS = 64


@lru_cache
def _bounds() -> tuple[float, int]:
    """This process's header deadline and connection cap, from its settings (each worker of
    ``--workers`` reads its own environment, as the app does)."""
    settings = get_settings()
    return settings.header_timeout_s, connection_cap(settings.max_connections)


class GuardedHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol, with a deadline for a request's headers and a cap on open
    connections. Named by import string (``app.api.server:GuardedHttp``) so workers load it."""

    _deadline: asyncio.TimerHandle | None = None
    _awaiting_headers = True

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > _bounds()[1]:
            log.warning("connection refused: %d open, the cap", _bounds()[1])
            transport.close()
            return
        self._start_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        # A new request's first bytes after an idle keep-alive: its headers now have a
        # deadline (uvicorn's own idle timer has just been cancelled).
        if self._awaiting_headers and self._deadline is None:
            self._start_deadline()
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._awaiting_headers = False
        self._stop_deadline()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        self._awaiting_headers = True  # until the next request's headers are in
        super().on_response_complete()

    def _start_deadline(self) -> None:
        self._deadline = self.loop.call_later(_bounds()[0], self._too_slow)

    def _stop_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self._awaiting_headers and not self.transport.is_closing():
            self.transport.close()


def connection_cap(wanted: int) -> int:
    """``wanted``, or fewer when the process may not open that many files: the soft limit is
    raised to the hard one first, and what is left after the reserve bounds the cap."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or hard > soft):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - _RESERVED_FDS))


def serve(settings: Settings, host: str, port: int, workers: int = 1, **options: Any) -> None:
    """uvicorn on the app ``create_app`` makes from the environment's settings, in ``workers``
    processes sharing the port. Every cache of the app is checked against the store's own
    change counter, so what one worker writes, every other reads at once."""
    proxies = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    # Each process reads its settings from the environment: it learns there how many share
    # the store's connections (SAIDWHO_STORE_CONNECTIONS), and pools and admits its share.
    os.environ["SAIDWHO_SERVER_WORKERS"] = str(workers)
    get_settings.cache_clear()
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http="app.api.server:GuardedHttp",
        timeout_keep_alive=settings.keep_alive_s,
        # Forwarded headers only from the proxies the operator names; none by default.
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or [],
        **options,
    )
