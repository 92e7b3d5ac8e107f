"""Several writers and readers at once over real HTTP: no error, and no acknowledged write missing
afterwards. Each writer does a fixed amount of work, so a slow machine only makes it take longer."""

import sqlite3
import threading
from collections import Counter

import httpx
import pytest

from tests.durability.conftest import Store, article, serving

pytestmark = pytest.mark.sqlite_only  # reads SQLite's file to check what was kept

WRITES = 12  # per writer
READS = [
    "/v1/quotes", "/v1/quotes?q=publish", "/v1/quotes?speaker=blinken&limit=5",
    "/v1/quotes/3", "/v1/articles", "/v1/speakers?q=cam", "/", "/v1/quotes?sort=date",
]  # fmt: skip


def test_writers_and_readers_at_once_see_no_error_and_lose_nothing(store: Store) -> None:
    statuses: Counter[tuple[str, int]] = Counter()
    articles: dict[int, int] = {}
    quotes: set[int] = set()
    lock = threading.Lock()
    with serving(store) as (base, _):
        writers_done = threading.Event()

        def write_articles(writer: int) -> None:
            with httpx.Client(base_url=base, headers=store.headers, timeout=30) as client:
                for n in range(WRITES):
                    answer = client.post("/v1/articles", json=article(f"c-w{writer}-n{n}"))
                    with lock:
                        statuses[("article", answer.status_code)] += 1
                        if answer.status_code == 201:
                            articles[answer.json()["id"]] = len(answer.json()["quotes"])

        def write_quotes() -> None:
            body = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}
            with httpx.Client(base_url=base, headers=store.headers, timeout=30) as client:
                for _ in range(WRITES):
                    answer = client.post("/v1/quotes", json=body)
                    with lock:
                        statuses[("quote", answer.status_code)] += 1
                        if answer.status_code == 201:
                            quotes.add(answer.json()["id"])

        def read(reader: int) -> None:
            with httpx.Client(base_url=base, timeout=30) as client:
                n = reader
                while not writers_done.is_set():
                    n += 1
                    answer = client.get(READS[n % len(READS)])
                    with lock:
                        statuses[("read", answer.status_code)] += 1

        threads = [threading.Thread(target=write_articles, args=(n,)) for n in range(3)]
        threads.append(threading.Thread(target=write_quotes))
        threads += [threading.Thread(target=read, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads[:4]:
            thread.join()
        writers_done.set()
        for thread in threads[4:]:
            thread.join()
    assert {status for (_, status) in statuses} <= {200, 201}, statuses
    assert statuses[("read", 200)] > 0
    assert len(articles) == 3 * WRITES and len(quotes) == WRITES
    with sqlite3.connect(store.path) as db:
        stored = dict(db.execute("SELECT article_id, count(*) FROM quote GROUP BY article_id"))
        stored_quotes = {row[0] for row in db.execute("SELECT id FROM quote WHERE article_id = 1")}
    assert all(stored.get(article_id) == count for article_id, count in articles.items())
    assert quotes <= stored_quotes
