"""Running ``saidwho serve`` as a real process on a loopback port, for tests over real HTTP."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def store_env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SAIDWHO_DATABASE_URL": f"sqlite:///{folder / 'saidwho.db'}",
        "SAIDWHO_RATE_LIMIT_PER_ADDRESS": "",
        "SAIDWHO_RATE_LIMIT_PER_KEY": "",
    }


@contextmanager
def served(
    env: dict[str, str], log_path: Path, *options: str, stop: int = signal.SIGTERM
) -> Iterator[str]:
    """The base URL of a server that migrates and seeds its store as a new user's does;
    ``options`` go to ``saidwho serve``; ``stop`` is the signal that ends it (SIGKILL: a
    crash, nothing merged or closed)."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             *options],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                process.kill()
                pytest.fail(f"server did not come up:\n{log_path.read_text()}")
            yield base
        finally:
            process.send_signal(stop)
            process.wait(timeout=10)
