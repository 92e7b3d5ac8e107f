"""Stores and servers for the durability tests: a seeded SQLite file with a write key, and
``saidwho serve`` run as a real process that a test may starve, lock out or kill."""

import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import seeded_store_with_key
from tests.serving import free_port, store_env


@dataclass
class Store:
    folder: Path
    path: Path
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    _, token = seeded_store_with_key(tmp_path, "durability")
    return Store(tmp_path, tmp_path / "saidwho.db", token)


@contextmanager
def serving(
    store: Store, *, before: Callable[[], None] | None = None, **env: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``saidwho serve`` on the store; ``before`` runs in the server process before it starts."""
    port = free_port()
    log = (store.folder / "server.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--no-access-log"],
        env={**store_env(store.folder), "SAIDWHO_JSON_LOGS": "false", **env},
        stdout=log, stderr=subprocess.STDOUT, preexec_fn=before,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail((store.folder / "server.log").read_text(errors="replace"))
            time.sleep(0.05)
        yield base, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)
        log.close()


def file_size_cap(size: int) -> Callable[[], None]:
    """No file of the server's may grow past ``size`` bytes (soft limit, so it can be lifted)."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))

    return cap


def article(label: str, extra: str = "") -> dict[str, str]:
    """A short article of its own (so no two share a content hash), with two quotes."""
    return {
        "title": f"Durability {label}",
        "publisher": "Test Gazette",
        "published_on": "2024-06-03",
        "text": (
            f"Springfield ({label}) — The council met on Monday.\n"
            f"“We will publish every figure for {label},” Mayor Ann Reyes told NBC News.\n"
            f"“Nothing will be held back,” she said.{extra}"
        ),
    }


def environ_without_limits() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("SAIDWHO_")}
