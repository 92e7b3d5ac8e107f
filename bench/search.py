"""Search without cliffs at a million quotes (see BENCH.md).

    python bench/search.py [--quotes 1000000 | --store PATH] [--count 200] [--duration 5]

On a store made by ``saidwho synth``, served as a user serves it:

- 200 searches, each new (nothing cached), half single words and half two-word phrases drawn
  at random from the synthetic vocabulary, one at a time over HTTP: p50, p99, the slowest,
  and how many were refused for running past the query budget (503);
- a phrase with 2,000 to 10,000 matches, loaded with wrk against Datasette on the same query
  (three rounds alternating), with the ratio.

Needs: wrk (Debian package wrk) and the bench extra (`pip install -e ".[bench]"`).
"""

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from speed import (  # noqa: E402
    DATASETTE_FAST,
    UNTHROTTLED,
    Load,
    free_port,
    get,
    rows_of,
    same_rows,
    server,
    source_store,
    wrk,
)

from app.synth.vocabulary import vocabulary  # noqa: E402

BIN = Path(sys.executable).parent


def ask(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:
            answer.read()
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    return 1000 * (time.perf_counter() - started), status


def busy_phrase(path: Path) -> tuple[str, int]:
    """Two words side by side in stored quotes that make a phrase with 2,000-10,000 matches."""
    db = sqlite3.connect(path)
    for (text,) in db.execute("SELECT text FROM quote ORDER BY id LIMIT 20000"):
        words = text.lower().replace(",", "").replace(".", "").split()
        for first, second in zip(words, words[1:], strict=False):
            hits = db.execute(
                "SELECT count(*) FROM quote_fts WHERE quote_fts MATCH ?", (f'"{first} {second}"',)
            ).fetchone()[0]
            if 2000 <= hits <= 10000:
                db.close()
                return f"{first} {second}", hits
    raise SystemExit("no phrase with 2,000-10,000 matches in this store")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quotes", type=int, default=1_000_000)
    parser.add_argument("--store", type=Path, help="a store synth already made (not changed)")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="saidwho-search-"))
    source = folder / "source.db"
    source_store(args.store, args.quotes, source)
    theirs_db = folder / "datasette.db"
    shutil.copy(source, theirs_db)
    rng = random.Random(11)
    words = vocabulary()
    searches = [
        rng.choice(words) if n % 2 else f'"{rng.choice(words)} {rng.choice(words)}"'
        for n in range(args.count)
    ]
    phrase, hits = busy_phrase(source)
    port, ds_port = free_port(), free_port()
    base, ds_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{ds_port}"
    ours_env = {**os.environ, **UNTHROTTLED, "SAIDWHO_DATABASE_URL": f"sqlite:///{source}"}
    ours_cmd = [str(BIN / "saidwho"), "serve", "--port", str(port), "--no-access-log"]
    metadata = folder / "metadata.json"
    metadata.write_text('{"databases": {"datasette": {"tables": {"quote": '
                        '{"fts_table": "quote_fts", "fts_pk": "id"}}}}}')  # fmt: skip
    ds_cmd = [str(BIN / "datasette"), "serve", "-i", str(theirs_db), "-p", str(ds_port),
              "-m", str(metadata)]  # fmt: skip
    quoted = urllib.parse.quote(f'"{phrase}"')
    ours = f"{base}/v1/quotes?q={quoted}&limit=20"
    theirs = (f"{ds_base}/datasette/quote.json?_search={quoted}&_searchmode=raw"
              f"&_sort_desc=date&_size=20&{DATASETTE_FAST}")  # fmt: skip
    with (
        server(ours_cmd, ours_env, base + "/health", folder / "saidwho.log"),
        server(ds_cmd, dict(os.environ), ds_base + "/-/versions.json", folder / "datasette.log"),
    ):
        ask(base + "/v1/quotes?q=warm")
        answers = [ask(f"{base}/v1/quotes?q={urllib.parse.quote(q)}") for q in searches]
        if not same_rows(rows_of(get(ours), False), rows_of(get(theirs), False)):
            raise SystemExit(f"{phrase}: the servers answer with different quotes")
        loads: dict[str, list[Load]] = {"saidwho": [], "datasette": []}
        for round_number in range(args.rounds):
            pair = [("saidwho", ours), ("datasette", theirs)]
            for who, url in pair if round_number % 2 == 0 else pair[::-1]:
                loads[who].append(wrk(url, args.duration, args.connections))
    times = sorted(t for t, _ in answers)
    refused = sum(1 for _, status in answers if status == 503)
    other = sum(1 for _, status in answers if status not in (200, 503))
    print(f"{len(searches)} new searches (half words, half two-word phrases from the synthetic "
          f"vocabulary), one at a time: p50 {statistics.median(times):.1f} ms, p99 "
          f"{times[int(0.99 * len(times)) - 1]:.1f} ms, slowest {times[-1]:.1f} ms; "
          f"over budget (503): {refused}; other errors: {other}")  # fmt: skip
    ours_rps = statistics.median(r.rps for r in loads["saidwho"])
    their_rps = statistics.median(r.rps for r in loads["datasette"])
    print(f'phrase "{phrase}" ({hits:,} matches), wrk -t1 -c{args.connections} '
          f"-d{args.duration}s, {args.rounds} rounds: saidwho {ours_rps:,.0f} r/s (p99 "
          f"{statistics.median(r.p99 for r in loads['saidwho']):.1f} ms), Datasette "
          f"{their_rps:,.0f} r/s (p99 {statistics.median(r.p99 for r in loads['datasette']):.1f} "
          f"ms): {ours_rps / their_rps:.1f}x")  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
