"""Facets and the timeline at a million quotes, beside Datasette's facets (see BENCH.md).

    python bench/facets.py [--quotes 1000000] [--store PATH] [--speakers 20] [--repeats 30]

On a store made by ``saidwho synth`` (or a copy of ``--store``), each server on its own copy:

- a speaker's facets (``/v1/quotes/facets?speaker=ID``: speaker, outlet, publisher, kind, year,
  month), for speakers picked across the sizes, from the busiest down: the first request
  after a write (nothing remembered: the count itself) and the p50 / p99 of the same request
  repeated (remembered until the store changes);
- the timeline of a search (``facet=month&limit=1000`` with a common word), first and repeated;
- Datasette on the same question, where it has one: the table filtered by speaker with
  ``_facet=outlet_id&_facet=kind&_facet_date=date``, ``_size=0`` (it computes facets on every
  request, under its own 200 ms facet time limit, past which it leaves a facet out).

Requests are sent one at a time (latency, not throughput). Needs the bench extra
(`pip install -e ".[bench]"`).
"""

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from speed import UNTHROTTLED, free_port, server, source_store  # noqa: E402

BIN = Path(sys.executable).parent


def timed(url: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as answer:
        raw = answer.read()
    elapsed = (time.perf_counter() - started) * 1000
    return elapsed, json.loads(raw) if raw.startswith(b"{") else {}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def speakers_across_sizes(path: Path, wanted: int) -> list[tuple[str, int]]:
    """Speakers by quote count, busiest first, then evenly down the list."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT speaker_id, count(*) FROM quote GROUP BY speaker_id ORDER BY 2 DESC"
        ).fetchall()
    step = max(1, len(rows) // wanted)
    return [(str(r[0]), int(r[1])) for r in rows[::step][:wanted]]


def write_something(base: str, token: str, quote_id: int) -> None:
    """A correction (a quote marked checked, then not), so that nothing remembered counts:
    the next facets are counted again."""
    global _flip
    _flip = not _flip
    body = json.dumps({"reviewed": _flip}).encode()
    request = urllib.request.Request(
        base + f"/v1/quotes/{quote_id}", data=body, method="PATCH",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=60) as answer:
        answer.read()


_flip = False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quotes", type=int, default=1_000_000)
    parser.add_argument("--store", type=Path, help="a store synth made earlier (copied)")
    parser.add_argument("--speakers", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--word", default="government", help="the word the timeline searches")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="saidwho-facets-"))
    ours_db, theirs_db = folder / "saidwho.db", folder / "datasette.db"
    source_store(args.store, args.quotes, ours_db)
    env = {**os.environ, **UNTHROTTLED, "SAIDWHO_DATABASE_URL": f"sqlite:///{ours_db}"}
    subprocess.run([str(BIN / "saidwho"), "migrate"], env=env, check=True)
    made = subprocess.run(
        [str(BIN / "saidwho"), "keys", "create", "bench"], env=env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    token = made.stdout.strip().splitlines()[-1]
    subprocess.run(["cp", str(ours_db), str(theirs_db)], check=True)
    speakers = speakers_across_sizes(ours_db, args.speakers)
    with sqlite3.connect(ours_db) as connection:
        total = connection.execute("SELECT count(*) FROM quote").fetchone()[0]
    print(f"store: {total:,} quotes; {len(speakers)} speakers from {speakers[0][1]:,} quotes "
          f"down to {speakers[-1][1]:,}")  # fmt: skip

    port, ds_port = free_port(), free_port()
    base, ds_base = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{ds_port}"
    ours_cmd = [str(BIN / "saidwho"), "serve", "--port", str(port), "--no-access-log"]
    ds_cmd = [str(BIN / "datasette"), "serve", "-i", str(theirs_db), "-p", str(ds_port)]
    with (
        server(ours_cmd, env, base + "/health", folder / "saidwho.log"),
        server(ds_cmd, dict(os.environ), ds_base + "/-/versions.json", folder / "datasette.log"),
    ):
        first: list[float] = []
        repeated: list[float] = []
        theirs: list[float] = []
        left_out = 0
        for speaker_id, _ in speakers:
            url = base + "/v1/quotes/facets?" + urllib.parse.urlencode({"speaker": speaker_id})
            write_something(base, token, 1)
            first.append(timed(url)[0])
            repeated += [timed(url)[0] for _ in range(args.repeats)]
            ds_url = (
                ds_base + "/datasette/quote.json?" + urllib.parse.urlencode({
                    "speaker_id": speaker_id, "_facet": ["outlet_id", "kind"],
                    "_facet_date": "date", "_size": 0, "_nocount": 1,
                }, doseq=True)
            )  # fmt: skip
            for _ in range(max(3, args.repeats // 5)):
                elapsed, body = timed(ds_url)
                theirs.append(elapsed)
                left_out += bool(body.get("facets_timed_out"))
        q = urllib.parse.urlencode({"q": args.word, "facet": "month", "limit": 1000})
        timeline_url = base + "/v1/quotes/facets?" + q
        write_something(base, token, 1)
        timeline_first, timeline = timed(timeline_url)
        timeline_repeated = [timed(timeline_url)[0] for _ in range(args.repeats)]
        # The busiest speaker's page: its timeline, facets and first 20 quotes, as HTML.
        page_url = base + "/speakers/" + urllib.parse.quote(speakers[0][0])
        write_something(base, token, 1)
        page_first = timed(page_url)[0]
        page_repeated = [timed(page_url)[0] for _ in range(args.repeats)]

    report(first, repeated, theirs, left_out, len(speakers), args.word,
           (timeline_first, timeline_repeated, timeline), (page_first, page_repeated))  # fmt: skip


def report(
    first: list[float],
    repeated: list[float],
    theirs: list[float],
    left_out: int,
    speakers: int,
    word: str,
    timeline: tuple[float, list[float], dict[str, Any]],
    page: tuple[float, list[float]],
) -> None:
    median = statistics.median
    timeline_first, timeline_repeated, answer = timeline
    months = len(answer["facets"]["month"]["values"])
    rows = [
        (f"a speaker's six facets ({speakers} speakers)",
         f"{median(first):.1f} ms (max {max(first):.0f})",
         f"{median(repeated):.2f} ms", f"{percentile(repeated, 0.99):.2f} ms"),
        (f"timeline of q={word!r} ({months} months, exact: {answer['exact']}, "
         f"counted {answer['counted']:,})", f"{timeline_first:.1f} ms",
         f"{median(timeline_repeated):.2f} ms", f"{percentile(timeline_repeated, 0.99):.2f} ms"),
        ("the busiest speaker's page (timeline, facets, 20 quotes)", f"{page[0]:.1f} ms",
         f"{median(page[1]):.2f} ms", f"{percentile(page[1], 0.99):.2f} ms"),
        ("Datasette: a speaker's facets (outlet, kind, date)", "every request counts",
         f"{median(theirs):.1f} ms", f"{percentile(theirs, 0.99):.1f} ms"),
    ]  # fmt: skip
    print()
    print("| request | first after a write, p50 | repeated, p50 | repeated, p99 |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print(f"Datasette p50 / saidwho p50: repeated {median(theirs) / median(repeated):.1f}x, "
          f"first after a write {median(theirs) / median(first):.2f}x")  # fmt: skip
    print(f"Datasette left a facet out (its time limit) in {left_out} of {len(theirs)} answers")


if __name__ == "__main__":
    main()
