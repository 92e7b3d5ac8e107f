"""The set-based writer against the article-by-article path it replaced: the same archive
stored both ways gives the same speakers, names, outlets, articles, quotes, quotations, index
keys and history, on either store. The article-by-article path is the one ``reattribute``
still takes (link, insert in waves, group through the store)."""

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session

from app import writes
from app.articles.store import add_article, find_article_by_text
from app.db import make_engine, session_scope
from app.evaluation.newsroom import read_newsroom
from app.ingest.reading import read_quotations
from app.ingest.store import attributed_rows
from app.ingest.writer import Refused, Submitted, Written, write_articles
from app.outlets.store import outlet_for
from app.quotations.batch import KnownPublishers
from app.quotations.grouping import group
from app.quotes.store import insert_in_waves
from app.seed import load_seed
from app.store.upgrade import migrate
from tests.conftest import settings_for
from tests.ingest.conftest import NEWSROOM, articles

PEOPLE = [
    ("Halvard Brekke", "the harbour master"),
    ("Ines Carvalho", "the city's transport chief"),
    ("Tomasz Wolny", "a council member"),
    ("Priya Raghunathan", "the ferry union's leader"),
    ("Odile Marchetti", "a spokesperson for the port"),
]
# Each statement, and two fragments of it that do not overlap: a fragment reported alone
# starts a quotation; the whole statement reported later joins both, which merges them.
STATEMENTS = [
    (
        "The new bridge will carry four lanes of traffic and open to cyclists by next spring",
        "carry four lanes of traffic",
        "open to cyclists by next spring",
    ),
    (
        "Ticket prices on the harbour ferries will stay frozen until the end of the season",
        "ticket prices on the harbour ferries",
        "stay frozen until the end of the season",
    ),
    (
        "Dredging the northern channel cost twice what the port authority first promised",
        "dredging the northern channel",
        "twice what the port authority first promised",
    ),
    (
        "Night crossings must resume before the tourist boats fill the southern quays again",
        "night crossings must resume",
        "the tourist boats fill the southern quays",
    ),
]
OUTLETS = ["Island Courier", "Harbour Gazette", "Coastline Radio", "The Quayside"]


def reported(rng: random.Random, number: int) -> dict[str, Any]:
    """An article quoting the pool's people: whole statements, fragments of them, a word
    changed, a name given in full or as a surname, and words told to another outlet."""
    paragraphs = []
    for _ in range(rng.randint(2, 4)):
        name, role = rng.choice(PEOPLE)
        whole, first, second = rng.choice(STATEMENTS)
        surname = name.split()[-1]
        form = rng.randrange(5)
        if form == 0:
            paragraphs.append(f"“{whole},” {name}, {role}, said on Tuesday.")
        elif form == 1:
            paragraphs.append(f"{surname} said the city would {first}, calling it “{second}.”")
        elif form == 2:
            paragraphs.append(
                f"{name} called the plan a promise to “{rng.choice((first, second))}.”"
            )
        elif form == 3:
            changed = whole.replace("will", "would", 1)
            paragraphs.append(f"“{changed},” {surname} told the {rng.choice(OUTLETS)}.")
        else:
            paragraphs.append(f"“{whole},” {surname} said.")
    return {
        "title": f"Harbour report {number}",
        "publisher": rng.choice(OUTLETS),
        "published_on": dt.date(2024, 1, 1) + dt.timedelta(days=number),
        "text": "\n".join(paragraphs),
    }


def archive() -> list[dict[str, Any]]:
    """The newsroom set, the synthetic archive the ingest tests use, and the re-reporting
    archive above; one article given twice."""
    newsroom = [
        {"title": a.title, "publisher": a.publisher, "published_on": a.published_on,
         "text": a.text}
        for a in read_newsroom(NEWSROOM)
    ]  # fmt: skip
    varied = [
        {**a, "published_on": dt.date.fromisoformat(a["published_on"])}
        for a in articles(30, seed=5)
    ]
    rng = random.Random(11)
    harbour = [reported(rng, n) for n in range(60)]
    found = newsroom + varied + harbour
    return found + [found[3]]


def article_by_article(session: Session, item: dict[str, Any]) -> None:
    """The path before the set-based writer: one article, every statement its own."""
    if find_article_by_text(session=session, text=item["text"]) is not None:
        return
    read = read_quotations(item["text"], item["published_on"])
    outlet = outlet_for(session, item["publisher"])
    assert outlet.id is not None
    article = add_article(
        session=session, title=item["title"], publisher_id=outlet.id,
        published_on=item["published_on"], text=item["text"], language=read.language,
    )  # fmt: skip
    rows = attributed_rows(session, article, read)
    group(session, insert_in_waves(session, rows.values, rows.parents), fresh=rows.created)


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    engines = []
    for name in ("one-by-one", "set-based"):
        settings = settings_for(tmp_path / name)
        migrate(settings)
        engine = make_engine(settings)
        load_seed(engine, settings.seed_dir)
        engines.append(engine)
    yield engines[0], engines[1]
    for engine in engines:
        engine.dispose()


def snapshot(engine: Engine) -> dict[str, Any]:
    """The store as a reader sees it, with row ids replaced by what the rows are (an article
    by its text's hash, a quote by its article and place), so two stores compare."""
    with engine.connect() as connection:

        def rows(sql: str) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in connection.execute(sa.text(sql))]

        article = dict(rows("SELECT id, content_hash FROM article"))
        quote = {
            i: (article[a], s, e)
            for i, a, s, e in rows("SELECT id, article_id, span_start, span_end FROM quote")
        }
        members = rows("SELECT id, quotation_id FROM quote")
        # A quotation is the quotes in it (a sorted tuple: tuples of sets do not sort).
        quotation = {
            q: tuple(sorted(quote[i] for i, qn in members if qn == q))
            for (q,) in rows("SELECT id FROM quotation")
        }
        return {
            "speakers": sorted(rows("SELECT id, name, kind, role, affiliation FROM speaker")),
            "aliases": sorted(
                (s, k, a, article.get(n))
                for s, k, a, n in rows(
                    "SELECT speaker_id, key, alias, article_id FROM speaker_alias"
                )
            ),  # fmt: skip
            "outlets": sorted(rows("SELECT id, name FROM outlet")),
            "outlet aliases": sorted(rows("SELECT outlet_id, key, alias FROM outlet_alias")),
            "articles": sorted(
                rows(
                    "SELECT content_hash, title, publisher_id, published_on, language FROM article"
                )
            ),
            "quotes": sorted(
                (quote[i], *rest, quote.get(c), quotation.get(qn))
                for i, *rest, c, qn in rows(
                    "SELECT id, speaker_id, outlet_id, kind, text, said_on, said_on_precision,"
                    " date, cue, speaker_span_start, speaker_span_end, origin, basis, confidence,"
                    " reviewed, continues_id, quotation_id FROM quote"
                )
            ),  # fmt: skip
            "quotations": sorted(
                (quotation[i], *rest, quote.get(t))
                for i, *rest, t in rows(
                    "SELECT id, speaker_id, text, date, first_said, first_reported, reports,"
                    " publishers, version, text_quote_id FROM quotation"
                )
            ),  # fmt: skip
            "anchors": sorted(
                (quotation[q], a, s)
                for a, q, s in rows("SELECT anchor, quotation_id, speaker_id FROM quotation_anchor")
            ),
            "history": sorted(rows("SELECT quote_id, action FROM quote_revision")),
            "fts": rows("SELECT count(*) FROM quote")
            if engine.dialect.name != "sqlite"
            else rows("SELECT count(*) FROM quote_fts"),
        }


@pytest.mark.parametrize("remembering", [False, True], ids=["each batch alone", "as a run"])
def test_a_batch_stores_what_article_by_article_stores(
    stores: tuple[Engine, Engine], remembering: bool
) -> None:
    """As a run (``ingest``, ``load``), the batches also hand on their quotations'
    publishers from one to the next."""
    one_by_one, set_based = stores
    items = archive()
    for item in items:
        with session_scope(one_by_one) as session:
            article_by_article(session, item)
    outcomes: list[Written | Refused] = []
    known = KnownPublishers() if remembering else None
    for start in range(0, len(items), 17):  # batches that cut across articles of one speaker
        with session_scope(set_based) as session:
            batch = [Submitted(**i) for i in items[start : start + 17]]
            outcomes += write_articles(session, batch, known)
    if known is not None:
        assert len(known.seen) > 100
    assert all(isinstance(o, Written) for o in outcomes)
    assert [o.created for o in outcomes if isinstance(o, Written)].count(False) == 1
    expected, got = snapshot(one_by_one), snapshot(set_based)
    assert len(expected["quotations"]) > 100
    # The archive does merge quotations (a whole statement after its two fragments) and
    # groups reports from several publishers.
    assert any(q[7] > 2 for q in expected["quotations"])
    assert any(q[8] > q[7] for q in expected["quotations"])
    for part in expected:
        assert got[part] == expected[part], part


def test_publishers_a_run_remembers_give_way_to_another_writers_change(
    stores: tuple[Engine, Engine],
) -> None:
    """A run's batches remember their quotations' publishers by version: when another writer
    adds a report meanwhile (here an article posted alone), the quotation's version moves
    and the store is asked again; a batch rolled back teaches the run nothing."""
    plain, remembering = stores
    rng = random.Random(3)
    items = [reported(rng, n) for n in range(90)]
    first, between, last = items[:40], items[40:55], items[55:]
    for engine, known in ((plain, None), (remembering, KnownPublishers())):
        with session_scope(engine) as session:
            write_articles(session, [Submitted(**i) for i in first], known)
        if known is not None:
            remembered = dict(known.seen)
            with pytest.raises(RuntimeError), session_scope(engine) as session:
                write_articles(session, [Submitted(**i) for i in between], known)
                raise RuntimeError("the batch's transaction fails")
            assert dict(known.seen) == remembered
        for item in between:
            with session_scope(engine) as session:
                write_articles(session, [Submitted(**item)])
        with session_scope(engine) as session:
            write_articles(session, [Submitted(**i) for i in last], known)
    expected, got = snapshot(plain), snapshot(remembering)
    assert any(q[8] > 2 for q in expected["quotations"])  # several publishers per quotation
    assert got == expected


def test_one_batch_and_batches_of_one_store_the_same(stores: tuple[Engine, Engine]) -> None:
    whole, single = stores
    items = archive()[-40:]
    with session_scope(whole) as session:
        write_articles(session, [Submitted(**i) for i in items])
    for item in items:
        with session_scope(single) as session:
            write_articles(session, [Submitted(**item)])
    assert snapshot(whole) == snapshot(single)


def test_an_article_the_writer_refuses_fails_alone(stores: tuple[Engine, Engine]) -> None:
    _, engine = stores
    with session_scope(engine) as session:
        for outlet_id, name in (("courier-a", "Courier"), ("courier-b", "Courier")):
            session.execute(sa.text("INSERT INTO outlet (id, name) VALUES (:i, :n)"),
                            {"i": outlet_id, "n": name})  # fmt: skip
            session.execute(
                sa.text(
                    "INSERT INTO outlet_alias (outlet_id, key, alias) VALUES (:i, 'courier', :n)"
                ),
                {"i": outlet_id, "n": name},
            )
    items = archive()[-3:]
    items[1] = {**items[1], "publisher": "Courier"}
    with session_scope(engine) as session:
        outcomes = write_articles(session, [Submitted(**i) for i in items])
    assert isinstance(outcomes[1], Refused) and outcomes[1].field == "publisher"
    assert "could be any of courier-a, courier-b" in outcomes[1].message
    assert all(isinstance(outcomes[n], Written) and outcomes[n].created for n in (0, 2))
    with engine.connect() as connection:
        titles = connection.execute(sa.text("SELECT title FROM article")).scalars().all()
    assert items[1]["title"] not in titles and items[0]["title"] in titles


def test_an_empty_text_is_refused_and_nothing_of_it_is_stored(
    stores: tuple[Engine, Engine],
) -> None:
    _, engine = stores
    with session_scope(engine) as session:
        (outcome,) = write_articles(
            session, [Submitted(title="Blank", publisher="Island Courier", published_on=None,
                                text=" \n ")]
        )  # fmt: skip
    assert outcome == Refused("text", "the article text is empty")
    with engine.connect() as connection:
        titles = connection.execute(sa.text("SELECT title FROM article")).scalars().all()
    assert "Blank" not in titles


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The statements sent while the context runs: one for each set of values of an
    ``executemany``, since SQLite runs the statement once for each."""
    sent: list[str] = []

    def count(*args: Any) -> None:
        statement, parameters, many = args[2], args[3], args[5]
        sent.extend([statement] * (len(parameters) if many else 1))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_a_batch_takes_a_handful_of_statements_whatever_its_size(
    stores: tuple[Engine, Engine],
) -> None:
    _, engine = stores
    items = [{**a, "published_on": dt.date.fromisoformat(a["published_on"])}
             for a in articles(100, seed=9)]  # fmt: skip
    copied = writes.copies[0]  # COPY on PostgreSQL, which SQLAlchemy's events do not see
    with statements(engine) as sent, session_scope(engine) as session:
        outcomes = write_articles(session, [Submitted(**i) for i in items])
    sent += ["COPY"] * (writes.copies[0] - copied)
    quotes = sum(o.quotes for o in outcomes if isinstance(o, Written))
    assert quotes > 1000
    # A few statements per table for the whole batch, not a few per article or per quote.
    inserts = [s for s in sent if s.startswith("INSERT INTO")]
    if engine.dialect.name == "postgresql":
        assert len(sent) <= 40, sent
    else:
        assert len(sent) - len(inserts) <= 30, sent
        # On SQLite, as many rows in each INSERT as its bound values allow.
        raw = engine.raw_connection()
        try:
            for table in {s.split()[2] for s in inserts}:
                sent_to = [s for s in inserts if s.split()[2] == table]
                columns = sent_to[0].split(") VALUES")[0].count(",") + 1
                rows = raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                per = writes.rows_per_statement(raw.driver_connection, columns)
                assert len(sent_to) <= rows // per + per.bit_length(), table
                # Few shapes of statement, each kept prepared: full ones, and powers of two.
                assert len(set(sent_to)) <= per.bit_length(), table
        finally:
            raw.close()


def test_inserts_of_any_number_of_rows_come_in_a_few_shapes_of_statement() -> None:
    """SQLite keeps a statement prepared per shape, about a megabyte for hundreds of rows:
    a shape for each batch's remainder made the writer's memory grow with the run."""
    per = 256
    shapes: set[int] = set()
    for count in range(0, 3000, 7):
        sizes = writes.statement_sizes(count, per)
        assert sum(sizes) == count
        assert all(size & (size - 1) == 0 and size <= per for size in sizes)
        assert len(sizes) <= count // per + per.bit_length()
        shapes |= set(sizes)
    assert len(shapes) == per.bit_length()


@pytest.mark.postgres_only
def test_the_writer_leaves_no_statement_prepared_on_the_server(
    stores: tuple[Engine, Engine],
) -> None:
    """A statement prepared on PostgreSQL is soon planned once for any array, which makes the
    writer's name lookups fifty times slower: it runs every statement unprepared, and leaves
    the connection's own setting as it was."""
    _, engine = stores
    items = archive()[:8]
    prepared = sa.text("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
    with Session(engine) as session:
        raw: Any = session.connection().connection.dbapi_connection
        threshold = raw.prepare_threshold
        before = set(session.execute(prepared).scalars())
        session.commit()
        for item in items:  # the same statements, more often than psycopg prepares after
            write_articles(session, [Submitted(**item)])
            session.commit()
        assert session.connection().connection.dbapi_connection is raw
        assert raw.prepare_threshold == threshold
        assert set(session.execute(prepared).scalars()) - before == set()
