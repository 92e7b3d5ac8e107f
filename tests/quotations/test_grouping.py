"""Grouping in a real store: as quotes are stored, corrected, moved between speakers, removed;
incremental, deterministic, the figures kept with the reports; safe when two writers store the
same words at once."""

import contextlib
import datetime as dt
import threading

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session

from app.articles.store import add_article
from app.config import Settings
from app.db import make_engine, session_scope
from app.models import Article, Quotation, Quote
from app.outlets.store import ensure_outlet
from app.quotations.grouping import group, move, regroup, release
from app.quotes.store import add_quote
from app.speakers.store import ensure_speaker
from app.store.upgrade import migrate
from tests.conftest import settings_for

WORDS = (
    "The reservoir is at its lowest level in forty years, and we are asking every household to "
    "cut its water use by a fifth"
)


def report(
    engine: Engine,
    text: str,
    *,
    speaker: str = "marta-ruiz",
    publisher: str = "valley-news",
    published_on: dt.date = dt.date(2024, 8, 1),
    said_on: dt.date | None = None,
) -> int:
    """One report: an article of its own holding the words, stored as ``speaker``'s quote."""
    with session_scope(engine) as session:
        ensure_speaker(session=session, id=speaker, name=speaker.replace("-", " "), kind="person")
        ensure_outlet(session=session, id=publisher, name=publisher.replace("-", " "))
        article = add_article(
            session=session,
            title=f"{publisher} {published_on}",
            publisher_id=publisher,
            published_on=published_on,
            text=f"\u201c{text}\u201d {speaker} said to {publisher} on {published_on}.",
        )
        quote = add_quote(
            session=session, article=article, speaker_id=speaker, kind="direct",
            span=(1, 1 + len(text)), said_on=said_on,
        )  # fmt: skip
        assert quote.id is not None
        group(session, [quote.id])
        return quote.id


def quotation_of(engine: Engine, quote_id: int) -> Quotation:
    with Session(engine) as session:
        quote = session.get(Quote, quote_id)
        assert quote is not None and quote.quotation_id is not None
        found = session.get(Quotation, quote.quotation_id)
        assert found is not None
        return found


def quotations(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SELECT count(*) FROM quotation")).scalar_one())


def test_the_seed_ties_the_officials_two_reports_and_blinkens_partial_to_his_words(
    seeded: Engine,
) -> None:
    with seeded.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT speaker_id, text, quotation_id FROM quote ORDER BY id")
        ).all()
    by_words = {text[:20]: quotation for _, text, quotation in rows}
    assert by_words["pursuing its aggress"] == by_words["As the conditions ha"]
    assert by_words["hit back against Rus"] == by_words["The president recent"]
    # Every other seed quote stands alone.
    assert len({q for _, _, q in rows}) == len(rows) - 2


def test_every_report_of_the_same_words_joins_one_quotation_with_its_figures(
    seeded: Engine,
) -> None:
    first = report(seeded, WORDS, published_on=dt.date(2024, 8, 2), said_on=dt.date(2024, 8, 1))
    report(seeded, WORDS.upper() + ".", publisher="river-times", published_on=dt.date(2024, 8, 3))
    report(seeded, "cut its water use by a fifth", publisher="valley-news")
    third = report(
        seeded, WORDS.replace("we are asking", "we're asking"), publisher="river-radio",
        published_on=dt.date(2024, 7, 31),
    )  # fmt: skip
    quotation = quotation_of(seeded, first)
    assert quotation.id == quotation_of(seeded, third).id
    assert (quotation.reports, quotation.publishers) == (4, 3)
    assert quotation.first_said == dt.date(2024, 8, 1)
    assert quotation.first_reported == dt.date(2024, 7, 31)
    assert quotation.date == dt.date(2024, 7, 31)
    assert quotation.text == WORDS


def test_the_same_words_by_another_speaker_are_another_quotation(seeded: Engine) -> None:
    ours = report(seeded, WORDS)
    theirs = report(seeded, WORDS, speaker="tom-okoro", publisher="river-times")
    assert quotation_of(seeded, ours).id != quotation_of(seeded, theirs).id


def test_a_fuller_report_becomes_the_quotations_text_and_finds_its_parts(seeded: Engine) -> None:
    part = report(seeded, "at its lowest level in forty years")
    whole = report(seeded, WORDS, publisher="river-times")
    quotation = quotation_of(seeded, part)
    assert quotation.id == quotation_of(seeded, whole).id and quotation.text == WORDS
    # The index now holds the fuller words: another part of them finds the quotation.
    later = report(seeded, "asking every household to cut its water use", publisher="lake-fm")
    assert quotation_of(seeded, later).id == quotation.id


def test_a_report_holding_two_quotations_whole_makes_them_one(seeded: Engine) -> None:
    first = report(seeded, "The reservoir is at its lowest level in forty years")
    second = report(seeded, "we are asking every household to cut its water use by a fifth")
    assert quotation_of(seeded, first).id != quotation_of(seeded, second).id
    before = quotations(seeded)
    whole = report(seeded, WORDS, publisher="river-times")
    merged = quotation_of(seeded, whole)
    assert quotation_of(seeded, first).id == quotation_of(seeded, second).id == merged.id
    assert merged.reports == 3 and quotations(seeded) == before - 1


def test_a_fragment_standing_in_two_quotations_starts_its_own(seeded: Engine) -> None:
    one = report(seeded, "We will cut water use by a fifth this summer in every town")
    two = report(seeded, "We will cut water use by a fifth next summer if the rain fails")
    part = report(seeded, "cut water use by a fifth", publisher="river-times")
    ids = {quotation_of(seeded, q).id for q in (one, two, part)}
    assert len(ids) == 3


def test_removing_reports_updates_the_figures_and_the_last_removes_the_quotation(
    seeded: Engine,
) -> None:
    first = report(seeded, WORDS, published_on=dt.date(2024, 7, 1))
    second = report(seeded, WORDS, publisher="river-times", published_on=dt.date(2024, 8, 1))
    quotation_id = quotation_of(seeded, first).id
    with session_scope(seeded) as session:
        release(session, first)
        session.execute(sa.delete(Quote).where(Quote.id == first))  # type: ignore[arg-type]
    left = quotation_of(seeded, second)
    assert (left.id, left.reports, left.first_reported) == (quotation_id, 1, dt.date(2024, 8, 1))
    with session_scope(seeded) as session:
        release(session, second)
        session.execute(sa.delete(Quote).where(Quote.id == second))  # type: ignore[arg-type]
    with Session(seeded) as session:
        assert session.get(Quotation, quotation_id) is None
        anchors = session.execute(
            sa.text("SELECT count(*) FROM quotation_anchor WHERE quotation_id = :q"),
            {"q": quotation_id},
        ).scalar_one()
    assert anchors == 0


def test_a_person_can_detach_a_report_and_put_it_back(seeded: Engine) -> None:
    first = report(seeded, WORDS)
    second = report(seeded, WORDS, publisher="river-times")
    joined = quotation_of(seeded, first).id
    with session_scope(seeded) as session:
        alone = move(session, second, None)
    assert alone != joined and quotation_of(seeded, first).reports == 1
    with session_scope(seeded) as session:
        move(session, second, joined)
    assert quotation_of(seeded, second).id == joined and quotation_of(seeded, first).reports == 2
    with Session(seeded) as session:
        assert session.get(Quotation, alone) is None


def test_new_words_are_grouped_again(seeded: Engine) -> None:
    first = report(seeded, WORDS)
    other = report(seeded, "The new pipeline from the northern lakes will be finished by spring")
    with session_scope(seeded) as session:
        quote = session.get(Quote, other)
        assert quote is not None
        quote.text = WORDS
        session.add(quote)
        session.flush()
        regroup(session, [other])
    assert quotation_of(seeded, other).id == quotation_of(seeded, first).id


def test_the_same_reports_in_the_same_order_group_the_same_way(tmp_path) -> None:
    texts = [WORDS, "at its lowest level in forty years", "cut its water use by a fifth",
             "The reservoir is at its lowest level in forty years", WORDS.lower()]  # fmt: skip
    partitions = []
    for name in ("one", "two"):
        settings = settings_for(tmp_path / name)
        migrate(settings)
        engine = make_engine(settings)
        ids = [report(engine, text, publisher=f"p{n}") for n, text in enumerate(texts)]
        partitions.append(
            [quotation_of(engine, i).id - quotation_of(engine, ids[0]).id for i in ids]
        )
        engine.dispose()
    assert partitions[0] == partitions[1]


def test_quotes_stored_before_quotations_are_grouped_by_migrate(
    settings: Settings, seeded: Engine
) -> None:
    with seeded.begin() as connection:
        before = connection.execute(sa.text("SELECT id, quotation_id FROM quote ORDER BY id")).all()
        connection.execute(sa.text("UPDATE quote SET quotation_id = NULL"))
        connection.execute(sa.text("DELETE FROM quotation_anchor"))
        connection.execute(sa.text("DELETE FROM quotation"))
    migrate(settings)
    with seeded.connect() as connection:
        after = connection.execute(sa.text("SELECT id, quotation_id FROM quote ORDER BY id")).all()
    assert all(q is not None for _, q in after)
    first, again = dict(before), dict(after)
    pairs = lambda groups: {(a, b) for a in groups for b in groups if groups[a] == groups[b]}  # noqa: E731
    assert pairs(first) == pairs(again)


def test_two_writers_storing_the_same_words_at_once_make_one_quotation(seeded: Engine) -> None:
    """On PostgreSQL each speaker's grouping is serialised; without that, each writer would
    find no quotation yet and start its own."""
    report(seeded, "Something else entirely about the new bus routes in the old town")
    articles = []
    with session_scope(seeded) as session:
        for n in range(4):
            article = add_article(
                session=session, title=f"Drought, edition {n}", publisher_id="valley-news",
                published_on=dt.date(2024, 8, 1), text=f"Edition {n}. \u201c{WORDS}\u201d",
            )  # fmt: skip
            articles.append(article.id)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def store(article_id: int) -> None:
        try:
            with session_scope(seeded) as session:
                article = session.get(Article, article_id)
                assert article is not None
                start = article.text.index("\u201c") + 1
                quote = add_quote(
                    session=session, article=article, speaker_id="marta-ruiz", kind="direct",
                    span=(start, start + len(WORDS)),
                )  # fmt: skip
                assert quote.id is not None
                # All four meet here on PostgreSQL; on SQLite the others wait for the lock.
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait(timeout=1)
                group(session, [quote.id])
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=store, args=(a,)) for a in articles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with seeded.connect() as connection:
        found = (
            connection.execute(
                sa.text("SELECT quotation_id FROM quote WHERE text = :t"), {"t": WORDS}
            )
            .scalars()
            .all()
        )
    assert len(found) == 4 and len(set(found)) == 1


FEW = ["the reservoir is at its lowest level in forty years", WORDS, "we will open two wells"]
# Past the reports compared in memory: 40 statements, then the first one's fragment again.
MANY = [f"well number {n} will be drilled near the {n}th mile of the canal" for n in range(40)]
MANY.append("well number 0 will be drilled near the 0th mile")


def _store_one_article(
    engine: Engine, fresh: bool, parts: list[str]
) -> list[tuple[int, int | None]]:
    """One article by a speaker new to the store who repeats herself, the fragment and the
    whole in one article, grouped with or without the in-memory path for new speakers."""
    with session_scope(engine) as session:
        ensure_speaker(session=session, id="ines-vale", name="Ines Vale", kind="person")
        ensure_outlet(session=session, id="valley-news", name="valley news")
        text = " ".join(f"\u201c{part}\u201d" for part in parts)
        article = add_article(
            session=session, title="Drought", publisher_id="valley-news",
            published_on=dt.date(2024, 8, 1), text=text,
        )  # fmt: skip
        ids, at = [], 0
        for part in parts:
            start = text.index(part, at)
            quote = add_quote(
                session=session, article=article, speaker_id="ines-vale", kind="direct",
                span=(start, start + len(part)),
            )  # fmt: skip
            assert quote.id is not None
            ids.append(quote.id)
            at = start + len(part)
        group(session, ids, fresh={"ines-vale"} if fresh else set())
    with Session(engine) as session:
        rows = session.execute(
            sa.select(Quote.id, Quote.quotation_id).where(Quote.speaker_id == "ines-vale")  # type: ignore[call-overload]
        ).all()
    first: dict[int | None, int] = {}
    # Quotation ids may differ between the paths; which reports share one may not.
    return [(quote_id, first.setdefault(quotation, quote_id)) for quote_id, quotation in rows]


def _both_ways(tmp_path, parts: list[str]) -> list[list[tuple[int, int | None]]]:  # type: ignore[no-untyped-def]
    outcomes = []
    for fresh in (True, False):
        settings = settings_for(tmp_path / str(fresh))
        migrate(settings)
        engine = make_engine(settings)
        try:
            outcomes.append(_store_one_article(engine, fresh, parts))
        finally:
            engine.dispose()
    return outcomes


def test_a_new_speaker_grouped_in_memory_groups_as_the_store_would(tmp_path) -> None:  # type: ignore[no-untyped-def]
    in_memory, in_store = _both_ways(tmp_path, FEW)
    assert [q for _, q in in_memory] == [q for _, q in in_store]
    # The fragment joined its whole; the other words stand alone.
    (a, qa), (b, qb), (c, qc) = in_memory
    assert qa == qb == a and qc == c


def test_a_new_speaker_with_many_reports_goes_the_stores_way_past_a_few(tmp_path) -> None:  # type: ignore[no-untyped-def]
    in_memory, in_store = _both_ways(tmp_path, MANY)
    assert [q for _, q in in_memory] == [q for _, q in in_store]
    first, last = in_memory[0], in_memory[-1]
    assert last[1] == first[0]  # the fragment found its whole among the 40
    assert len({q for _, q in in_memory}) == 40
