"""A store that cannot be written is still served: every read answers, every write is a 503
that says why, and ``/ready`` says it too. On a read-only mount (SQLite) the server comes up
without migrating or seeding; with ``SAIDWHO_READ_ONLY`` on either store."""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.conftest import seeded_store_with_key
from tests.hardening.conftest import live_env
from tests.serving import served

READS = ["/v1/quotes", "/v1/quotes/3", "/v1/quotes?q=escalation", "/v1/speakers/blinken", "/"]
QUOTE = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}


@contextmanager
def mounted_read_only(folder: Path) -> Iterator[None]:
    """The store's folder and file cannot be written, even by root (immutable, where root
    ignores permissions), as on a read-only mount."""
    paths = [folder / "saidwho.db", folder]
    root = os.geteuid() == 0
    if root and shutil.which("chattr") is None:
        pytest.fail("chattr (e2fsprogs) is needed to make a folder read-only for root")
    for path in paths:
        if root:
            subprocess.run(["chattr", "+i", str(path)], check=True)
        else:
            path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield
    finally:
        for path in reversed(paths):
            if root:
                subprocess.run(["chattr", "-i", str(path)], check=True)
            else:
                path.chmod(0o755 if path.is_dir() else 0o644)


def assert_serves_reads_and_refuses_writes(base: str, token: str, reason: str) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        for path in READS:
            assert client.get(path).status_code == 200, path
        headers = {"Authorization": f"Bearer {token}"}
        for answer in (
            client.post("/v1/quotes", json=QUOTE, headers=headers),
            client.patch("/v1/quotes/3", json={"cue": "x"}, headers=headers),
            client.delete("/v1/quotes/3", headers=headers),
        ):
            assert answer.status_code == 503, answer.text
            assert answer.json()["type"] == "/problems/read-only"
            assert reason in answer.json()["detail"]
        ready = client.get("/ready").json()
        assert ready["writes"] == "refused" and reason in ready["writes_refused_because"]
        assert client.get("/v1/quotes/3").json()["cue"] != "x"


@pytest.mark.sqlite_only  # a SQLite file on a read-only mount
def test_a_store_on_a_read_only_mount_is_served_for_reading(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    settings, token = seeded_store_with_key(folder, "desk")
    # The last connection has closed: no write-ahead files are left beside the store.
    assert not (folder / "saidwho.db-wal").exists()
    with sqlite3.connect(folder / "saidwho.db") as db:
        assert db.execute("SELECT count(*) FROM quote").fetchone()[0] == 16
    with mounted_read_only(folder), served(live_env(settings), tmp_path / "server.log") as base:
        assert_serves_reads_and_refuses_writes(base, token, "cannot be written")
    assert "serving read-only" in (tmp_path / "server.log").read_text()


def test_the_read_only_setting_serves_reads_and_refuses_writes(tmp_path: Path) -> None:
    settings, token = seeded_store_with_key(tmp_path, "desk")
    with served(live_env(settings, read_only="true"), tmp_path / "server.log") as base:
        assert_serves_reads_and_refuses_writes(base, token, "SAIDWHO_READ_ONLY")
