"""Several server processes on one store: ``saidwho serve --workers N`` answers every read with
what any worker wrote, and rate-limit counts are shared between processes and servers when
``SAIDWHO_RATE_LIMIT_STORAGE`` names a Redis server (per process otherwise)."""

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
import redis

from tests.conftest import seeded_store_with_key
from tests.hardening.conftest import live_env
from tests.serving import free_port, served

HANG_BOUND_S = 60.0
QUOTE = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A throwaway Debian redis-server on a loopback port (.ci/run installs it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server (Debian's redis-server) is needed")
        pytest.skip("no redis-server here")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + HANG_BOUND_S
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:  # a hang bound, not a speed
                pytest.fail("redis-server did not come up")
            time.sleep(0.05)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_every_worker_reads_what_any_worker_wrote(tmp_path: Path) -> None:
    settings, token = seeded_store_with_key(tmp_path, "desk")
    with served(live_env(settings), tmp_path / "server.log", "--workers", "2") as base:
        headers = {"Authorization": f"Bearer {token}"}
        workers: set[str] = set()
        deadline = time.monotonic() + HANG_BOUND_S
        written = 0
        while len(workers) < 2 or written < 6:
            if time.monotonic() > deadline:  # a hang bound, not a speed
                pytest.fail(f"only workers {workers} answered")
            # A new connection each time: the workers take turns at accepting them.
            created = httpx.post(f"{base}/v1/quotes", json=QUOTE, headers=headers)
            assert created.status_code == 201
            written += 1
            new_id = created.json()["id"]
            for path in ("/v1/quotes?speaker=blinken&limit=100", f"/v1/quotes/{new_id}"):
                answer = httpx.get(f"{base}{path}")
                assert answer.status_code == 200
                workers.add(answer.headers["x-request-id"].split("-")[0])
                body = answer.json()
                ids = [q["id"] for q in body["items"]] if "items" in body else [body["id"]]
                assert new_id in ids, (path, answer.headers["x-request-id"])
            assert httpx.get(f"{base}/v1/quotes?speaker=blinken").json()["total"] == 5 + written


@pytest.mark.parametrize("shared", [True, False])
def test_rate_limits_are_shared_between_servers_only_through_the_named_storage(
    tmp_path: Path, request: pytest.FixtureRequest, shared: bool
) -> None:
    settings, _ = seeded_store_with_key(tmp_path, "desk")
    extra = {"rate_limit_per_address": "4/minute"}
    if shared:
        extra["rate_limit_storage"] = request.getfixturevalue("redis_url")
    with ExitStack() as stack:
        first, second = (
            stack.enter_context(served(live_env(settings, **extra), tmp_path / f"server-{n}.log"))
            for n in range(2)
        )
        statuses = [httpx.get(f"{base}/v1/quotes/1").status_code for base in (first, second) * 3]
    if shared:  # one count for both: four answers, then refusals on either server
        assert statuses == [200, 200, 200, 200, 429, 429]
    else:  # each process counts alone
        assert statuses == [200] * 6


def test_an_unreachable_rate_limit_storage_lets_requests_through(tmp_path: Path) -> None:
    settings, _ = seeded_store_with_key(tmp_path, "desk")
    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    env = live_env(settings, rate_limit_per_address="1/minute", rate_limit_storage=nowhere)
    with served(env, tmp_path / "server.log") as base:
        assert [httpx.get(f"{base}/v1/quotes/1").status_code for _ in range(3)] == [200] * 3
