"""Reading stored articles again with the current extractor, so a store filled before the
rules improved gets what they find now.

Per article, in its own transaction (stop it any time; a run again starts where the store
is): the text is read again; a machine-made quote nobody reviewed that the rules still find,
with the same speaker, kind, outlet and date, is kept as it is (its permalink too); the others
are deleted, and what the rules find now is stored. Reviewed quotes and quotes entered by hand
are never touched, and nothing new is stored over their words. Every deletion and creation is
a revision in the quote's history, made by the service rather than by a key. Speakers the
machine made that are left with no quote are removed at the end.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.articles.store import set_language
from app.db import session_scope
from app.ingest.store import Bounds, Read, TooMuch, attributed_rows, read_quotations
from app.models import Article, Quote
from app.quotations.grouping import group
from app.quotes.corrections import delete_quote, record, snapshot
from app.quotes.store import insert_in_waves
from app.speakers.store import remove_unquoted_speakers

# What makes an extracted quote the same one: the words' place and every attributed field.
_SAME = (
    "span_start",
    "span_end",
    "kind",
    "speaker_id",
    "outlet_id",
    "said_on",
    "said_on_precision",
)


@dataclass
class Tally:
    articles: int = 0
    kept: int = 0
    added: int = 0
    removed: int = 0
    # Reviewed quotes and quotes entered by hand: never touched.
    protected: int = 0
    skipped: int = 0
    speakers_removed: int = 0


def article_ids(engine: Engine, *, since: dt.date | None, article: int | None) -> list[int]:
    """The articles to read again, oldest stored first."""
    statement = select(Article.id).order_by(Article.id)  # type: ignore[arg-type]
    if article is not None:
        statement = statement.where(Article.id == article)
    if since is not None:
        statement = statement.where(col(Article.published_on) >= since)
    with Session(engine) as session:
        return [i for i in session.exec(statement) if i is not None]


def reattribute(
    engine: Engine,
    ids: Iterable[int],
    bounds: Bounds | None = None,
    done: Callable[[int, Tally], None] | None = None,
) -> Tally:
    """Read each article of ``ids`` again (see the module); ``done`` is called after each."""
    tally = Tally()
    for article_id in ids:
        with Session(engine) as session:
            found = session.get(Article, article_id)
            if found is None:
                continue
            text, published_on = found.text, found.published_on
        try:
            # Read before the write transaction, as posting does: the lock is for rows only.
            read = read_quotations(text, published_on, bounds)
        except TooMuch:
            tally.skipped += 1
            continue
        with session_scope(engine) as session:
            _reattribute_one(session, article_id, read, tally)
        tally.articles += 1
        if done is not None:
            done(article_id, tally)
    with session_scope(engine) as session:
        tally.speakers_removed = remove_unquoted_speakers(session)
    return tally


def _reattribute_one(session: Session, article_id: int, read: Read, tally: Tally) -> None:
    article = session.exec(select(Article).where(Article.id == article_id).with_for_update()).one()
    set_language(session, article, read.language)
    stored = list(
        session.exec(
            select(Quote)
            .where(Quote.article_id == article_id)
            .order_by(Quote.id)  # type: ignore[arg-type]
            .with_for_update()
        )
    )
    protected = [q for q in stored if q.reviewed or q.origin != "extracted"]
    replaceable = {_key_of(q): q for q in stored if q not in protected}
    tally.protected += len(protected)
    rows = attributed_rows(session, article, read)
    kept: dict[int, int] = {}  # new row index -> the stored quote it is
    new: list[int] = []
    for n, row in enumerate(rows.values):
        same = replaceable.pop(_key_of_row(row), None)
        if same is not None and same.id is not None:
            kept[n] = same.id
        elif not any(_overlaps(row, q) for q in protected):
            new.append(n)
    for gone in replaceable.values():
        assert gone.id is not None
        delete_quote(session, gone.id, None)
    tally.kept += len(kept)
    tally.removed += len(replaceable)
    values, parents = _new_rows(rows.values, rows.parents, kept, new)
    created = insert_in_waves(session, values, parents)
    group(session, created, fresh=rows.created)
    for quote_id in created:
        made = session.get(Quote, quote_id)
        assert made is not None
        record(session, quote_id, "create", {}, snapshot(made), None)
    tally.added += len(created)


def _new_rows(
    values: list[dict[str, Any]], parents: list[int | None], kept: dict[int, int], new: list[int]
) -> tuple[list[dict[str, Any]], list[int | None]]:
    """The rows to insert, each continuing its new parent by index, or a kept quote by id."""
    position = {n: k for k, n in enumerate(new)}
    rows, links = [], []
    for n in new:
        row, parent = dict(values[n]), parents[n]
        row["continues_id"] = kept.get(parent) if parent is not None else None
        rows.append(row)
        links.append(position.get(parent) if parent is not None and parent in position else None)
    return rows, links


def _key_of(quote: Quote) -> tuple[Any, ...]:
    return tuple(getattr(quote, name) for name in _SAME)


def _key_of_row(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[name] for name in _SAME)


def _overlaps(row: dict[str, Any], quote: Quote) -> bool:
    return bool(row["span_start"] < quote.span_end and quote.span_start < row["span_end"])
