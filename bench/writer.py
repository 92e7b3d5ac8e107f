"""The writer alone, beside the floor of writing the same rows (see BENCH.md).

    python bench/writer.py [--articles 1000] [--batch 100] [--postgres URL]

Builds ``--articles`` articles as ``bench/ingest.py`` does and reads them first (extraction is
not measured here). Then, each in a new seeded store:

- the writer (``app.ingest.writer``: linking, grouping, storing) in batches of ``--batch``
  articles, a transaction each: articles a second, and statements sent per article;
- the floor: the very rows the writer stored, written again into a new seeded store with one
  multi-row INSERT per table per 50 articles through plain ``sqlite3`` (or ``COPY`` per table
  per 50 articles on PostgreSQL), a transaction each, nothing linked or grouped; each row
  goes in with the first article that brought it, and keys are checked, as the store does.

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

from app import writes  # noqa: E402
from app.config import Settings  # noqa: E402
from app.db import make_engine, session_scope  # noqa: E402
from app.ingest.reading import read_quotations  # noqa: E402
from app.ingest.writer import Submitted, write_articles  # noqa: E402
from app.models.phrase_index import register  # noqa: E402
from app.quotations.batch import KnownPublishers  # noqa: E402
from app.seed import load_seed  # noqa: E402
from app.store.upgrade import migrate  # noqa: E402
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
    copied = writes.copies[0]  # COPY statements, which SQLAlchemy's events do not see
    known = KnownPublishers()  # as a run (ingest, load) hands them from batch to batch
    started = time.perf_counter()
    for at in range(0, len(items), batch):
        with session_scope(engine) as session:
            write_articles(session, items[at : at + batch], known)
    seconds = time.perf_counter() - started
    engine.dispose()
    return len(items) / seconds, (sent[0] + writes.copies[0] - copied) / len(items)


Rows = dict[str, tuple[list[str], list[list[tuple[Any, ...]]]]]


def new_rows(settings: Settings, seeded: Settings, per_part: int = PER_TRANSACTION) -> Rows:
    """Every row the writer added (those the seeded store does not have), by table, cut into
    parts of ``per_part`` articles: each row in the part of the first article that brought
    it, so a part's rows refer only to rows of its own or earlier parts."""
    written, base = make_engine(settings), make_engine(seeded)
    inspector = sa.inspect(written)
    # A column the store computes (PostgreSQL's search vector) is not written.
    shapes = {
        table: (
            inspector.get_pk_constraint(table)["constrained_columns"],
            [c["name"] for c in inspector.get_columns(table) if not c.get("computed")],
        )
        for table in TABLES
    }
    with written.connect() as mine, base.connect() as theirs:
        first = {
            name: dict(mine.execute(sa.text(sql)).all()) for name, sql in _FIRST_ARTICLE.items()
        }
        articles = sorted(r[0] for r in mine.execute(sa.text("SELECT id FROM article")))
        known = {r[0] for r in theirs.execute(sa.text("SELECT id FROM article"))}
        part_of = {a: n // per_part for n, a in enumerate(a for a in articles if a not in known)}
        found: Rows = {}
        for table, (keys, columns) in shapes.items():
            quoted = ", ".join(f'"{c}"' for c in columns)
            result = mine.execute(sa.text(f"SELECT {quoted} FROM {table}"))
            at = [columns.index(k) for k in keys]
            before = {
                tuple(r) for r in theirs.execute(sa.text(f"SELECT {', '.join(keys)} FROM {table}"))
            }
            parts: list[list[tuple[Any, ...]]] = [[] for _ in range(max(part_of.values()) + 1)]
            for row in result:
                if tuple(row[i] for i in at) in before:
                    continue
                article = _article_of(table, dict(zip(columns, row, strict=True)), first)
                # A new name of a seeded speaker (or key of a seeded quotation): first part.
                parts[part_of.get(article, 0)].append(tuple(row))
            found[table] = (columns, parts)
    written.dispose()
    base.dispose()
    return found


# The first article each speaker, outlet and quotation came with.
_FIRST_ARTICLE = {
    "speaker": "SELECT speaker_id, min(article_id) FROM quote GROUP BY speaker_id",
    "outlet": "SELECT o, min(a) FROM (SELECT publisher_id AS o, id AS a FROM article UNION ALL "
    "SELECT outlet_id, article_id FROM quote WHERE outlet_id IS NOT NULL) AS u GROUP BY o",
    "quotation": "SELECT quotation_id, min(article_id) FROM quote GROUP BY quotation_id",
}


def _article_of(table: str, row: dict[str, Any], first: dict[str, dict[Any, int]]) -> int:
    if table == "article":
        return int(row["id"])
    if table == "quote":
        return int(row["article_id"])
    if table in ("speaker", "outlet", "quotation"):
        return first[table].get(row["id"], 0)
    if table == "speaker_alias":
        return int(row["article_id"] or first["speaker"].get(row["speaker_id"], 0))
    if table == "outlet_alias":
        return first["outlet"].get(row["outlet_id"], 0)
    return first["quotation"].get(row["quotation_id"], 0)  # quotation_anchor


def floor_sqlite(path: str, rows: Rows, articles: int) -> float:
    """Articles a second writing ``rows`` with plain sqlite3, a transaction per part, and in
    it one multi-row INSERT per table (or a few, within the values one statement may bind),
    keys checked as the store checks them."""
    connection = sqlite3.connect(path, isolation_level=None)
    register(connection)  # the phrase index's triggers call it, as on every store connection
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")
    started = time.perf_counter()
    for part in range(len(rows["article"][1])):
        connection.execute("BEGIN IMMEDIATE")
        for table in TABLES:
            columns, parts = rows[table]
            if parts[part]:
                per = writes.rows_per_statement(connection, len(columns))
                for statement, flat in writes.sqlite_inserts(table, columns, parts[part], per):
                    connection.execute(statement, flat)
        connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    connection.close()
    return articles / seconds


def floor_postgres(url: str, rows: Rows, articles: int) -> float:
    """Articles a second writing ``rows`` with COPY, a transaction per part, one COPY per
    table in it, keys checked."""
    import psycopg

    plain = sa.make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(plain) as connection:
        started = time.perf_counter()
        for part in range(len(rows["article"][1])):
            with connection.transaction(), connection.cursor() as cursor:
                for table in TABLES:
                    columns, parts = rows[table]
                    if not parts[part]:
                        continue
                    names = ", ".join(f'"{c}"' for c in columns)
                    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in parts[part]:
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
        results.append(("SQLite", rate, floor, per_article, "multi-row INSERT"))
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
