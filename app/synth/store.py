"""Fill a store with N synthetic quotes shaped like real ones: a Zipf-like vocabulary of real
words, a few speakers quoted very often and a long tail, hundreds of outlets, ten years of
dates, articles that hold their quotes at true offsets. Written through the real schema: on
SQLite the indexes and triggers are set aside during the load and put back from the schema's
own SQL, and the full-text indexes and the counts per speaker and day are rebuilt, so the
result is what migrations and ordinary writes would have made, only faster."""

import datetime as dt
import hashlib
import itertools
import random
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, make_url

from app.models.phrase_index import FUNCTION, pair_key_sql, register
from app.models.quote_days import FILL as FILL_DAYS
from app.models.quote_days import TABLE as DAY_COUNTS
from app.names import name_key
from app.quotations.compare import same_quotation
from app.quotations.words import anchors, words_of
from app.synth.vocabulary import vocabulary

QUOTES_PER_ARTICLE = 10
# The share of quotes that report again something a speaker said before, with variation.
REPEATED = 0.2
# How many recent statements a repeat is drawn from.
_RECENT = 50_000
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
    register(connection)
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
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('quote', 'quotation') "
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
        _quotations(connection)
        for _, _, sql in saved:
            connection.execute(sql)
        connection.execute("INSERT INTO quote_fts(quote_fts) VALUES ('rebuild')")
        # The phrase index holds no copy of the text to rebuild from: each quote is given it.
        connection.execute("INSERT INTO quote_pair_fts(quote_pair_fts) VALUES ('delete-all')")
        connection.execute(
            f"INSERT INTO quote_pair_fts(rowid, pairs) SELECT {pair_key_sql('quote')}, "
            f"{FUNCTION}(text) FROM quote"
        )
        connection.execute(f"DELETE FROM {DAY_COUNTS}")
        connection.execute(FILL_DAYS)
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
    # (quotation id, speaker id, name, words) of recent statements, for repeats to draw on.
    recent: list[tuple[int, str, str, list[str]]] = []
    quotations = 0
    while made < quotes:
        article_id += 1
        in_article = min(QUOTES_PER_ARTICLE, quotes - made)
        published = FIRST_DAY + dt.timedelta(days=int(rng.triangular(0, DAYS, DAYS)))
        publisher = rng.choices(outlets, cum_weights=outlet_weights)[0][0]
        paragraphs, spans = [], []
        offset = 0
        for _ in range(in_article):
            if recent and rng.random() < REPEATED:
                quotation, speaker_id, name, said = rng.choice(recent)
                text = _reported_again(rng, said)
                if same_quotation(words_of(text), words_of(" ".join(said))) is None:
                    # A cut the grouping rules would not join (an ellipsis over a "not").
                    text = " ".join(said).capitalize()
            else:
                said = rng.choices(words, cum_weights=weights, k=rng.randint(6, 24))
                text = " ".join(said).capitalize()
                speaker_id, name = rng.choices(speakers, cum_weights=speaker_weights)[0]
                quotations += 1
                quotation = quotations
                if len(recent) < _RECENT:
                    recent.append((quotation, speaker_id, name, said))
                else:
                    recent[rng.randrange(_RECENT)] = (quotation, speaker_id, name, said)
            paragraph = f"\u201c{text},\u201d {name} said."
            spans.append((offset + 1, offset + 1 + len(text), text, speaker_id, name, quotation))
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
            "speaker_span_end, continues_id, created_at, quotation_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)",
            _quote_rows(rng, article_id, published, spans, outlets, outlet_weights, now),
        )
        made += in_article
    return article_id


def _quote_rows(
    rng: random.Random,
    article_id: int,
    published: dt.date,
    spans: list[tuple[int, int, str, str, str, int]],
    outlets: list[tuple[str, str]],
    outlet_weights: list[float],
    now: str,
) -> Iterator[tuple[object, ...]]:
    for start, end, text, speaker_id, name, quotation in spans:
        said = published - dt.timedelta(days=rng.randint(0, 6))
        said_known = rng.random() < 0.6
        given = rng.random() < 0.3
        outlet = rng.choices(outlets, cum_weights=outlet_weights)[0][0] if given else None
        speaker_start = end + 3
        yield (
            article_id, speaker_id, outlet, rng.choice(KINDS), text,
            said.isoformat() if said_known else None, "day" if said_known else None,
            (said if said_known else published).isoformat(), f"{name} said",
            start, end, speaker_start, speaker_start + len(name), now, quotation,
        )  # fmt: skip


def _reported_again(rng: random.Random, said: list[str]) -> str:
    """Words said before, as another outlet prints them: the same, in another case or with
    other punctuation, a part of them, or cut by an ellipsis; the caller keeps only those the
    grouping rules join to the first report."""
    how = rng.random()
    if how < 0.3:
        return " ".join(said).capitalize()
    if how < 0.5:
        return " ".join(said).lower() + "."
    if how < 0.8 and len(said) >= 12:
        start = rng.randrange(len(said) - 8)
        return " ".join(said[start : start + rng.randint(8, len(said) - start)])
    if len(said) >= 12:
        return f"{' '.join(said[:5]).capitalize()} \u2026 {' '.join(said[-5:])}"
    return " ".join(said).upper()


def _quotations(connection: sqlite3.Connection) -> None:
    """Each quotation's row from its reports (as grouping keeps them: the fullest words, the
    earliest dates, the counts), and the index keys of its words."""
    connection.execute(
        "CREATE TEMP TABLE fullest AS SELECT quotation_id, max(length(text)) AS longest, "
        "text, id FROM quote GROUP BY quotation_id"
    )
    connection.execute(
        "INSERT INTO quotation (id, speaker_id, text, text_quote_id, date, first_said, "
        "first_reported, reports, publishers, version) "
        "SELECT q.quotation_id, min(q.speaker_id), f.text, f.id, min(q.date), min(q.said_on), "
        "min(a.published_on), count(*), count(DISTINCT a.publisher_id), 1 "
        "FROM quote q JOIN article a ON a.id = q.article_id "
        "JOIN fullest f ON f.quotation_id = q.quotation_id GROUP BY q.quotation_id"
    )
    connection.execute("DROP TABLE fullest")
    rows = connection.execute("SELECT id, text, speaker_id FROM quotation ORDER BY id")
    batch: list[tuple[int, int, str]] = []
    for quotation_id, text, speaker_id in rows:
        batch += [(key, quotation_id, speaker_id) for key in anchors(words_of(text))]
        if len(batch) >= 100_000:
            _insert_anchors(connection, batch)
            batch = []
    _insert_anchors(connection, batch)


def _insert_anchors(connection: sqlite3.Connection, batch: list[tuple[int, int, str]]) -> None:
    connection.executemany(
        "INSERT INTO quotation_anchor (anchor, quotation_id, speaker_id) VALUES (?, ?, ?)",
        sorted(batch),
    )
