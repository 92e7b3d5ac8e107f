"""Idle and slow connections, against a live server: closed once they miss the header
deadline, capped in number, and never in the way of ``/health``."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import seeded_store_with_key
from tests.hardening.conftest import live_env
from tests.serving import served

HANG_BOUND_S = 30.0  # how long a test waits for anything before failing: never a speed bound


@contextmanager
def server(tmp_path: Path, **settings: str) -> Iterator[str]:
    store, _ = seeded_store_with_key(tmp_path, "desk")
    with served(live_env(store, **settings), tmp_path / "server.log") as base:
        yield base


def open_sockets(base: str, count: int) -> list[socket.socket]:
    host, port = base.removeprefix("http://").split(":")
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((host, int(port)), timeout=HANG_BOUND_S)
        sockets.append(sock)
    return sockets


def closed_by_server(sock: socket.socket) -> bool:
    """True once the server has closed the connection (a read sees the end, after whatever
    the server said last, such as a 400 for a request that cannot be parsed)."""
    try:
        while sock.recv(4096):
            pass
        return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def test_health_answers_while_hundreds_of_idle_and_slow_sockets_are_open(
    tmp_path: Path,
) -> None:
    with server(tmp_path, header_timeout_s="2") as base:
        idle = open_sockets(base, 300)
        slow = open_sockets(base, 100)
        stop = threading.Event()

        def drip() -> None:
            # A byte every half second of a request whose headers never end.
            for sock in slow:
                sock.sendall(b"GET /health HTTP/1.1\r\nX-Slow: ")
            while not stop.wait(0.5):
                for sock in slow:
                    try:
                        sock.sendall(b"a")
                    except OSError:
                        pass

        dripper = threading.Thread(target=drip)
        dripper.start()
        try:
            for _ in range(5):
                answer = httpx.get(f"{base}/health", timeout=HANG_BOUND_S)
                assert answer.status_code == 200 and answer.json() == {"status": "ok"}
            # Every one of them missed the header deadline, and the server closed it.
            for sock in idle + slow:
                sock.settimeout(HANG_BOUND_S)
                assert closed_by_server(sock)
        finally:
            stop.set()
            dripper.join()
            for sock in idle + slow:
                sock.close()
        with httpx.Client(base_url=base) as client:  # a keep-alive client is served as ever
            assert client.get("/health").status_code == 200
            assert client.get("/v1/quotes/1").status_code == 200


def test_connections_past_the_cap_are_closed_at_once(tmp_path: Path) -> None:
    with server(tmp_path, max_connections="40", header_timeout_s="60") as base:
        held = open_sockets(base, 40)
        try:
            extra = open_sockets(base, 5)
            for sock in extra:
                sock.settimeout(HANG_BOUND_S)
                assert closed_by_server(sock)
                sock.close()
            for sock in held[:10]:  # a held slot freed is a slot for the next client
                sock.close()
            deadline = time.monotonic() + HANG_BOUND_S
            while True:
                try:
                    if httpx.get(f"{base}/health", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:  # a hang, not a speed: it takes milliseconds
                    pytest.fail("/health never answered once the held sockets were closed")
                time.sleep(0.1)
        finally:
            for sock in held:
                sock.close()


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_forwarded_addresses_are_believed_only_from_named_proxies(
    tmp_path: Path, trusted: str
) -> None:
    with server(tmp_path, trusted_proxies=trusted, rate_limit_per_address="3/minute") as base:
        with httpx.Client(base_url=base) as client:
            statuses = [
                client.get(
                    "/v1/quotes/1", headers={"X-Forwarded-For": f"203.0.113.{n}"}
                ).status_code
                for n in range(6)
            ]
    if trusted:  # the proxy is named: each forwarded address has its own limit
        assert statuses == [200] * 6
    else:  # nobody is believed: one address, over its limit after three
        assert statuses == [200, 200, 200, 429, 429, 429]
