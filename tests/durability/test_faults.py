"""A store that is locked, full or read-only: writes answer 503 and write nothing, reads go on,
and nothing is ever a 500."""

import os
import resource
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from tests.conftest import settings_for
from tests.durability.conftest import Store, article, file_size_cap, serving

pytestmark = pytest.mark.sqlite_only  # SQLite's locks, files and limits

QUOTE = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}
READS = ["/v1/quotes", "/v1/quotes/3", "/v1/quotes?speaker=blinken", "/v1/speakers", "/"]


def counts(path: Path) -> tuple[int, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return (
            db.execute("SELECT count(*) FROM article").fetchone()[0],
            db.execute("SELECT count(*) FROM quote").fetchone()[0],
        )


def assert_unavailable(answer: httpx.Response, problem: str = "store-unavailable") -> None:
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == f"/problems/{problem}"
    # A busy store is worth retrying soon; a read-only one is not, so it sets no time.
    assert answer.headers.get("retry-after") == ("1" if problem == "store-unavailable" else None)


def test_a_held_write_lock_makes_writes_wait_then_503_while_reads_go_on(store: Store) -> None:
    settings = settings_for(store.folder).model_copy(update={"sqlite_busy_timeout_ms": 300})
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, holding the lock
    try:
        with TestClient(create_app(settings)) as client:
            for path in READS:
                assert client.get(path).status_code == 200, path
            assert_unavailable(client.post("/v1/quotes", json=QUOTE, headers=store.headers))
            locked = article("locked")
            assert_unavailable(client.post("/v1/articles", json=locked, headers=store.headers))
            holder.execute("ROLLBACK")
            assert client.post("/v1/quotes", json=QUOTE, headers=store.headers).status_code == 201
    finally:
        holder.close()
    assert counts(store.path) == (1, 17)


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """The store file cannot be written, even by root: immutable where the file system allows
    it (root ignores permissions), else by its permissions."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = os.geteuid() == 0
    if root:
        if shutil.which("chattr") is None:
            pytest.fail("chattr (e2fsprogs) is needed to make a file read-only for root")
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.fail(f"chattr +i failed: {done.stderr}")
    else:
        path.chmod(0o444)
    try:
        yield
    finally:
        if root:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        else:
            path.chmod(0o644)


def test_a_read_only_store_refuses_writes_with_503_and_still_answers_reads(store: Store) -> None:
    settings = settings_for(store.folder)
    with read_only(store.path), TestClient(create_app(settings)) as client:
        for path in READS:
            assert client.get(path).status_code == 200, path
        # Seen as read-only when the app starts: refused before any write is tried.
        assert_unavailable(
            client.post("/v1/quotes", json=QUOTE, headers=store.headers), "read-only"
        )
        assert_unavailable(
            client.patch("/v1/quotes/3", json={"cue": "x"}, headers=store.headers), "read-only"
        )
        assert client.get("/health").status_code == 200
    assert counts(store.path) == (1, 16)


def test_a_full_disk_refuses_the_write_whole_and_the_store_recovers(store: Store) -> None:
    # No file of the server may grow past the store's size and a little: a long article's
    # write-ahead log cannot fit, as on a full disk.
    cap = store.path.stat().st_size + 64 * 1024
    long_text = "\n".join(
        f"“Paragraph {n} of the statement is here,” the spokesman said." for n in range(3000)
    )
    big = {**article("full"), "text": article("full")["text"] + "\n" + long_text}
    bounds = {"SAIDWHO_MAX_QUOTES_PER_ARTICLE": "10000", "SAIDWHO_WRITE_BUDGET_MS": "600000"}
    with serving(store, before=file_size_cap(cap), **bounds) as (base, process):
        answer = httpx.post(f"{base}/v1/articles", json=big, headers=store.headers, timeout=30)
        assert answer.status_code == 503, answer.text
        assert answer.json()["type"] == "/problems/store-full", answer.json()
        assert "no room" in answer.json()["detail"] and answer.headers["retry-after"]
        ready = httpx.get(f"{base}/ready", timeout=10).json()
        assert ready["writes"] == "refused" and "no room" in ready["writes_refused_because"]
        for path in READS:
            assert httpx.get(base + path, timeout=10).status_code == 200, path
        assert counts(store.path) == (1, 16)  # nothing of the article, not a single quote
        # Room again (the limit was soft): the same write now goes through whole.
        resource.prlimit(process.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY,) * 2)
        again = httpx.post(f"{base}/v1/articles", json=big, headers=store.headers, timeout=30)
        assert again.status_code == 201, again.text
        stored = len(again.json()["quotes"])
        assert httpx.get(f"{base}/ready", timeout=10).json()["writes"] == "accepted"
    assert counts(store.path) == (2, 16 + stored) and stored > 3000


@contextmanager
def small_filesystem(folder: Path, size: int) -> Iterator[Path]:
    """A real filesystem of ``size`` bytes (tmpfs) mounted at ``folder``."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"this machine cannot mount a small filesystem: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_store_on_a_full_filesystem_says_it_is_full_and_refuses_writes_whole(
    store: Store, tmp_path: Path
) -> None:
    size = store.path.stat().st_size
    with small_filesystem(tmp_path / "disk", size + 512 * 1024) as disk:
        shutil.copy(store.path, disk / "saidwho.db")
        full = Store(disk, disk / "saidwho.db", store.token)
        long_text = "\n".join(
            f"“Paragraph {n} of the statement is here,” the spokesman said." for n in range(3000)
        )
        big = {**article("full"), "text": article("full")["text"] + "\n" + long_text}
        bounds = {"SAIDWHO_MAX_QUOTES_PER_ARTICLE": "10000", "SAIDWHO_WRITE_BUDGET_MS": "600000"}
        with serving(full, **bounds) as (base, _):
            answer = httpx.post(f"{base}/v1/articles", json=big, headers=full.headers, timeout=60)
            assert answer.status_code == 503, answer.text
            assert answer.json()["type"] == "/problems/store-full", answer.json()
            ready = httpx.get(f"{base}/ready", timeout=10).json()
            assert ready["writes"] == "refused" and "no room" in ready["writes_refused_because"]
            for path in READS:
                assert httpx.get(base + path, timeout=10).status_code == 200, path
        assert counts(full.path) == (1, 16)
