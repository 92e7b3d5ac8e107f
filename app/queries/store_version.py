"""A store's version, for what is remembered between requests: a value that changes whenever
a quote, an article, a correction or a speaker's change is stored."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session

from app.models import Article, Quote, QuoteRevision, SpeakerRevision
from app.models.tables import core_table

# Every change to stored quotes leaves a new row in one of these: a new quote (or article),
# a correction or deletion, a speaker's merge, split or edit.
VERSION_SQL = "SELECT " + ", ".join(
    f"(SELECT max(id) FROM {core_table(model).name})"
    for model in (Quote, QuoteRevision, SpeakerRevision, Article)
)


def store_version(session: Session) -> tuple[Any, ...]:
    """Which store (a process may hold several: tests, benchmarks, a copy), and where it
    stands: four index probes."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    store = engine.url.render_as_string(hide_password=True)
    return (store, *session.execute(sa.text(VERSION_SQL)).one())
