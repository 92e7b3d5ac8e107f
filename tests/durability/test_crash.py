"""Kill -9 during concurrent ingests, twenty times over: after each, the store passes SQLite's
integrity check and the full-text index's own, every write that was acknowledged is there
whole, and no article is there in part."""

import random
import signal
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.durability.conftest import Store, article, serving

pytestmark = pytest.mark.sqlite_only  # SQLite's own recovery after a kill

ROUNDS = 20
WRITERS = 4
QUOTES_PER_ARTICLE = 2  # what the extractor finds in each generated article (checked below)


def check_store(path: Path, acknowledged: dict[int, int]) -> None:
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        # Raises if the full-text index disagrees with the quotes it indexes.
        db.execute("INSERT INTO quote_fts(quote_fts, rank) VALUES ('integrity-check', 1)")
        stored = dict(
            db.execute(
                "SELECT a.id, count(q.id) FROM article a LEFT JOIN quote q ON q.article_id = a.id "
                "WHERE a.title LIKE 'Durability %' GROUP BY a.id"
            ).fetchall()
        )
    for article_id, quotes in acknowledged.items():
        assert stored.get(article_id) == quotes, f"acknowledged article {article_id} lost"
    half = {a: n for a, n in stored.items() if n != QUOTES_PER_ARTICLE}
    assert half == {}, f"articles stored in part: {half}"


def write_until_killed(
    base: str,
    store: Store,
    label: str,
    stop: threading.Event,
    acknowledged: dict[int, int],
    lock: threading.Lock,
) -> None:
    """Posts articles one after another until the server is gone, keeping what was answered."""
    sequence = 0
    with httpx.Client(base_url=base, headers=store.headers, timeout=10) as client:
        while not stop.is_set():
            sequence += 1
            try:
                answer = client.post("/v1/articles", json=article(f"{label}-n{sequence}"))
            except httpx.TransportError:
                return  # the server is gone; this write was never acknowledged
            assert answer.status_code == 201, answer.text
            stored = answer.json()
            with lock:
                acknowledged[stored["id"]] = len(stored["quotes"])


def test_sigkill_during_concurrent_ingests_loses_no_acknowledged_write(store: Store) -> None:
    acknowledged: dict[int, int] = {}
    lock = threading.Lock()
    rng = random.Random(20240531)
    for round_number in range(ROUNDS):
        with serving(store) as (base, process):
            stop = threading.Event()
            threads = [
                threading.Thread(
                    target=write_until_killed,
                    args=(base, store, f"r{round_number}-w{n}", stop, acknowledged, lock),
                )
                for n in range(WRITERS)
            ]
            before = len(acknowledged)
            for thread in threads:
                thread.start()
            # Writes must be under way at the kill: wait for this round's first acknowledgement
            # (a hang bound, not a speed floor), then let the writers run on a random while.
            hang_bound = time.monotonic() + 60
            while len(acknowledged) == before and time.monotonic() < hang_bound:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.6))
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            stop.set()
            for thread in threads:
                thread.join(timeout=15)
        check_store(store.path, acknowledged)  # after every round, before the next start
    assert set(acknowledged.values()) == {QUOTES_PER_ARTICLE}
    assert len(acknowledged) >= ROUNDS  # writes were really under way at each kill
