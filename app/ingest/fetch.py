"""The watcher's fetches: bounded in time and size, and never to an address inside the network.

A feed is written by someone else, so every address it names (and every address a redirect
names) is resolved here and refused when it is loopback, private, link-local, multicast or
reserved, unless the operator allows the host by name (``SAIDWHO_WATCH_ALLOW_HOSTS``). The
check sits where the socket is opened, on the address actually connected to, so a redirect hop
or a name that resolves differently the second time cannot slip past it.

A fetch has one deadline for the whole answer (headers and body), not only for each read, so a
server that drips a byte a second is cut off; ``abort`` ends a fetch in flight at once (SIGTERM).
"""

import ipaddress
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

_AGENT = "saidwho-watch/0.1 (+https://github.com/saidwho)"


@dataclass(frozen=True)
class Limits:
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    delay: float = 1.0
    max_redirects: int = 5
    # Hosts fetched even at an inside address, by the name a link gives.
    allow_hosts: frozenset[str] = frozenset()


class FetchError(Exception):
    """A fetch that gave nothing to read; ``lasting`` when trying again cannot help."""

    def __init__(self, url: str, reason: str, *, lasting: bool) -> None:
        super().__init__(f"{url}: {reason}")
        self.lasting = lasting


class Refused(httpcore.ConnectError):
    """An address the watcher does not fetch."""


def inside(address: str) -> str | None:
    """What kind of address inside a network ``address`` is, or None for a public one."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "a reserved address"
    return None


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to public addresses (or to hosts allowed by name), and keeps every
    socket it opened so that a fetch past its deadline can be cut."""

    def __init__(self, allow_hosts: frozenset[str]) -> None:
        self.allow_hosts = allow_hosts
        self.opened: weakref.WeakSet[httpcore.NetworkStream] = weakref.WeakSet()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        if host.lower() in self.allow_hosts:
            targets = [host]
        else:
            try:
                found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            except (socket.gaierror, UnicodeError) as error:
                raise httpcore.ConnectError(f"{host} cannot be resolved ({error})") from None
            targets = list(dict.fromkeys(str(info[4][0]) for info in found))
            for address in targets:
                kind = inside(address)
                if kind:
                    raise Refused(
                        f"{host} is {kind} ({address}); allow it with SAIDWHO_WATCH_ALLOW_HOSTS"
                    )
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for target in targets:
            try:
                stream = super().connect_tcp(
                    target, port, timeout, local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
                continue
            self.opened.add(stream)
            return stream
        raise failure

    def cut(self) -> None:
        """Shut every open socket: a read blocked on one returns at once."""
        for stream in list(self.opened):
            sock = stream.get_extra_info("socket")
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, backend: _GuardedBackend) -> None:
        super().__init__()
        # The pool httpx would build, with the guarded backend under it.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=backend
        )


class Fetcher:
    """GETs with a deadline, a size cap, a bounded number of redirects and a delay per host."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.last: dict[str, float] = {}
        self.backend = _GuardedBackend(frozenset(h.lower() for h in limits.allow_hosts))
        self.aborted = threading.Event()
        self.past_deadline = False
        # No proxies from the environment: a proxy's own address would be checked, not the
        # page's, so the guard would not hold.
        self.client = httpx.Client(
            transport=_GuardedTransport(self.backend),
            trust_env=False,
            timeout=limits.timeout,
            follow_redirects=True,
            max_redirects=limits.max_redirects,
            headers={"User-Agent": _AGENT},
        )

    def close(self) -> None:
        self.client.close()

    def abort(self) -> None:
        """Ends the fetch in flight, if any, and refuses those after it (safe from a signal
        handler or another thread)."""
        self.aborted.set()
        self.backend.cut()

    def get(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        """The response, its body read up to the cap; FetchError for anything else."""
        host = urlsplit(url).netloc
        wait = self.last.get(host, -1e9) + self.limits.delay - self.clock()
        if wait > 0 and self.aborted.wait(wait):
            raise FetchError(url, "stopped", lasting=False)
        if self.aborted.is_set():
            raise FetchError(url, "stopped", lasting=False)
        late = threading.Timer(self.limits.timeout, self._too_late)
        late.daemon = True
        self.past_deadline = False
        late.start()
        try:
            return self._get(url, host, headers or {})
        finally:
            late.cancel()

    def _too_late(self) -> None:
        self.past_deadline = True
        self.backend.cut()

    def _get(self, url: str, host: str, headers: dict[str, str]) -> httpx.Response:
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                self.last[urlsplit(str(response.url)).netloc] = self.clock()
                self.last[host] = self.clock()
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.limits.max_bytes:
                    raise FetchError(url, self._too_large(), lasting=True)
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.limits.max_bytes:
                        raise FetchError(url, self._too_large(), lasting=True)
                response._content = bytes(body)
        except httpx.TooManyRedirects:
            self.last[host] = self.clock()
            raise FetchError(url, "too many redirects", lasting=True) from None
        except httpx.HTTPError as error:
            self.last[host] = self.clock()
            raise self._failure(url, error) from None
        if response.status_code >= 500:
            raise FetchError(url, f"the server answered {response.status_code}", lasting=False)
        if response.status_code >= 400:
            raise FetchError(url, f"the server answered {response.status_code}", lasting=True)
        return response

    def _failure(self, url: str, error: httpx.HTTPError) -> FetchError:
        if isinstance(error.__cause__, Refused):
            return FetchError(url, f"refused: {error}", lasting=True)
        if self.aborted.is_set():
            return FetchError(url, "stopped", lasting=False)
        if self.past_deadline or isinstance(error, httpx.TimeoutException):
            return FetchError(url, f"no answer within {self.limits.timeout:g} s", lasting=False)
        return FetchError(url, f"cannot be fetched ({error})", lasting=False)

    def _too_large(self) -> str:
        return f"over {self.limits.max_bytes:,} bytes"
