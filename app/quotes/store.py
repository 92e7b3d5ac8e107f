"""Every quote row made: its fields (its text always read from the article at its span), the
row an extracted quotation makes, ids for a batch's rows, and the inserts. The batch writer,
the article-by-article path of re-reading, hand-made quotes and the seed all make quotes
through here."""

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from app.articles.store import dated
from app.extract import Attribution, Quotation
from app.extract.confidence import confidence
from app.models import Article, Quote
from app.models.tables import core_table
from app.writes import insert_rows, utcnow

QUOTE = core_table(Quote)


def quote_values(
    *,
    article: Article,
    speaker_id: str,
    kind: str,
    span: tuple[int, int],
    outlet_id: str | None = None,
    said_on: dt.date | None = None,
    said_on_precision: str | None = None,
    cue: str | None = None,
    speaker_span: tuple[int, int] | None = None,
    continues_id: int | None = None,
    origin: str = "extracted",
    basis: str | None = None,
    confidence: float | None = None,
    reviewed: bool = False,
    api_key_id: int | None = None,
) -> dict[str, Any]:
    """A quote's row, its text read from the article at ``span`` so the two cannot disagree.
    It records the key that made it: ``api_key_id``, or for one extracted from an article, the
    key that posted the article."""
    start, end = span
    if not 0 <= start < end <= len(article.text):
        raise ValueError(f"span {span} is outside the article text")
    if said_on is not None and said_on_precision is None:
        said_on_precision = "day"
    assert article.id is not None, "the article must be flushed first"
    return {
        "article_id": article.id,
        "speaker_id": speaker_id,
        "outlet_id": outlet_id,
        "kind": kind,
        "text": article.text[start:end],
        "said_on": said_on,
        "said_on_precision": said_on_precision if said_on is not None else None,
        "date": said_on if said_on is not None else dated(article),
        "cue": cue,
        "span_start": start,
        "span_end": end,
        "speaker_span_start": speaker_span[0] if speaker_span else None,
        "speaker_span_end": speaker_span[1] if speaker_span else None,
        "continues_id": continues_id,
        "created_at": utcnow(),
        "origin": origin,
        "basis": basis,
        "confidence": confidence,
        "reviewed": reviewed,
        "api_key_id": api_key_id if api_key_id is not None else article.api_key_id,
    }


def add_quote(*, session: Session, **fields: Any) -> Quote:
    """One quote, through the ORM (``quote_values`` says what the fields are)."""
    quote = Quote(**quote_values(**fields))
    session.add(quote)
    session.flush()
    return quote


def insert_quotes(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Many quotes (rows of ``quote_values``) in one statement per batch; their new ids, in
    order. How an article's quotes are stored: one round trip, not one per quote."""
    if not rows:
        return []
    session.flush()
    result = session.execute(
        sa.insert(QUOTE).returning(QUOTE.c.id, sort_by_parameter_order=True), rows
    )
    return [int(new_id) for new_id in result.scalars()]


def insert_numbered(session: Session, rows: list[dict[str, Any]]) -> None:
    """Rows that have their ids already (``number``), in one statement."""
    if rows:
        insert_rows(session, QUOTE, rows)


def insert_in_waves(
    session: Session, rows: list[dict[str, Any]], parents: list[int | None]
) -> list[int]:
    """Inserts every row, batched: first those that continue no other, then those whose
    quote is in by then (a quote run over paragraphs is a chain of a few)."""
    ids: list[int | None] = [None] * len(rows)
    pending = list(range(len(rows)))
    while pending:
        wave = [i for i in pending if parents[i] is None or ids[parents[i]] is not None]  # type: ignore[index]
        assert wave, "a quote continues one that is never stored"
        for i in wave:
            parent = parents[i]
            if parent is not None:  # otherwise the row keeps its own (none, or a stored quote)
                rows[i]["continues_id"] = ids[parent]
        for i, new_id in zip(wave, insert_quotes(session, [rows[i] for i in wave]), strict=True):
            ids[i] = new_id
        pending = [i for i in pending if ids[i] is None]
    return [i for i in ids if i is not None]


def extracted_row(
    article: Article,
    attribution: Attribution,
    quotation: Quotation,
    speaker_id: str,
    outlet_id: str | None,
) -> dict[str, Any]:
    """The row one quotation the extractor attributed makes: a quotation that only continues
    the speaker's words carries no cue or speaker span of its own."""
    named = attribution.speaker_span if quotation.speaker_named else None
    basis = attribution.basis if quotation.speaker_named else "direct, continuing the speaker"
    cue = None
    if quotation.speaker_named and attribution.cue is not None:
        cue = " ".join(attribution.cue.split())[:500]
    said_on = attribution.said_on
    return quote_values(
        article=article,
        speaker_id=speaker_id,
        kind=quotation.kind,
        span=(quotation.span.start, quotation.span.end),
        outlet_id=outlet_id,
        said_on=said_on.date if said_on else None,
        said_on_precision=said_on.precision if said_on else None,
        cue=cue,
        speaker_span=(named.start, named.end) if named else None,
        origin="extracted",
        basis=basis,
        confidence=confidence(basis),
    )


def number(rows: list[dict[str, Any]], parents: list[int | None], ids: Any) -> None:
    """Ids from ``ids("quote")`` in waves: first the quotes that continue no other, then those
    whose quote has one, so a quote's continuation always has the larger id."""
    given: list[int | None] = [None] * len(rows)
    while any(g is None for g in given):
        wave = [
            i
            for i in range(len(rows))
            if given[i] is None and (parents[i] is None or given[parents[i]] is not None)  # type: ignore[index]
        ]
        assert wave, "a quote continues one that is never stored"
        for i in wave:
            given[i] = ids("quote")
            parent = parents[i]
            if parent is not None:
                rows[i]["continues_id"] = given[parent]
    for row, quote_id in zip(rows, given, strict=True):
        row["id"] = quote_id
