"""``saidwho backup`` copies the store consistently while a server writes to it."""

import sqlite3
import subprocess
import threading

import httpx
import pytest

from tests.conftest import saidwho
from tests.durability.conftest import Store, article, serving

pytestmark = pytest.mark.sqlite_only  # saidwho backup copies SQLite files


def backup(store: Store, target: str) -> subprocess.CompletedProcess[str]:
    return saidwho("backup", target, database_url=f"sqlite:///{store.path}")


def test_a_backup_taken_during_writes_is_whole_and_sound(store: Store) -> None:
    stop = threading.Event()
    stored = threading.Event()
    refused: list[str] = []
    with serving(store) as (base, _):

        def write() -> None:
            with httpx.Client(base_url=base, headers=store.headers, timeout=10) as client:
                n = 0
                while not stop.is_set():
                    n += 1
                    answer = client.post("/v1/articles", json=article(f"b{n}"))
                    if answer.status_code != 201:
                        refused.append(f"{answer.status_code} {answer.text[:300]}")
                        return
                    stored.set()

        writer = threading.Thread(target=write)
        writer.start()
        try:
            # The backups are taken while writes go on: from the first one stored (a busy
            # machine may take seconds over the server's first article).
            if not stored.wait(timeout=60):
                pytest.fail(f"no article was stored to back up during: {refused}")
            copies = [store.folder / f"copy-{n}.db" for n in range(3)]
            for copy in copies:
                made = backup(store, str(copy))
                assert made.returncode == 0, made.stderr
                assert "integrity check: ok" in made.stdout
        finally:
            stop.set()
            writer.join()
    assert not refused, refused
    sizes = []
    for copy in copies:
        with sqlite3.connect(copy) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            counts = db.execute(
                "SELECT count(q.id) FROM article a LEFT JOIN quote q ON q.article_id = a.id "
                "WHERE a.title LIKE 'Durability %' GROUP BY a.id"
            ).fetchall()
            assert {count for (count,) in counts} <= {2}  # no article copied in part
            sizes.append(len(counts))
    assert sizes == sorted(sizes) and sizes[-1] > 0


def test_a_backup_refuses_to_overwrite_and_names_why(store: Store) -> None:
    existing = store.folder / "exists.db"
    existing.write_bytes(b"keep me")
    refused = backup(store, str(existing))
    assert refused.returncode == 1 and "already exists" in refused.stderr
    assert existing.read_bytes() == b"keep me"
