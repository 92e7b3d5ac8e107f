"""Fill a store with N synthetic quotes shaped like real ones: a Zipf-like vocabulary of real
words, a few speakers quoted very often and a long tail, hundreds of outlets, ten years of
dates, articles that hold their quotes at true offsets. Written through the real schema: on
SQLite the indexes and full-text triggers are set aside during the load and put back from the
schema's own SQL, and the full-text index is rebuilt, so the result is what migrations and
ordinary writes would have made, only faster."""

import datetime as dt
import hashlib
import itertools
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, make_url

from app.names import name_key
from app.synth.vocabulary import vocabulary

QUOTES_PER_ARTICLE = 10
FIRST_DAY = dt.date(2015, 1, 1)
DAYS = 3653
KINDS = ("direct", "direct", "direct", "partial", "indirect", "indirect")
_GIVEN = ["Maria", "James", "Ann", "Tom", "Li", "Omar", "Sofia", "Ivan", "Grace", "Kwame", "Ana",
          "Yuki", "Liam", "Noor", "Elena", "Raj", "Chen", "Fatima", "Peter", "Zara"]  # fmt: skip
_FAMILY = ["Lopez", "Reyes", "Price", "Novak", "Chen", "Okafor", "Haddad", "Singh", "Kowalski",
           "Moreau", "Tanaka", "Silva", "Brennan", "Adeyemi", "Petrov", "Larsen", "Duarte",
           "Ibrahim", "Walsh", "Kim"]  # fmt: skip
_ROLES = ["Senator", "Governor", "Secretary of State", "spokesman", "Mayor", "minister",
          "analyst", "chief executive", "Representative", "ambassador"]  # fmt: skip


class SynthError(RuntimeError):
    """The store cannot take a synthetic load (not empty, not SQLite)."""


@dataclass(frozen=True)
class Built:
    quotes: int
    articles: int
    speakers: int
    outlets: int
    seconds: float


def build(engine: Engine, quotes: int, *, seed: int = 2024) -> Built:
    url = make_url(engine.url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise SynthError("synth writes SQLite stores; point SAIDWHO_DATABASE_URL at a file")
    started = time.perf_counter()
    connection = sqlite3.connect(url.database, isolation_level=None)
    try:
        if connection.execute("SELECT count(*) FROM quote").fetchone()[0]:
            raise SynthError("the store already has quotes; synth fills an empty store")
        articles, speakers, outlets = _load(connection, quotes, random.Random(seed))
    finally:
        connection.close()
    return Built(quotes, articles, speakers, outlets, seconds=time.perf_counter() - started)


def _load(connection: sqlite3.Connection, quotes: int, rng: random.Random) -> tuple[int, int, int]:
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-262144")
    saved = connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'quote' "
        "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
    ).fetchall()
    connection.execute("BEGIN")
    try:
        for kind, name, _ in saved:
            connection.execute(f'DROP {kind.upper()} "{name}"')
        words = vocabulary()
        weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
        outlets = _outlets(connection, rng)
        speakers = _speakers(connection, rng, max(50, quotes // 200))
        speaker_weights = list(
            itertools.accumulate(1 / (rank + 1) ** 1.1 for rank in range(len(speakers)))
        )
        outlet_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(outlets))))
        articles = _articles_and_quotes(
            connection, rng, quotes, words, weights, speakers, speaker_weights, outlets,
            outlet_weights,
        )  # fmt: skip
        for _, _, sql in saved:
            connection.execute(sql)
        connection.execute("INSERT INTO quote_fts(quote_fts) VALUES ('rebuild')")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("ANALYZE")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return articles, len(speakers), len(outlets)


def _outlets(connection: sqlite3.Connection, rng: random.Random) -> list[tuple[str, str]]:
    kinds = ["Times", "Post", "News", "Herald", "Journal", "Radio", "Tribune", "Gazette"]
    places = [f"{a}{b}" for a in ("North", "South", "East", "West", "New", "Port", "Lake")
              for b in ("field", "ton", "ville", "burg", "haven", "ford")]  # fmt: skip
    names = sorted({f"{place} {kind}" for place in places for kind in kinds})
    rng.shuffle(names)
    chosen = [(f"outlet-{n:03d}", name) for n, name in enumerate(names[:300], start=1)]
    connection.executemany("INSERT INTO outlet (id, name) VALUES (?, ?)", chosen)
    connection.executemany(
        "INSERT INTO outlet_alias (outlet_id, key, alias) VALUES (?, ?, ?)",
        [(oid, name_key(n), n) for oid, n in chosen] + [(oid, oid, oid) for oid, _ in chosen],
    )
    return chosen


def _speakers(
    connection: sqlite3.Connection, rng: random.Random, count: int
) -> list[tuple[str, str]]:
    rows, aliases = [], []
    for n in range(1, count + 1):
        if n % 10 == 0:
            name, kind, role = f"unnamed official {n}", "anonymous", "official"
        elif n % 10 == 5:
            name, kind, role = f"Ministry of Affairs {n}", "organization", None
        else:
            name = f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)} {n}"
            kind, role = "person", rng.choice(_ROLES)
        speaker_id = f"speaker-{n:06d}"
        rows.append((speaker_id, name, kind, role, None))
        aliases += [(speaker_id, name_key(name), name), (speaker_id, speaker_id, speaker_id)]
    connection.executemany(
        "INSERT INTO speaker (id, name, kind, role, affiliation) VALUES (?, ?, ?, ?, ?)", rows
    )
    connection.executemany(
        "INSERT INTO speaker_alias (speaker_id, key, alias) VALUES (?, ?, ?)", aliases
    )
    return [(r[0], r[1]) for r in rows]


def _articles_and_quotes(
    connection: sqlite3.Connection,
    rng: random.Random,
    quotes: int,
    words: list[str],
    weights: list[float],
    speakers: list[tuple[str, str]],
    speaker_weights: list[float],
    outlets: list[tuple[str, str]],
    outlet_weights: list[float],
) -> int:
    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC).isoformat()
    article_id, made = 0, 0
    while made < quotes:
        article_id += 1
        in_article = min(QUOTES_PER_ARTICLE, quotes - made)
        published = FIRST_DAY + dt.timedelta(days=int(rng.triangular(0, DAYS, DAYS)))
        publisher = rng.choices(outlets, cum_weights=outlet_weights)[0][0]
        paragraphs, spans = [], []
        offset = 0
        for _ in range(in_article):
            said = rng.choices(words, cum_weights=weights, k=rng.randint(6, 24))
            text = " ".join(said).capitalize()
            speaker_id, name = rng.choices(speakers, cum_weights=speaker_weights)[0]
            paragraph = f"\u201c{text},\u201d {name} said."
            spans.append((offset + 1, offset + 1 + len(text), text, speaker_id, name))
            paragraphs.append(paragraph)
            offset += len(paragraph) + 1
        body = "\n".join(paragraphs)
        connection.execute(
            "INSERT INTO article (id, title, publisher_id, published_on, url, text, "
            "content_hash, created_at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)",
            (
                article_id, f"Synthetic article {article_id}", publisher, published.isoformat(),
                body, hashlib.sha256(body.encode()).hexdigest(), now,
            ),
        )  # fmt: skip
        connection.executemany(
            "INSERT INTO quote (article_id, speaker_id, outlet_id, kind, text, said_on, "
            "said_on_precision, date, cue, span_start, span_end, speaker_span_start, "
            "speaker_span_end, continues_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            _quote_rows(rng, article_id, published, spans, outlets, outlet_weights, now),
        )
        made += in_article
    return article_id


def _quote_rows(
    rng: random.Random,
    article_id: int,
    published: dt.date,
    spans: list[tuple[int, int, str, str, str]],
    outlets: list[tuple[str, str]],
    outlet_weights: list[float],
    now: str,
) -> Iterator[tuple[object, ...]]:
    for start, end, text, speaker_id, name in spans:
        said = published - dt.timedelta(days=rng.randint(0, 6))
        said_known = rng.random() < 0.6
        given = rng.random() < 0.3
        outlet = rng.choices(outlets, cum_weights=outlet_weights)[0][0] if given else None
        speaker_start = end + 3
        yield (
            article_id, speaker_id, outlet, rng.choice(KINDS), text,
            said.isoformat() if said_known else None, "day" if said_known else None,
            (said if said_known else published).isoformat(), f"{name} said",
            start, end, speaker_start, speaker_start + len(name), now,
        )  # fmt: skip
