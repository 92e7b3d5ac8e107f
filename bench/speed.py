"""saidwho against Datasette on the same million-quote SQLite file (see BENCH.md).

    python bench/speed.py [--quotes 1000000] [--duration 5] [--rounds 3] [--connections 10]

Builds the store with ``saidwho synth``, gives saidwho, Datasette and a bare-ASGI ceiling each
their own copy, checks that saidwho and Datasette answer the six queries with the same rows,
then loads each with wrk, the servers alternating, and prints per query the requests/s,
p50 and p99 of each, their ratio, and how fast the same SQL runs with Python's sqlite3 alone.
saidwho runs twice, as served (answers remembered until the store changes) and with
``SAIDWHO_REMEMBER_ANSWERS=false`` (every request does all its work): each query has both.
It prints how much of the store the phrase index takes.
It then measures the speaker + date-range query on the bare ASGI app, and the peak memory of
CSV and NDJSON exports of 10k and all rows. The last line is the smallest ratio.

Needs: wrk (Debian package wrk) and the bench extra (`pip install -e ".[bench]"`).
"""

import argparse
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.queries.quote_rows import QUOTE_SELECT  # noqa: E402

BIN = Path(sys.executable).parent
DATASETTE_FAST = "_nocount=1&_nofacet=1&_nosuggest=1&_labels=on"
FRESH = "phrase, a new one each request"
# The two ways saidwho is run: as served, and with nothing remembered between requests.
SAIDWHO = ("saidwho", "forgetting")
FORGETTING = {"SAIDWHO_REMEMBER_ANSWERS": "false"}
# wrk is one client sending thousands of requests a second: the rate limiter still runs on
# every request, with limits it never reaches.
UNTHROTTLED = {
    "SAIDWHO_RATE_LIMIT_PER_ADDRESS": "10000000/minute",
    "SAIDWHO_RATE_LIMIT_PER_KEY": "10000000/minute",
}


@dataclass
class Query:
    name: str
    saidwho: str
    datasette: str
    sql: str
    params: tuple[Any, ...]
    one_row: bool = False
    deep: bool = False


@dataclass
class Load:
    rps: float
    p50: float
    p99: float
    # Answers that were not 2xx, and socket errors: counted and shown, never fatal (a busy
    # machine may time a few out; the table says how many).
    errors: int = 0


def source_store(store: Path | None, quotes: int, path: Path) -> None:
    """``path`` becomes a copy of ``store``, a store synth made earlier (left unchanged), or,
    without one, a new store of ``quotes`` synthetic quotes."""
    if store is not None:
        shutil.copy(store, path)
        return
    env = {**os.environ, "SAIDWHO_DATABASE_URL": f"sqlite:///{path}"}
    subprocess.run([str(BIN / "saidwho"), "synth", "--quotes", str(quotes)], env=env, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> Any:
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{url}: {error.code} {error.read().decode()[:300]}") from None


@contextmanager
def server(
    command: list[str], env: dict[str, str], health: str, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(health, timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise SystemExit(
                            f"{command[0]} did not start:\n{log.read_text()}"
                        ) from None
                    time.sleep(0.2)
            yield process
        finally:
            process.terminate()
            process.wait(timeout=20)


def wrk(url: str, duration: int, connections: int, script: Path | None = None) -> Load:
    extra = ["-s", str(script)] if script else []
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", *extra, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def percentile(p: str) -> float:
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = 0
    if found := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        errors += int(found.group(1))
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(n) for n in found.groups())
    return Load(rps, percentile("50"), percentile("99"), errors)


def cpu_seconds(pid: int) -> float:
    """User and system CPU a process has used, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sqlite_qps(path: Path, sql: str, params: tuple[Any, ...], seconds: float = 1.0) -> float:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.execute(sql, params).fetchall()
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        connection.execute(sql, params).fetchall()
        count += 1
    connection.close()
    return count / (time.perf_counter() - started)


def same_rows(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> bool:
    """The same quotes, allowing ties on the date to be ordered differently: rows strictly
    inside the page's date range must be the same set; at its edges, the same number."""
    if len(ours) != len(theirs):
        return False
    if not ours:
        return True
    dates = [row["date"] for row in ours]
    edges = {dates[0], dates[-1]}
    inner = lambda rows: {r["id"] for r in rows if r["date"] not in edges}  # noqa: E731
    count = lambda rows, d: sum(r["date"] == d for r in rows)  # noqa: E731
    return inner(ours) == inner(theirs) and all(count(ours, d) == count(theirs, d) for d in edges)


def same_window(ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> bool:
    """For a deep page: the same dates, first to last, and the same rows strictly inside them.
    Datasette orders the ties of its first page by nothing and of later pages by id, so after
    49 pages its edges can hold other quotes of the same days; saidwho orders ties by id."""
    if not ours or len(ours) != len(theirs):
        return False
    window = lambda rows: (rows[0]["date"], rows[-1]["date"])  # noqa: E731
    edges = set(window(ours))
    inner = lambda rows: {r["id"] for r in rows if r["date"] not in edges}  # noqa: E731
    return window(ours) == window(theirs) and inner(ours) == inner(theirs)


def pick(path: Path) -> dict[str, Any]:
    """The speakers, outlet, phrase and quote the queries ask about, read off the store."""
    db = sqlite3.connect(path)
    busiest = db.execute(
        "SELECT speaker_id FROM quote GROUP BY speaker_id ORDER BY count(*) DESC LIMIT 2"
    ).fetchall()
    outlet = db.execute(
        "SELECT outlet_id FROM quote WHERE outlet_id IS NOT NULL GROUP BY outlet_id "
        "ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]
    last = db.execute("SELECT max(date) FROM quote").fetchone()[0]
    since = f"{int(last[:4]) - 1}-01-01"
    words = [w for (w,) in db.execute(
        "SELECT term FROM quote_fts_vocab WHERE doc BETWEEN 3000 AND 20000 ORDER BY term"
    )]  # fmt: skip
    phrase, hits = None, 0
    for first, second in zip(words, words[1:] + words[:1], strict=True):
        hits = db.execute(
            "SELECT count(*) FROM quote_fts WHERE quote_fts MATCH ?", (f'"{first} {second}"',)
        ).fetchone()[0]
        if 20 <= hits <= 2000:
            phrase = f"{first} {second}"
            break
    if phrase is None:
        # No two neighbours in the word list make such a phrase: take two words that stand
        # side by side in stored quotes instead.
        middling = set(words)
        for (text,) in db.execute("SELECT text FROM quote ORDER BY id LIMIT 5000"):
            tokens = re.findall(r"[a-z]+", text.lower())
            for first, second in zip(tokens, tokens[1:], strict=False):
                if first in middling and second in middling:
                    hits = db.execute(
                        "SELECT count(*) FROM quote_fts WHERE quote_fts MATCH ?",
                        (f'"{first} {second}"',),
                    ).fetchone()[0]
                    if 20 <= hits <= 2000:
                        phrase = f"{first} {second}"
                        break
            if phrase is not None:
                break
    if phrase is None:
        raise SystemExit("no phrase of the right frequency in this store")
    middle = db.execute("SELECT max(id) / 2 FROM quote").fetchone()[0]
    ten_k = db.execute(
        "SELECT speaker_id FROM quote GROUP BY speaker_id ORDER BY abs(count(*) - 10000) LIMIT 1"
    ).fetchone()[0]
    db.close()
    return {
        "busiest": busiest[0][0], "second": busiest[1][0], "outlet": outlet, "since": since,
        "until": last, "phrase": phrase, "phrase_hits": hits, "quote": middle, "ten_k": ten_k,
    }  # fmt: skip


def queries(chosen: dict[str, Any], table: str) -> list[Query]:
    order = " ORDER BY q.date DESC, q.id DESC LIMIT 21"
    s, o = chosen["second"], chosen["outlet"]
    phrase = urllib.parse.quote(f'"{chosen["phrase"]}"')
    return [
        Query(
            "speaker + 2-year range",
            f"/v1/quotes?speaker={s}&since={chosen['since']}&until={chosen['until']}&limit=20",
            f"{table}.json?speaker_id={s}&date__gte={chosen['since']}"
            f"&date__lte={chosen['until']}&_sort_desc=date&_size=20&{DATASETTE_FAST}",
            QUOTE_SELECT + " WHERE q.speaker_id = ? AND q.date >= ? AND q.date <= ?" + order,
            (s, chosen["since"], chosen["until"]),
        ),
        Query(
            "busiest speaker",
            f"/v1/quotes?speaker={chosen['busiest']}&limit=20",
            f"{table}.json?speaker_id={chosen['busiest']}&_sort_desc=date&_size=20&{DATASETTE_FAST}",
            QUOTE_SELECT + " WHERE q.speaker_id = ?" + order,
            (chosen["busiest"],),
        ),
        Query(
            "one outlet",
            f"/v1/quotes?outlet={o}&limit=20",
            f"{table}.json?outlet_id={o}&_sort_desc=date&_size=20&{DATASETTE_FAST}",
            QUOTE_SELECT + " WHERE q.outlet_id = ?" + order,
            (o,),
        ),
        Query(
            f'phrase "{chosen["phrase"]}" ({chosen["phrase_hits"]} hits)',
            f"/v1/quotes?q={phrase}&limit=20",
            f"{table}.json?_search={phrase}&_searchmode=raw&_sort_desc=date&_size=20"
            f"&{DATASETTE_FAST}",
            QUOTE_SELECT
            + " WHERE q.id IN (SELECT rowid FROM quote_fts WHERE quote_fts MATCH ?)"
            + order,
            (f'"{chosen["phrase"]}"',),
        ),
        Query(
            "one quote by id",
            f"/v1/quotes/{chosen['quote']}",
            f"{table}/{chosen['quote']}.json?_labels=on",
            QUOTE_SELECT + " WHERE q.id = ?",
            (chosen["quote"],),
            one_row=True,
        ),
    ]


def page_50(base: str, ds_base: str, query: Query) -> tuple[Query, list[Any], list[Any]]:
    """Query 2, fiftieth page: reached by cursor on saidwho, by _next on Datasette."""
    ours = get(base + query.saidwho)
    theirs = get(ds_base + query.datasette)
    for _ in range(49):
        ours = get(base + query.saidwho + "&cursor=" + ours["next_cursor"])
        theirs = get(ds_base + query.datasette + "&_next=" + urllib.parse.quote(theirs["next"]))
    cursor = base + query.saidwho + "&cursor="  # the URL of page 50 itself:
    previous_ours = get(base + query.saidwho)
    for _ in range(48):
        previous_ours = get(cursor + previous_ours["next_cursor"])
    previous_theirs = get(ds_base + query.datasette)
    for _ in range(48):
        previous_theirs = get(
            ds_base + query.datasette + "&_next=" + urllib.parse.quote(previous_theirs["next"])
        )
    last = ours["items"][-1]
    page = Query(
        "page 50 of busiest speaker",
        query.saidwho + "&cursor=" + previous_ours["next_cursor"],
        query.datasette + "&_next=" + urllib.parse.quote(previous_theirs["next"]),
        query.sql.replace(" ORDER BY", " AND (q.date, q.id) < (?, ?) ORDER BY"),
        (*query.params, last["date"], last["id"]),
        deep=True,
    )
    return page, ours["items"], theirs["rows"]


def fresh_phrases(path: Path, count: int = 30_000) -> list[str]:
    """Two neighbouring words from each of ``count`` random quotes: searches that match, each
    different, so no cache holds their answers."""
    db = sqlite3.connect(path)
    top = db.execute("SELECT max(id) FROM quote").fetchone()[0]
    rng = random.Random(7)
    phrases: list[str] = []
    while len(phrases) < count:
        row = db.execute("SELECT text FROM quote WHERE id = ?", (rng.randint(1, top),)).fetchone()
        words = re.findall(r"[^\W_]+", row[0]) if row else []
        if len(words) >= 2:
            at = rng.randrange(len(words) - 1)
            phrases.append(f"{words[at]} {words[at + 1]}")
    db.close()
    return phrases


def phrase_index_share(path: Path) -> str:
    """How much the phrase index adds to the store: its pages against all the others; and
    the size of the quote counts per speaker and day beside it."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:

        def pages(name: str = "%") -> int:
            sql = "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE ?"
            return int(connection.execute(sql, (name,)).fetchone()[0])

        total, pairs, words, days = (
            pages(),
            pages("quote_pair_fts%"),
            pages("quote_fts%"),
            pages("quote_day"),
        )
    rest = total - pairs
    return (
        f"phrase index {pairs / 2**20:,.1f} MB on a store of {rest / 2**20:,.1f} MB without it: "
        f"the store grows by {pairs / rest:.0%} (the word index is {words / 2**20:,.1f} MB, "
        f"the quote counts per speaker and day {days / 2**20:,.1f} MB)"
    )


def typed_prefixes(path: Path, count: int = 2000) -> list[str]:
    """What someone types into the search box, ``count`` times: the start of a speaker's or
    outlet's name, of a word, of a phrase's second word, or a word and a space."""
    db = sqlite3.connect(path)
    names = [
        row[0] for row in db.execute("SELECT name FROM speaker UNION ALL SELECT name FROM outlet")
    ]
    top = db.execute("SELECT max(id) FROM quote").fetchone()[0]
    rng = random.Random(11)
    typed: list[str] = []
    while len(typed) < count:
        shape = rng.randrange(4)
        if shape == 0:
            name = rng.choice(names)
            typed.append(name[: rng.randint(3, max(3, min(8, len(name))))])
            continue
        row = db.execute("SELECT text FROM quote WHERE id = ?", (rng.randint(1, top),)).fetchone()
        words = re.findall(r"[^\W_]+", row[0]) if row else []
        if len(words) < 2:
            continue
        at = rng.randrange(len(words) - 1)
        first, second = words[at], words[at + 1]
        if shape == 1:
            typed.append(first[: rng.randint(3, max(3, len(first)))])
        elif shape == 2:
            typed.append(f"{first} {second[: rng.randint(1, len(second))]}")
        else:
            typed.append(f"{first} ")
    db.close()
    return typed


def suggest_load(base: str, folder: Path, typed: list[str], args: argparse.Namespace) -> str:
    """``/v1/suggest`` under wrk, each request a different prefix, and how many answers had
    to leave phrases out (``phrases_complete`` false) in one pass over 200 of them."""
    paths = [f"/v1/suggest?q={urllib.parse.quote(text)}" for text in typed]
    script = rotation(folder, "suggest", paths)
    # One person typing sends one request at a time (-c1); a busy server takes many (-c10).
    lines = []
    for connections in (1, args.connections):
        loads = [wrk(base, args.duration, connections, script) for _ in range(args.rounds)]
        lines.append(
            f"-c{connections}: {statistics.median(load.rps for load in loads):,.0f} r/s, p50 "
            f"{statistics.median(load.p50 for load in loads):.2f} ms, p99 "
            f"{statistics.median(load.p99 for load in loads):.2f} ms, "
            f"{sum(load.errors for load in loads)} failed"
        )
    cut = sum(not get(base + path)["phrases_complete"] for path in paths[:200])
    return "; ".join(lines) + f"; phrases left out of {cut} of 200"


# Each wrk run of new phrases starts this far past the last one's start: none repeats a
# phrase another run on the same server asked, so nothing remembered can answer it.
FRESH_PER_RUN = 3000
FRESH_RUNS = [0]


def rotation(folder: Path, name: str, paths: list[str], start: int = 0) -> Path:
    """A wrk script that asks for each path in turn, from ``start`` on."""
    script = folder / f"{name}-{start}.lua"
    listed = ",\n".join(json.dumps(path) for path in paths)
    script.write_text(
        f"paths = {{\n{listed}\n}}\nat = {start % len(paths)}\n"
        "request = function()\n  at = at % #paths + 1\n"
        "  return wrk.format(nil, paths[at])\nend\n"
    )
    return script


def fresh_run(folder: Path, name: str, paths: list[str]) -> Path:
    """The next run's rotation of new phrases (see ``FRESH_PER_RUN``)."""
    start = FRESH_RUNS[0]
    FRESH_RUNS[0] += FRESH_PER_RUN
    return rotation(folder, name, paths, start)


def rows_of(answer: dict[str, Any], one_row: bool) -> list[dict[str, Any]]:
    if "items" in answer:
        return list(answer["items"])
    if one_row and "id" in answer:
        return [answer]
    rows = list(answer["rows"])
    if rows and isinstance(rows[0], list):
        rows = [dict(zip(answer["columns"], row, strict=True)) for row in rows]
    return rows


def peak_rss(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def export_memory(path: Path, folder: Path, limit_speaker: str) -> list[str]:
    """Peak RSS of a fresh saidwho process after streaming each export to the end."""
    lines = []
    for label, params in (("one speaker", {"speaker": limit_speaker}), ("every row", {})):
        for media in ("text/csv", "application/x-ndjson"):
            port = free_port()
            env = {**os.environ, **UNTHROTTLED, "SAIDWHO_DATABASE_URL": f"sqlite:///{path}"}
            command = [str(BIN / "saidwho"), "serve", "--port", str(port), "--no-access-log"]
            with folder.joinpath("export.log").open("w") as out:
                process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
                base = f"http://127.0.0.1:{port}"
                for _ in range(300):
                    try:
                        urllib.request.urlopen(base + "/health", timeout=2).read()
                        break
                    except OSError:
                        time.sleep(0.2)
                before = peak_rss(process.pid)
                request = urllib.request.Request(
                    base + "/v1/quotes?" + urllib.parse.urlencode(params), headers={"Accept": media}
                )
                rows, started = 0, time.perf_counter()
                with urllib.request.urlopen(request, timeout=600) as answer:
                    for _ in answer:
                        rows += 1
                seconds = time.perf_counter() - started
                after = peak_rss(process.pid)
                process.terminate()
                process.wait(timeout=20)
            lines.append(
                f"  {media:<22} {label:<9} {rows - (media == 'text/csv'):>9,} rows in "
                f"{seconds:6.1f} s, peak RSS {after:6.1f} MB (idle {before:.1f} MB)"
            )
    return lines


def on_postgres(
    args: argparse.Namespace,
    source: Path,
    folder: Path,
    plan: list[Query],
    expected: dict[str, list[Any]],
    results: dict[str, dict[str, list[Load]]],
    fresh: list[str],
    typed: list[str],
) -> None:
    """The same queries, on the same quotes, with saidwho on PostgreSQL (copied with `saidwho
    copy`), remembering and forgetting, beside Datasette's figures from the SQLite run above,
    with saidwho's own CPU time per answer, and the size of the phrase index there."""
    from sqlalchemy import create_engine, make_url

    cluster = make_url(args.postgres)
    store = cluster.set(database="saidwho_bench").render_as_string(False)
    admin = create_engine(cluster, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql("DROP DATABASE IF EXISTS saidwho_bench WITH (FORCE)")
        connection.exec_driver_sql("CREATE DATABASE saidwho_bench")
    admin.dispose()
    env = {**os.environ, **UNTHROTTLED, "SAIDWHO_DATABASE_URL": store}
    copied = subprocess.run(
        [str(BIN / "saidwho"), "copy", f"sqlite:///{source}"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    analyzed = create_engine(store, isolation_level="AUTOCOMMIT")
    with analyzed.connect() as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
        pairs, whole = connection.exec_driver_sql(
            "SELECT pg_relation_size('ix_quote_pairs') + sum(pg_column_size(pairs)), "
            "pg_database_size(current_database()) FROM quote"
        ).one()
    analyzed.dispose()
    print(f"\nPostgreSQL: {copied}")
    rest = whole - pairs
    print(
        f"phrase index (column and GIN index) {pairs / 2**20:,.1f} MB on a database of "
        f"{rest / 2**20:,.1f} MB without it: it grows by {pairs / rest:.0%}"
    )
    loads: dict[tuple[str, str], list[Load]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    names = [query.name for query in plan] + [FRESH]
    for mode in SAIDWHO:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [str(BIN / "saidwho"), "serve", "--port", str(port), "--no-access-log"]
        mode_env = {**env, **FORGETTING} if mode == "forgetting" else env
        with server(command, mode_env, base + "/health", folder / "postgres.log") as process:
            for query in plan:
                if rows_of(get(base + query.saidwho), query.one_row) != expected[query.name]:
                    raise SystemExit(f"{query.name}: saidwho answers otherwise on PostgreSQL")
            if mode == "saidwho":
                suggested = suggest_load(base, folder, typed, args)
            for _ in range(args.rounds):
                for query in [*plan, None]:
                    name = FRESH if query is None else query.name
                    before = cpu_seconds(process.pid)
                    if query is None:
                        script = fresh_run(folder, "postgres", fresh)
                        load = wrk(base, args.duration, args.connections, script)
                    else:
                        load = wrk(base + query.saidwho, args.duration, args.connections)
                    spent = cpu_seconds(process.pid) - before
                    loads.setdefault((mode, name), []).append(load)
                    # saidwho's own CPU per answer (PostgreSQL's is not counted).
                    answers = max(1.0, load.rps * args.duration)
                    cpu.setdefault((mode, name), []).append(1000 * spent / answers)
    print("rows checked: saidwho on PostgreSQL answers every query as on SQLite")
    print(f"/v1/suggest on PostgreSQL: {suggested}")
    print(
        f"{'query':<38}{'':<11}{'PostgreSQL r/s':>15}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'Datasette r/s':>15}{'ratio':>8}{'errors':>10}{'CPU ms/answer':>15}"
    )
    for name in names:
        for mode in SAIDWHO:
            done = loads[(mode, name)]
            ours = statistics.median(load.rps for load in done)
            theirs = statistics.median(load.rps for load in results[name]["datasette"])
            p50 = statistics.median(load.p50 for load in done)
            p99 = statistics.median(load.p99 for load in done)
            failed = _errors(done, results[name]["datasette"])
            spent = statistics.median(cpu[(mode, name)])
            label = "remembered" if mode == "saidwho" else "forgetting"
            print(
                f"{name if mode == 'saidwho' else '':<38}{label:<11}{ours:>15,.0f}{p50:>8.2f}"
                f"{p99:>8.2f}{theirs:>15,.0f}{ours / theirs:>7.1f}x{failed:>10}{spent:>15.2f}"
            )


def _errors(ours: list[Load], theirs: list[Load]) -> str:
    """Failed answers over all rounds, saidwho/Datasette."""
    return f"{sum(load.errors for load in ours)}/{sum(load.errors for load in theirs)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quotes", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--skip-exports", action="store_true")
    parser.add_argument(
        "--postgres",
        default="",
        help="a PostgreSQL server URL (postgresql+psycopg://user@host:port/db): also run "
        "saidwho on it, on the same quotes copied with `saidwho copy`",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None or not (BIN / "datasette").exists():
        raise SystemExit('needs wrk (apt-get install wrk) and pip install -e ".[bench]"')
    folder = Path(tempfile.mkdtemp(prefix="saidwho-bench-"))
    source = folder / "source.db"
    env = {**os.environ, "SAIDWHO_DATABASE_URL": f"sqlite:///{source}"}
    built = subprocess.run(
        [str(BIN / "saidwho"), "synth", "--quotes", str(args.quotes)],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    print(f"store: {built}")
    print(phrase_index_share(source))
    copies = {}
    for name in ("saidwho", "datasette", "ceiling"):
        copies[name] = folder / f"{name}.db"
        shutil.copy(source, copies[name])
    chosen = pick(source)
    table = "/datasette/quote"
    ours_port, ds_port, ceiling_port = free_port(), free_port(), free_port()
    base, ds_base = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{ds_port}"
    forgetting_port = free_port()
    forgetting_base = f"http://127.0.0.1:{forgetting_port}"
    bases = {"saidwho": base, "forgetting": forgetting_base, "datasette": ds_base}
    ours_env = {
        **os.environ, **UNTHROTTLED, "SAIDWHO_DATABASE_URL": f"sqlite:///{copies['saidwho']}"
    }  # fmt: skip
    ours_cmd = [str(BIN / "saidwho"), "serve", "--port", str(ours_port), "--no-access-log"]
    forgetting_cmd = [
        str(BIN / "saidwho"), "serve", "--port", str(forgetting_port), "--no-access-log"
    ]  # fmt: skip
    # Datasette finds full-text tables by their content= option only when quoted its way; the
    # metadata tells it which table indexes the quotes, as its documentation describes.
    metadata = folder / "metadata.json"
    metadata.write_text(json.dumps({"databases": {"datasette": {"tables": {
        "quote": {"fts_table": "quote_fts", "fts_pk": "id"}}}}}))  # fmt: skip
    ds_cmd = [
        str(BIN / "datasette"), "serve", "-i", str(copies["datasette"]), "-p", str(ds_port),
        "-m", str(metadata),
    ]  # fmt: skip
    results: dict[str, dict[str, list[Load]]] = {}
    qps: dict[str, float] = {}
    base_answers: dict[str, list[Any]] = {}
    with (
        server(ours_cmd, ours_env, base + "/health", folder / "saidwho.log"),
        server(
            forgetting_cmd, {**ours_env, **FORGETTING}, forgetting_base + "/health",
            folder / "forgetting.log",
        ),
        server(ds_cmd, dict(os.environ), ds_base + "/-/versions.json", folder / "datasette.log"),
    ):  # fmt: skip
        plan = queries(chosen, table)
        page, ours_rows, their_rows = page_50(base, ds_base, plan[1])
        if not same_window(ours_rows, their_rows):
            raise SystemExit("page 50: saidwho and Datasette answer with different rows")
        plan.append(page)
        for query in plan:
            ours = rows_of(get(base + query.saidwho), query.one_row)
            base_answers[query.name] = ours
            theirs = rows_of(get(ds_base + query.datasette), query.one_row)
            check = same_window if query.deep else same_rows
            if not check(ours, theirs):
                raise SystemExit(f"{query.name}: saidwho and Datasette answer with different rows")
            if rows_of(get(forgetting_base + query.saidwho), query.one_row) != ours:
                raise SystemExit(
                    f"{query.name}: saidwho answers otherwise when it remembers nothing"
                )
            qps[query.name] = sqlite_qps(copies["ceiling"], query.sql, query.params)
        phrases = [urllib.parse.quote(f'"{phrase}"') for phrase in fresh_phrases(source)]
        ours_paths = [f"/v1/quotes?q={phrase}&limit=20" for phrase in phrases]
        their_paths = [
            f"{table}.json?_search={phrase}&_searchmode=raw&_sort_desc=date&_size=20"
            f"&{DATASETTE_FAST}"
            for phrase in phrases
        ]
        for ours_path, their_path in list(zip(ours_paths, their_paths, strict=True))[:20]:
            if not same_rows(
                rows_of(get(base + ours_path), False), rows_of(get(ds_base + their_path), False)
            ):
                raise SystemExit(f"{ours_path}: saidwho and Datasette answer with different rows")
        print("rows checked: both servers answer every query with the same quotes")
        fresh = {
            "saidwho": (base, ours_paths),
            "forgetting": (forgetting_base, ours_paths),
            "datasette": (ds_base, their_paths),
        }
        names = [*SAIDWHO, "datasette"]
        for round_number in range(args.rounds):
            order = names if round_number % 2 == 0 else names[::-1]
            for query in plan:
                for name in order:
                    path = query.datasette if name == "datasette" else query.saidwho
                    load = wrk(bases[name] + path, args.duration, args.connections)
                    results.setdefault(query.name, {}).setdefault(name, []).append(load)
            for name in order:
                load = wrk(
                    fresh[name][0],
                    args.duration,
                    args.connections,
                    fresh_run(folder, name, fresh[name][1]),
                )
                results.setdefault(FRESH, {}).setdefault(name, []).append(load)
        typed = typed_prefixes(source)
        suggested = suggest_load(base, folder, typed, args)
        defaults = wrk(
            ds_base + plan[0].datasette.replace("&" + DATASETTE_FAST, ""),
            args.duration, args.connections,
        )  # fmt: skip
    ceiling_env = {
        **os.environ, "SAIDWHO_CEILING_DB": str(copies["ceiling"]), "PYTHONPATH": str(ROOT)
    }  # fmt: skip
    ceiling_cmd = [
        str(BIN / "uvicorn"), "bench.ceiling_app:app", "--port", str(ceiling_port),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    first = plan[0]
    ceiling_url = f"http://127.0.0.1:{ceiling_port}/?" + urllib.parse.urlencode(
        {"speaker": chosen["second"], "since": chosen["since"], "until": chosen["until"]}
    )
    with server(ceiling_cmd, ceiling_env, ceiling_url, folder / "ceiling.log"):
        ceiling = statistics.median(
            wrk(ceiling_url, args.duration, args.connections).rps for _ in range(args.rounds)
        )

    def median(loads: list[Load], field: str) -> float:
        return statistics.median(getattr(load, field) for load in loads)

    print(
        f"\nwrk -t1 -c{args.connections} -d{args.duration}s, {args.rounds} rounds alternating, "
        "medians; one server process each.\nEach query twice for saidwho: as served "
        "(remembered), then with SAIDWHO_REMEMBER_ANSWERS=false (forgetting)"
    )
    header = (
        f"{'query':<38}{'':<11}{'saidwho r/s':>12}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'Datasette r/s':>15}{'p50 ms':>8}{'p99 ms':>8}{'ratio':>8}{'sqlite3 q/s':>13}"
        f"{'errors':>10}"
    )
    print(header)
    ratios: dict[str, dict[str, float]] = {name: {} for name in SAIDWHO}
    for query in [*plan, None]:
        name = FRESH if query is None else query.name
        if query is None:
            print(
                f"a different phrase each request ({len(phrases):,}, each run from "
                f"{FRESH_PER_RUN:,} past the last):"
            )
        theirs = results[name]["datasette"]
        for mode in SAIDWHO:
            ours = results[name][mode]
            ratio = median(ours, "rps") / median(theirs, "rps")
            ratios[mode][name] = ratio
            label = "remembered" if mode == "saidwho" else "forgetting"
            sqlite_alone = f"{qps[name]:>13,.0f}" if query is not None else f"{'':>13}"
            print(
                f"{name if mode == 'saidwho' else '':<38}{label:<11}{median(ours, 'rps'):>12,.0f}"
                f"{median(ours, 'p50'):>8.2f}{median(ours, 'p99'):>8.2f}"
                f"{median(theirs, 'rps'):>15,.0f}{median(theirs, 'p50'):>8.2f}"
                f"{median(theirs, 'p99'):>8.2f}{ratio:>7.1f}x{sqlite_alone}"
                f"{_errors(ours, theirs):>10}"
            )
    print(f"\n/v1/suggest, {len(typed):,} different prefixes in turn: {suggested}")
    ours_first = median(results[first.name]["saidwho"], "rps")
    print(
        f"\nDatasette with its default URLs (counts, facets, suggestions) on query 1: "
        f"{defaults.rps:,.0f} r/s"
    )
    print(
        f"bare ASGI + sqlite3 ceiling for query 1: {ceiling:,.0f} r/s; saidwho reaches "
        f"{ours_first / ceiling:.0%} of it"
    )
    if args.postgres:
        on_postgres(args, source, folder, plan, base_answers, results, ours_paths, typed)
    if not args.skip_exports:
        print("\nexports, streamed to the end from a fresh server process:")
        for line in export_memory(copies["saidwho"], folder, chosen["ten_k"]):
            print(line)
    shutil.rmtree(folder, ignore_errors=True)
    for mode in SAIDWHO:
        six = {name: ratio for name, ratio in ratios[mode].items() if name != FRESH}
        worst = min(six, key=lambda name: six[name])
        label = "remembered" if mode == "saidwho" else "forgetting"
        print(f"smallest ratio of the six, {label}: {six[worst]:.1f}x ({worst})")


if __name__ == "__main__":
    main()
