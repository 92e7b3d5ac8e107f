"""Ingest at corpus speed (see BENCH.md): archives, worker processes, PostgreSQL, feeds.

    python bench/ingest.py [--articles 10000] [--extract-sample 2000] [--small 1000]
                           [--postgres URL] [--watch 200]

Builds ``--articles`` news articles of 3,000-6,000 characters from the team's newsroom set and
the seed (``app.synth.articles``: paragraphs of several articles, every person renamed, the
date moved) into a JSON Lines file, then measures, each in a new store:

- extraction alone (reading pages and quotations, no store writes) with one process and with
  two, on the first ``--extract-sample`` articles: the ceiling the store is measured against;
- ``saidwho ingest --jobs 1`` and ``--jobs 2`` of all of them into SQLite, end to end, as a
  user runs it (a process of its own; rate = articles / wall seconds);
- the peak resident memory of that process for ``--small`` and for all the articles: flat
  memory means the two are close;
- with ``--postgres``, ``--jobs 2`` into a new database on that server;
- ``saidwho watch --once`` over a feed of ``--watch`` entries served on the loopback address:
  how many were stored, and the most times any page was fetched (1 is right);
- the writer alone on the first ``--writer-sample`` articles, beside the floor of writing the
  same rows plainly (``bench/writer.py``: multi-row INSERTs on SQLite, COPY on PostgreSQL),
  and the statements it sends per article.

Rates are this machine's; the ratios (jobs 2 against jobs 1, the store against extraction
alone) are what carries to other machines.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, make_url, text  # noqa: E402

from app.config import Settings  # noqa: E402
from app.ingest.archive import Prepared, _prepared  # noqa: E402
from app.ingest.files import Defaults, sources  # noqa: E402
from app.store.upgrade import migrate  # noqa: E402
from app.synth.articles import load_models, varied_articles  # noqa: E402
from tests.ingest.feed_server import Route, Site, rfc822, rss, serving  # noqa: E402

NEWSROOM = ROOT / "tests" / "evaluation" / "newsroom" / "articles.yaml"
# The writer alone is measured in batches of these sizes; `ingest` and `load` write 200.
BATCHES = (100, 200)


def build(path: Path, count: int, seed: int = 1) -> tuple[int, float]:
    models = load_models(NEWSROOM, ROOT / "seed")
    sizes = []
    with path.open("w", encoding="utf-8") as stream:
        for item in varied_articles(models, count, seed=seed):
            sizes.append(len(item["text"]))
            stream.write(json.dumps(item) + "\n")
    return count, sum(sizes) / len(sizes)


def extraction_alone(archive: Path, folder: Path, sample: int, jobs: int) -> float:
    """Articles read per second with ``jobs`` processes, nothing stored."""
    head = folder / f"sample-{sample}.jsonl"
    with archive.open(encoding="utf-8") as source, head.open("w", encoding="utf-8") as out:
        for number, line in enumerate(source):
            if number >= sample:
                break
            out.write(line)
    settings = Settings(database_url=f"sqlite:///{folder / f'empty-{jobs}.db'}")
    migrate(settings)
    started = time.perf_counter()
    read = sum(
        1
        for outcome in _prepared(settings, sources([head]), Defaults(), None, jobs)
        if isinstance(outcome, Prepared)
    )
    return read / (time.perf_counter() - started)


def ingest(url: str, archive: Path, jobs: int) -> tuple[float, float, str]:
    """(articles a second end to end, peak RSS in MB of the command and its workers, summary)."""
    env = {**os.environ, "SAIDWHO_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-m", "app.cli", "migrate"], env=env, check=True, capture_output=True
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "ingest", str(archive), "--jobs", str(jobs)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    summary = output.strip().splitlines()[0] if output.strip() else "(no output)"
    if process.returncode not in (0, 1):
        raise SystemExit(f"ingest failed ({process.returncode}): {output[-2000:]}")
    stored = _count(url, "article")
    return stored / seconds, usage.ru_maxrss / 1024, summary


def _count(url: str, table: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        value = int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    engine.dispose()
    return value


def new_database(server_url: str, name: str) -> str:
    server = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    server.dispose()
    return make_url(server_url).set(database=name).render_as_string(False)


def watch(archive: Path, folder: Path, entries: int) -> tuple[int, int, int, float]:
    """(entries, stored, most fetches of one page, seconds) for one ``--once`` pass."""
    site = Site()
    with archive.open(encoding="utf-8") as stream:
        items = [json.loads(line) for _, line in zip(range(entries), stream, strict=False)]
    with serving(site):
        feed = []
        for number, item in enumerate(items):
            paragraphs = "".join(f"<p>{line}</p>" for line in item["text"].splitlines())
            page = (
                f"<html><head><title>{item['title']}</title>"
                f'<meta property="og:site_name" content="{item["publisher"]}">'
                f'<meta property="article:published_time" content="{item["published_on"]}">'
                f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{item['title']}</h1>"
                f"{paragraphs}</article><footer>Contact us</footer></body></html>"
            )
            site.routes[f"/a/{number}"] = Route(page.encode())
            feed.append((item["title"], f"{site.base}/a/{number}", rfc822(2025, 1, 1)))
        site.routes["/feed"] = Route(rss("Bench Wire", feed), "application/rss+xml")
        url = f"sqlite:///{folder / 'watch.db'}"
        # The feed is served on the loopback address, which watch refuses unless told.
        env = {**os.environ, "SAIDWHO_DATABASE_URL": url, "SAIDWHO_WATCH_ALLOW_HOSTS": "127.0.0.1"}
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "app.cli", "watch", f"{site.base}/feed", "--once",
             "--delay", "0"],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        if result.returncode != 0 or "refused" in result.stderr:
            raise SystemExit(f"watch failed: {result.stderr[-2000:]}")
        pages = [hits for path, hits in site.hits.items() if path.startswith("/a/")]
    return len(items), _count(url, "article"), max(pages, default=0), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--extract-sample", type=int, default=2_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--watch", type=int, default=200)
    parser.add_argument("--skip-jobs-1", action="store_true", help="only --jobs 2 end to end")
    parser.add_argument("--writer-sample", type=int, default=1_000)
    options = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    with tempfile.TemporaryDirectory(prefix="saidwho-ingest-") as name:
        folder = Path(name)
        archive = folder / "articles.jsonl"
        count, mean = build(archive, options.articles)
        small = folder / "small.jsonl"
        build(small, min(options.small, options.articles))
        print(f"{count:,} articles, {mean:,.0f} characters on average", flush=True)
        sample = min(options.extract_sample, count)
        alone = {jobs: extraction_alone(archive, folder, sample, jobs) for jobs in (1, 2)}
        print(f"extraction alone ({sample:,} articles): jobs 1 {alone[1]:,.1f}/s, "
              f"jobs 2 {alone[2]:,.1f}/s ({alone[2] / alone[1]:.2f}x)", flush=True)  # fmt: skip
        rows = []
        for jobs in (1, 2):
            if jobs == 1 and options.skip_jobs_1:
                continue
            url = f"sqlite:///{folder / f'jobs{jobs}.db'}"
            rate, rss, summary = ingest(url, archive, jobs)
            rows.append((f"SQLite, --jobs {jobs}", rate, alone[jobs], rss, summary))
            print(f"  {rows[-1][0]}: {rate:,.1f}/s, peak {rss:,.0f} MB; {summary}", flush=True)
        small_rate, small_rss, _ = ingest(f"sqlite:///{folder / 'small.db'}", small, 2)
        if options.postgres:
            url = new_database(options.postgres, "saidwho_bench_ingest")
            rate, rss, summary = ingest(url, archive, 2)
            rows.append(("PostgreSQL, --jobs 2", rate, alone[2], rss, summary))
            print(f"  {rows[-1][0]}: {rate:,.1f}/s, peak {rss:,.0f} MB; {summary}", flush=True)
        watched = watch(archive, folder, options.watch) if options.watch else None
        sample = folder / "writer.jsonl"
        build(sample, min(options.writer_sample, count))
        writer_rows = writer_against_floor(sample, folder, options.postgres)
    print()
    print("| run | articles/s end to end | extraction alone | share of it | peak RSS |")
    print("|---|---|---|---|---|")
    for label, rate, ceiling, rss, _ in rows:
        print(f"| {label} | {rate:,.1f} | {ceiling:,.1f} | {rate / ceiling:.0%} | {rss:,.0f} MB |")
    by_jobs = {label: rate for label, rate, *_ in rows}
    if "SQLite, --jobs 1" in by_jobs and "SQLite, --jobs 2" in by_jobs:
        ratio = by_jobs["SQLite, --jobs 2"] / by_jobs["SQLite, --jobs 1"]
        print(f"\njobs 2 / jobs 1 on SQLite: {ratio:.2f}x")
    full_rss = next(rss for label, _, _, rss, _ in rows if label == "SQLite, --jobs 2")
    print(f"peak RSS, SQLite --jobs 2: {small_rss:,.0f} MB for {min(options.small, count):,} "
          f"articles ({small_rate:,.1f}/s), {full_rss:,.0f} MB for {count:,}")  # fmt: skip
    print(f"\nThe writer alone ({min(options.writer_sample, count):,} articles read beforehand),"
          " beside the same rows written plainly:\n")  # fmt: skip
    print("| store | batch | writer, articles/s | the same rows, plain | writer / floor "
          "| statements per article |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    print("\n".join(writer_rows))
    if watched is not None:
        entries, stored, most, seconds = watched
        print(f"watch --once: {stored:,} of {entries:,} entries stored in {seconds:,.1f} s; "
              f"most fetches of one page: {most}")  # fmt: skip


def writer_against_floor(sample: Path, folder: Path, postgres: str) -> list[str]:
    """The table bench/writer.py prints, for the articles in ``sample``: the writer in batches
    of 100 and of 200 (as ``ingest`` and ``load`` write), each beside the same floor."""
    from bench import writer

    items = writer.submitted(sample)
    lines = []
    seeded = writer.store(f"sqlite:///{folder / 'w-seeded.db'}")
    rates = {}
    for batch in BATCHES:
        settings = writer.store(f"sqlite:///{folder / f'w-writer-{batch}.db'}")
        rates[batch] = writer.writer(settings, items, batch)
    rows = writer.new_rows(settings, seeded)
    writer.store(f"sqlite:///{folder / 'w-floor.db'}")
    floor = writer.floor_sqlite(str(folder / "w-floor.db"), rows, len(items))
    lines += _writer_lines("SQLite", rates, floor, "multi-row INSERT")
    if postgres:
        seeded_pg = writer.store(new_database(postgres, "saidwho_bench_seeded"))
        for batch in BATCHES:
            pg = writer.store(new_database(postgres, f"saidwho_bench_writer_{batch}"))
            rates[batch] = writer.writer(pg, items, batch)
        rows = writer.new_rows(pg, seeded_pg)
        floor_url = new_database(postgres, "saidwho_bench_floor")
        writer.store(floor_url)
        floor = writer.floor_postgres(floor_url, rows, len(items))
        lines += _writer_lines("PostgreSQL", rates, floor, "COPY")
    return lines


def _writer_lines(
    store: str, rates: dict[int, tuple[float, float]], floor: float, how: str
) -> list[str]:
    return [
        f"| {store} | {batch} | {rate:,.0f} | {floor:,.0f} ({how}) | {rate / floor:.2f} "
        f"| {per_article:.2f} |"
        for batch, (rate, per_article) in rates.items()
    ]


if __name__ == "__main__":
    main()
