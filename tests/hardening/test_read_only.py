"""A store that cannot be written is still served: every read answers, every write is a 503
that says why, and ``/ready`` says it too. On a read-only mount (SQLite) the server comes up
without migrating or seeding; with ``SAIDWHO_READ_ONLY`` on either store."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from tests.conftest import seeded_store_with_key
from tests.hardening.conftest import live_env
from tests.serving import free_port, served

READS = ["/v1/quotes", "/v1/quotes/3", "/v1/quotes?q=escalation", "/v1/speakers/blinken", "/"]
QUOTE = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}


@contextmanager
def mounted_read_only(folder: Path, extra: list[Path] | None = None) -> Iterator[None]:
    """The store's folder and file (and ``extra`` files in it) cannot be written, even by root
    (immutable, where root ignores permissions), as on a read-only mount."""
    paths = [folder / "saidwho.db", *(extra or []), folder]
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


ARTICLE = {
    "title": "Ferry fares frozen for the winter",
    "publisher": "Harbour Daily",
    "published_on": "2025-11-03",
    "text": 'The ferry board froze fares on Monday. "Nobody should pay more to cross the bay '
    'this winter," board chair Ilse Marchetti told Harbour Daily.',
}


def _post_article(base: str, token: str) -> int:
    with httpx.Client(base_url=base, timeout=30) as client:
        answer = client.post(
            "/v1/articles", json=ARTICLE, headers={"Authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def _killed_after_a_write(settings: Settings, token: str, folder: Path, log: Path) -> int:
    """An article acknowledged with 201, then the server killed before it could merge the log:
    the write is only in ``saidwho.db-wal``."""
    with served(live_env(settings), log, stop=signal.SIGKILL) as base:
        article = _post_article(base, token)
    assert (folder / "saidwho.db-wal").stat().st_size > 0
    return article


@pytest.mark.sqlite_only  # SQLite's write-ahead log
def test_a_clean_stop_merges_the_log_into_the_store(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    settings, token = seeded_store_with_key(folder, "desk")
    with served(live_env(settings), tmp_path / "server.log") as base:
        article = _post_article(base, token)
        with httpx.Client(base_url=base, timeout=30) as client:  # the direct read path too
            assert client.get(f"/v1/articles/{article}").status_code == 200
            assert client.get("/v1/quotes", params={"limit": 5}).status_code == 200
    log = folder / "saidwho.db-wal"
    assert not log.exists() or log.stat().st_size == 0
    # The store file alone holds the write: what a copy of it, or an immutable open, sees.
    with sqlite3.connect(f"file:{folder / 'saidwho.db'}?immutable=1", uri=True) as db:
        assert db.execute("SELECT count(*) FROM article WHERE id = ?", (article,)).fetchone()[0]


@pytest.mark.sqlite_only  # SQLite's write-ahead log on a read-only mount
def test_a_read_only_store_with_an_unmerged_log_serves_every_acknowledged_write(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    settings, token = seeded_store_with_key(folder, "desk")
    article = _killed_after_a_write(settings, token, folder, tmp_path / "first.log")
    paths = [folder / "saidwho.db-wal", folder / "saidwho.db-shm"]
    with mounted_read_only(folder, extra=paths):
        with served(live_env(settings), tmp_path / "server.log") as base:
            with httpx.Client(base_url=base, timeout=30) as client:
                assert client.get(f"/v1/articles/{article}").status_code == 200
                found = client.get("/v1/quotes", params={"q": "cross the bay"}).json()
                assert found["total"] == 1
                assert client.get(f"/v1/quotes/{found['items'][0]['id']}").status_code == 200
    assert "serving read-only" in (tmp_path / "server.log").read_text()


@pytest.mark.sqlite_only  # SQLite's write-ahead log on a read-only mount
def test_a_read_only_store_whose_log_cannot_be_read_refuses_to_start_and_says_why(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    settings, token = seeded_store_with_key(folder, "desk")
    _killed_after_a_write(settings, token, folder, tmp_path / "first.log")
    # Without its index (-shm), a log on a folder that cannot be written cannot be read.
    (folder / "saidwho.db-shm").unlink()
    with mounted_read_only(folder, extra=[folder / "saidwho.db-wal"]):
        result = subprocess.run(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(free_port())],
            env=live_env(settings), capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert "saidwho.db-wal" in result.stderr and "not merged" in result.stderr
    assert "Traceback" not in result.stderr
