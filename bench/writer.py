"""The writer alone, beside the floor of writing the same rows (see BENCH.md).

    python bench/writer.py [--articles 1000] [--batch 100] [--postgres URL]

Builds ``--articles`` articles as ``bench/ingest.py`` does and reads them first (extraction is
not measured here). Then, each in a new seeded store:

- the writer (``app.ingest.writer``: linking, grouping, storing) in batches of ``--batch``
  articles, a transaction each: articles a second, and statements sent per article;
- the floor: the very rows the writer stored, written again into a new seeded store with one
  ``executemany`` per table per 50 articles through plain ``sqlite3`` (or ``COPY`` per table
  per 50 articles on PostgreSQL), a transaction each, nothing linked or grouped, and foreign
  keys not checked on SQLite (the rows are cut by share, not by article).

The ratio writer/floor is what carries to other machines: how much of the time a store needs
to take the rows at all the writer adds by deciding what they are.
"""

import argparse
import datetime as dt
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db import make_engine, migrate, session_scope  # noqa: E402
from app.ingest.reading import read_quotations  # noqa: E402
from app.ingest.writer import Submitted, write_articles  # noqa: E402
from app.seed import load_seed  # noqa: E402
from bench.ingest import build, new_database  # noqa: E402

# Parents before children, as any writer must.
TABLES = ("outlet", "outlet_alias", "article", "speaker", "speaker_alias", "quotation",
          "quotation_anchor", "quote")  # fmt: skip
PER_TRANSACTION = 50


def submitted(archive: Path) -> list[Submitted]:
    items = []
    with archive.open(encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            day = dt.date.fromisoformat(record["published_on"])
            items.append(
                Submitted(
                    title=record["title"], publisher=record["publisher"], published_on=day,
                    text=record["text"], read=read_quotations(record["text"], day),
                )
            )  # fmt: skip
    return items


def store(url: str) -> Settings:
    settings = Settings(database_url=url)
    migrate(settings)
    engine = make_engine(settings)
    load_seed(engine, settings.seed_dir)
    engine.dispose()
    return settings


def writer(settings: Settings, items: list[Submitted], batch: int) -> tuple[float, float]:
    """(articles a second, statements per article)."""
    engine = make_engine(settings)
    sent = [0]

    def count(*_: Any) -> None:
        sent[0] += 1

    sa.event.listen(engine, "before_cursor_execute", count)
    started = time.perf_counter()
    for at in range(0, len(items), batch):
        with session_scope(engine) as session:
            write_articles(session, items[at : at + batch])
    seconds = time.perf_counter() - started
    engine.dispose()
    return len(items) / seconds, sent[0] / len(items)


def new_rows(
    settings: Settings, seeded: Settings
) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every row the writer added, by table: those the seeded store does not have."""
    found = {}
    written, base = make_engine(settings), make_engine(seeded)
    with written.connect() as mine, base.connect() as theirs:
        for table in TABLES:
            keys = sa.inspect(written).get_pk_constraint(table)["constrained_columns"]
            result = mine.execute(sa.text(f"SELECT * FROM {table}"))
            columns = list(result.keys())
            at = [columns.index(k) for k in keys]
            before = {
                tuple(r) for r in theirs.execute(sa.text(f"SELECT {', '.join(keys)} FROM {table}"))
            }
            found[table] = (
                columns,
                [tuple(r) for r in result if tuple(r[i] for i in at) not in before],
            )
    written.dispose()
    base.dispose()
    return found


def floor_sqlite(
    path: str, rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]], articles: int
) -> float:
    """Articles a second writing ``rows`` with plain sqlite3, one transaction per 50 articles."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    # Rows are cut into transactions by share, not by article: a child may come before its
    # parent, so keys are not checked. The floor is only faster for it.
    connection.execute("PRAGMA foreign_keys = OFF")
    parts = max(1, articles // PER_TRANSACTION)
    started = time.perf_counter()
    for part in range(parts):
        connection.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            columns, values = rows[table]
            share = values[part * len(values) // parts : (part + 1) * len(values) // parts]
            if share:
                marks = ", ".join("?" for _ in columns)
                connection.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", share
                )
        connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    return articles / seconds


def floor_postgres(
    url: str, rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]], articles: int
) -> float:
    """Articles a second writing ``rows`` with COPY, one transaction per 50 articles."""
    import psycopg

    plain = sa.make_url(url).set(drivername="postgresql").render_as_string(False)
    parts = max(1, articles // PER_TRANSACTION)
    with psycopg.connect(plain) as connection:
        started = time.perf_counter()
        for part in range(parts):
            with connection.transaction(), connection.cursor() as cursor:
                for table in TABLES:
                    columns, values = rows[table]
                    share = values[part * len(values) // parts : (part + 1) * len(values) // parts]
                    if not share:
                        continue
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in share:
                            copy.write_row(row)
        seconds = time.perf_counter() - started
    return articles / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--postgres", default="")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="saidwho-writer-") as name:
        folder = Path(name)
        archive = folder / "articles.jsonl"
        count, mean = build(archive, options.articles)
        items = submitted(archive)
        quotes = sum(len([a for a in i.read.attributions if a.speaker]) for i in items if i.read)
        print(f"{count:,} articles, {mean:,.0f} characters and about {quotes / count:.0f}"
              " attributions each; read beforehand", flush=True)  # fmt: skip
        results = []
        seeded = store(f"sqlite:///{folder / 'seeded.db'}")
        settings = store(f"sqlite:///{folder / 'writer.db'}")
        rate, per_article = writer(settings, items, options.batch)
        rows = new_rows(settings, seeded)
        floor_db = store(f"sqlite:///{folder / 'floor.db'}")
        floor = floor_sqlite(str(folder / "floor.db"), rows, count)
        del floor_db
        results.append(("SQLite", rate, floor, per_article, "executemany"))
        if options.postgres:
            seeded_pg = store(new_database(options.postgres, "saidwho_bench_seeded"))
            pg = store(new_database(options.postgres, "saidwho_bench_writer"))
            rate, per_article = writer(pg, items, options.batch)
            rows = new_rows(pg, seeded_pg)
            floor_url = new_database(options.postgres, "saidwho_bench_floor")
            store(floor_url)
            floor = floor_postgres(floor_url, rows, count)
            results.append(("PostgreSQL", rate, floor, per_article, "COPY"))
    print()
    print(f"| store | writer, batches of {options.batch} | the same rows, plain | writer / floor |"
          " statements per article |")  # fmt: skip
    print("|---|---|---|---|---|")
    for label, rate, floor, per_article, how in results:
        print(f"| {label} | {rate:,.0f} articles/s | {floor:,.0f} articles/s ({how}) |"
              f" {rate / floor:.2f} | {per_article:.2f} |")  # fmt: skip


if __name__ == "__main__":
    main()
