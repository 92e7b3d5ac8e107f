"""Quotations and the quote check at a million quotes (see BENCH.md).

    python bench/quotations.py [--quotes 1000000] [--store PATH] [--duration 5] [--rounds 3]

On a store made by ``saidwho synth`` (a fifth of its quotes report earlier statements again,
varied), measures:

- what grouping adds to storing a quote: the time of ``group()`` for 500 new reports (half
  repeating a stored statement with a change of case or a cut, half new words), each in its
  own transaction, rolled back so the store stays as built; beside it, the time to store the
  same quote without grouping;
- the quote check over HTTP: 300 requests of 30-word texts (stored words with one word
  changed, stored words as they are, and words no one said), p50 and p99;
- quotation lists against Datasette on the equivalent table query (wrk, the two servers
  alternating): a speaker's quotations newest first, and the most reported quotations.

Needs: wrk (Debian package wrk) and the bench extra (`pip install -e ".[bench]"`).
"""

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from speed import DATASETTE_FAST, UNTHROTTLED, Load, free_port, get, server, source_store, wrk  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app.articles.store import add_article  # noqa: E402
from app.quotations.grouping import group  # noqa: E402
from app.quotes.store import add_quote  # noqa: E402

BIN = Path(sys.executable).parent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def grouping_cost(path: Path, samples: int, rng: random.Random) -> tuple[list[float], list[float]]:
    """(ms of store + group, ms of store alone) per quote, each in a rolled-back transaction."""
    engine = create_engine(f"sqlite:///{path}")
    with sqlite3.connect(path) as connection:
        top = connection.execute("SELECT max(id) FROM quote").fetchone()[0]
        words = [w for (t,) in connection.execute("SELECT text FROM quote LIMIT 2000")
                 for w in t.lower().split()]  # fmt: skip
        rows = [connection.execute("SELECT speaker_id, text FROM quote WHERE id = ?",
                                   (rng.randint(1, top),)).fetchone()
                for _ in range(samples)]  # fmt: skip
    with_group, alone = [], []
    for n, (speaker_id, text) in enumerate(rows):
        if n % 2:
            text = " ".join(rng.choices(words, k=rng.randint(8, 24)))
        elif n % 4 == 0:
            text = text.lower() + "."
        for grouped in (True, False):
            with Session(engine) as session, session.begin():
                article = add_article(
                    session=session, title="bench", publisher_id="outlet-001",
                    published_on=dt.date(2024, 6, 1), text=f"\u201c{text}\u201d {n} {grouped}",
                )  # fmt: skip
                started = time.perf_counter()
                quote = add_quote(
                    session=session, article=article, speaker_id=speaker_id, kind="direct",
                    span=(1, 1 + len(text)),
                )  # fmt: skip
                assert quote.id is not None
                if grouped:
                    group(session, [quote.id])
                session.flush()
                (with_group if grouped else alone).append(1000 * (time.perf_counter() - started))
                session.rollback()
    engine.dispose()
    return with_group, alone


def check_texts(path: Path, count: int, rng: random.Random) -> list[str]:
    """30-word texts: stored words with a word changed, stored words, words no one said."""
    with sqlite3.connect(path) as connection:
        top = connection.execute("SELECT max(id) FROM quotation").fetchone()[0]
        long = []
        while len(long) < count:
            found = connection.execute(
                "SELECT text FROM quotation WHERE id >= ? AND length(text) > 120 LIMIT 1",
                (rng.randint(1, top),),
            ).fetchone()
            if found:
                long.append(found[0].split())
        vocabulary = [w for words in long for w in words]
    texts = []
    for n, words in enumerate(long):
        words = (words * 2)[:30] if n % 3 != 2 else rng.choices(vocabulary, k=30)
        if n % 3 == 0:
            words = list(words)
            words[15] = "orchestra"
        texts.append(" ".join(words))
    return texts


def check_latency(base: str, texts: list[str]) -> list[float]:
    times = []
    for text in texts:
        request = urllib.request.Request(
            base + "/v1/check", data=json.dumps({"text": text}).encode(),
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as answer:
            answer.read()
        times.append(1000 * (time.perf_counter() - started))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quotes", type=int, default=1_000_000)
    parser.add_argument("--store", type=Path, help="a store synth already made (not changed)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("wrk") is None or not (BIN / "datasette").exists():
        raise SystemExit('needs wrk (apt-get install wrk) and pip install -e ".[bench]"')
    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp(prefix="saidwho-quotations-"))
    source = folder / "source.db"
    source_store(args.store, args.quotes, source)
    with sqlite3.connect(source) as connection:
        quotes, quotations, repeated = connection.execute(
            "SELECT (SELECT count(*) FROM quote), count(*), sum(reports > 1) FROM quotation"
        ).fetchone()
        busiest = connection.execute(
            "SELECT speaker_id FROM quotation GROUP BY speaker_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
    print(f"store: {quotes:,} quotes, {quotations:,} quotations ({repeated:,} reported more "
          "than once)")  # fmt: skip

    grouped, alone = grouping_cost(source, 500, rng)
    added = [g - a for g, a in zip(grouped, alone, strict=True)]
    print(
        f"storing a quote: {statistics.median(alone):.2f} ms alone, "
        f"{statistics.median(grouped):.2f} ms with grouping (p99 {percentile(grouped, 0.99):.2f}); "
        f"grouping adds {statistics.median(added):.2f} ms at the median, "
        f"{percentile(added, 0.99):.2f} ms at p99"
    )

    ours_db, theirs_db = folder / "saidwho.db", folder / "datasette.db"
    shutil.copy(source, ours_db)
    shutil.copy(source, theirs_db)
    port, ds_port = free_port(), free_port()
    base, ds_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{ds_port}"
    ours_env = {**os.environ, **UNTHROTTLED, "SAIDWHO_DATABASE_URL": f"sqlite:///{ours_db}"}
    ours_cmd = [str(BIN / "saidwho"), "serve", "--port", str(port), "--no-access-log"]
    ds_cmd = [str(BIN / "datasette"), "serve", "-i", str(theirs_db), "-p", str(ds_port)]
    plan = [
        (
            "a speaker's quotations, newest first",
            f"/v1/quotations?speaker={busiest}&limit=20",
            f"/datasette/quotation.json?speaker_id={busiest}&_sort_desc=date&_size=20&"
            + DATASETTE_FAST,
        ),
        (
            "most reported quotations",
            "/v1/quotations?sort=reports&limit=20",
            "/datasette/quotation.json?_sort_desc=reports&_size=20&" + DATASETTE_FAST,
        ),
    ]
    with (
        server(ours_cmd, ours_env, base + "/health", folder / "saidwho.log"),
        server(ds_cmd, dict(os.environ), ds_base + "/-/versions.json", folder / "datasette.log"),
    ):
        texts = check_texts(source, 300, rng)
        check_latency(base, texts[:20])  # warm
        times = check_latency(base, texts)
        print(
            f"POST /v1/check, 30-word texts, {len(times)} sequential: p50 "
            f"{statistics.median(times):.1f} ms, p99 {percentile(times, 0.99):.1f} ms"
        )
        for name, ours, theirs in plan:
            ours_ids = [i["id"] for i in get(base + ours)["items"]]
            their_ids = [r["id"] for r in get(ds_base + theirs)["rows"]]
            if name.startswith("a speaker") and ours_ids != their_ids:
                raise SystemExit(f"{name}: the servers answer with different quotations")
        loads: dict[str, dict[str, list[Load]]] = {}
        for round_number in range(args.rounds):
            for name, ours, theirs in plan:
                pair = [("saidwho", base + ours), ("datasette", ds_base + theirs)]
                for who, url in pair if round_number % 2 == 0 else pair[::-1]:
                    load = wrk(url, args.duration, args.connections)
                    loads.setdefault(name, {}).setdefault(who, []).append(load)
    print(f"\nwrk -t1 -c{args.connections} -d{args.duration}s, {args.rounds} rounds alternating, "
          "medians\n")  # fmt: skip
    print("| query | saidwho r/s | p50 ms | p99 ms | Datasette r/s | p50 ms | p99 ms | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for name, _, _ in plan:
        row: list[Any] = [name]
        for who in ("saidwho", "datasette"):
            runs = loads[name][who]
            row += [f"{statistics.median(r.rps for r in runs):,.0f}",
                    f"{statistics.median(r.p50 for r in runs):.2f}",
                    f"{statistics.median(r.p99 for r in runs):.2f}"]  # fmt: skip
        ratio = statistics.median(r.rps for r in loads[name]["saidwho"]) / statistics.median(
            r.rps for r in loads[name]["datasette"]
        )
        print("| " + " | ".join(str(c) for c in row) + f" | {ratio:.1f}x |")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
