"""``saidwho reattribute``: a store filled by an earlier extractor gets what the rules find now,
without touching what a person reviewed or entered, with every change in the history, and a
second run changes nothing."""

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.config import Settings
from app.db import session_scope
from app.ingest.reattribute import article_ids, reattribute
from app.ingest.store import ingest_article
from app.models import Article, Quote, QuoteRevision, Speaker
from tests.conftest import saidwho

STORY = (
    "Ottilie Brandt, the ferry company's chief executive, toured the new terminal on Monday.\n"
    "“The boats will run every twenty minutes,” Brandt said.\n"
    "Harbour pilot Jonas Meier said the channel had been dredged in March.\n"
    "“We will be ready for the summer,” Meier told the Island Courier."
)


def post(engine: Engine) -> int:
    with session_scope(engine) as session:
        result = ingest_article(
            session, title="Ferries", publisher="Island News",
            published_on=dt.date(2024, 6, 3), text=STORY,
        )  # fmt: skip
        assert result.article.id is not None
        return result.article.id


def quotes(engine: Engine, article_id: int) -> dict[str, tuple[int, str, bool]]:
    """The article's quotes by their words: (id, speaker, reviewed)."""
    with Session(engine) as session:
        rows = session.exec(select(Quote).where(Quote.article_id == article_id))
        return {q.text: (q.id or 0, q.speaker_id, q.reviewed) for q in rows}


def as_an_older_extractor_left_it(engine: Engine, article_id: int) -> None:
    """What an earlier version stored: one quote under a junk speaker, one heading taken for
    a quotation, one quote missed, and no language."""
    with session_scope(engine) as session:
        conn = session.connection()
        conn.execute(sa.text("UPDATE article SET language = NULL WHERE id = :a"), {"a": article_id})
        conn.execute(
            sa.text("INSERT INTO speaker (id, name, kind) VALUES ('greeting-brandt', "
                    "'Greeting Brandt', 'person')")
        )  # fmt: skip
        conn.execute(
            sa.text("INSERT INTO speaker_alias (speaker_id, key, alias, article_id) VALUES "
                    "('greeting-brandt', 'greeting brandt', 'Greeting Brandt', :a)"),
            {"a": article_id},
        )  # fmt: skip
        conn.execute(
            sa.text("UPDATE quote SET speaker_id = 'greeting-brandt' WHERE article_id = :a "
                    "AND text LIKE 'The boats%'"),
            {"a": article_id},
        )  # fmt: skip
        conn.execute(
            sa.text("DELETE FROM quote WHERE article_id = :a AND text LIKE 'the channel%'"),
            {"a": article_id},
        )
        first = session.exec(select(Quote).where(Quote.article_id == article_id)).first()
        assert first is not None
        junk = Quote(**{
            **first.model_dump(exclude={"id", "quotation_id", "continues_id"}),
            "text": "Ottilie Brandt", "span_start": 0, "span_end": 14, "kind": "indirect",
        })  # fmt: skip
        session.add(junk)


def test_reattribution_replaces_what_an_older_extractor_stored(seeded: Engine) -> None:
    article_id = post(seeded)
    right = quotes(seeded, article_id)
    as_an_older_extractor_left_it(seeded, article_id)
    unchanged = quotes(seeded, article_id)["We will be ready for the summer"][0]

    tally = reattribute(seeded, article_ids(seeded, since=None, article=article_id))

    now = quotes(seeded, article_id)
    assert {text: speaker for text, (_, speaker, _) in now.items()} == {
        text: speaker for text, (_, speaker, _) in right.items()
    }
    assert now["We will be ready for the summer"][0] == unchanged  # same quote, same permalink
    assert (tally.kept, tally.added, tally.removed, tally.speakers_removed) == (1, 2, 2, 1)
    with Session(seeded) as session:
        assert session.get(Speaker, "greeting-brandt") is None
        article = session.get(Article, article_id)
        assert article is not None and article.language == "en"
        actions = sorted(
            r.action for r in session.exec(select(QuoteRevision)) if r.api_key_id is None
        )
    assert actions == ["create", "create", "delete", "delete"]


def test_reviewed_and_hand_entered_quotes_are_never_touched(seeded: Engine) -> None:
    article_id = post(seeded)
    with session_scope(seeded) as session:
        session.connection().execute(
            sa.text("UPDATE quote SET speaker_id = 'antony-blinken', reviewed = :t "
                    "WHERE article_id = :a AND text LIKE 'The boats%'"),
            {"a": article_id, "t": True},
        )  # fmt: skip
    before = quotes(seeded, article_id)["The boats will run every twenty minutes"]
    tally = reattribute(seeded, [article_id])
    after = quotes(seeded, article_id)
    # A person said Blinken: the rules do not overrule them, nor store the words again.
    assert after["The boats will run every twenty minutes"] == before
    assert tally.protected == 1 and tally.added == 0


def test_a_second_run_changes_nothing(seeded: Engine) -> None:
    article_id = post(seeded)
    as_an_older_extractor_left_it(seeded, article_id)
    reattribute(seeded, [article_id])
    settled = quotes(seeded, article_id)
    again = reattribute(seeded, [article_id])
    assert quotes(seeded, article_id) == settled
    assert (again.added, again.removed, again.kept) == (0, 0, len(settled))


@pytest.mark.slow  # runs the command
def test_the_command_reads_the_store_again(settings: Settings, seeded: Engine) -> None:
    article_id = post(seeded)
    as_an_older_extractor_left_it(seeded, article_id)
    result = saidwho(
        "reattribute", "--since", "2024-06-01", database_url=settings.database_url, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "read again 1 articles: 1 quotes found again and kept, 2 added, 2 removed" in (
        result.stdout
    )
    bad = saidwho("reattribute", "--since", "June", database_url=settings.database_url)
    assert bad.returncode == 2 and "not a date" in bad.stderr and "Traceback" not in bad.stderr
