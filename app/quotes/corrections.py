"""Manual entry and corrections of quotes, each change kept as a revision: which fields, from
what to what, by which key, when. Callers own the transaction, as with every write."""

import datetime as dt
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from app.articles.store import dated
from app.models import ApiKey, Article, Quotation, Quote, QuoteRevision, Speaker
from app.models.public import QuoteFields, QuoteIn, QuotePatch, SpanIn
from app.models.tables import MAX_ROW_ID
from app.models.versions import Expected, VersionMismatch
from app.names import slugify
from app.outlets.store import outlet_for
from app.queries.lookup import find_speaker_id
from app.quotations.grouping import group, move, refresh, regroup, release
from app.quotes.store import add_quote
from app.speakers.store import ensure_speaker
from app.writes import InvalidField, free_id, utcnow


class QuoteGone(Exception):
    """The quote was deleted; its history remains."""

    def __init__(self, quote_id: int) -> None:
        super().__init__(f"quote {quote_id} was deleted")


class QuoteMissing(Exception):
    """No quote ever had this id."""

    def __init__(self, quote_id: int) -> None:
        super().__init__(f"there is no quote {quote_id}")


def create_quote(session: Session, body: QuoteIn, key: ApiKey) -> Quote:
    article = session.get(Article, body.article)
    if article is None:
        raise InvalidField("article", f"there is no article {body.article}")
    start, end = _span(article, body.span, body.text)
    said_on, precision = _said_on(body.said_on, body.said_on_precision)
    quote = add_quote(
        session=session,
        article=article,
        speaker_id=_speaker(session, body.speaker, body.speaker_kind),
        kind=body.kind,
        span=(start, end),
        outlet_id=outlet_for(session, body.outlet, "outlet").id if body.outlet else None,
        said_on=said_on,
        said_on_precision=precision,
        cue=body.cue,
        speaker_span=_speaker_span(article, body.speaker_span),
        continues_id=_continues(session, article, body.continues, None),
        origin="manual",
        reviewed=body.reviewed is not False,
        api_key_id=key.id,
    )
    assert quote.id is not None
    group(session, [quote.id])
    session.refresh(quote)
    record(session, quote.id, "create", {}, snapshot(quote), key)
    return quote


def update_quote(
    session: Session,
    quote_id: int,
    patch: QuotePatch,
    key: ApiKey,
    expected: Expected | None = None,
) -> Quote:
    """Applies the fields the patch sends. A patch that changes nothing records nothing."""
    quote = _existing(session, quote_id, expected)
    article = session.get(Article, quote.article_id)
    assert article is not None
    before = snapshot(quote)
    sent = patch.model_fields_set
    _refuse_nulls(patch, sent)
    _apply_who(session, quote, patch, sent)
    _apply_where(session, quote, article, patch, sent)
    _apply_when(quote, article, patch, sent)
    if "reviewed" in sent and patch.reviewed is None:
        raise InvalidField("reviewed", "reviewed is true or false")
    # A person who corrects a quote has checked it; one may also confirm it as it stands.
    quote.reviewed = patch.reviewed if patch.reviewed is not None else True
    _regroup(session, quote, before, patch.quotation if "quotation" in sent else _KEEP)
    after = snapshot(quote)
    if after != before:
        session.add(quote)
        session.flush()
        record(session, quote_id, "update", before, after, key)
    return quote


def _apply_who(session: Session, quote: Quote, patch: QuotePatch, sent: set[str]) -> None:
    """Who said it, to whom, and the words that say so."""
    if "speaker" in sent:
        assert patch.speaker is not None
        quote.speaker_id = _speaker(session, patch.speaker, patch.speaker_kind)
    elif "speaker_kind" in sent:
        raise InvalidField("speaker_kind", "speaker_kind goes with a new `speaker`")
    if "outlet" in sent:
        quote.outlet_id = outlet_for(session, patch.outlet, "outlet").id if patch.outlet else None
    if "cue" in sent:
        quote.cue = patch.cue


def _apply_where(
    session: Session, quote: Quote, article: Article, patch: QuotePatch, sent: set[str]
) -> None:
    """What the words are and where they stand in the article."""
    if patch.kind is not None:
        quote.kind = patch.kind
    if "span" in sent or "text" in sent:
        quote.span_start, quote.span_end = _span(article, patch.span, patch.text)
        quote.text = article.text[quote.span_start : quote.span_end]
    if "speaker_span" in sent:
        span = _speaker_span(article, patch.speaker_span)
        quote.speaker_span_start, quote.speaker_span_end = span or (None, None)
    if "continues" in sent:
        quote.continues_id = _continues(session, article, patch.continues, quote.id)


def _apply_when(quote: Quote, article: Article, patch: QuotePatch, sent: set[str]) -> None:
    """When it was said, and so the date it is found and sorted by."""
    if "said_on" in sent or "said_on_precision" in sent:
        said_on = patch.said_on if "said_on" in sent else quote.said_on
        asked = patch.said_on_precision if "said_on_precision" in sent else None
        quote.said_on, quote.said_on_precision = _said_on(said_on, asked)
        quote.date = quote.said_on or dated(article)


def delete_quote(
    session: Session, quote_id: int, key: ApiKey | None, expected: Expected | None = None
) -> None:
    """Removes the quote; its last revision keeps every value it had. A quote that carried it
    on no longer does, and that change is recorded on it too. ``key`` None: the service
    itself (re-attribution), not a person."""
    quote = _existing(session, quote_id, expected)
    followers = select(Quote).where(Quote.continues_id == quote_id).with_for_update()
    for follower in session.exec(followers):
        before = snapshot(follower)
        follower.continues_id = None
        session.add(follower)
        assert follower.id is not None
        record(session, follower.id, "update", before, snapshot(follower), key)
    before = snapshot(quote)
    release(session, quote_id)
    session.delete(quote)
    session.flush()
    record(session, quote_id, "delete", before, {}, key)


Revisions = list[tuple[QuoteRevision, str | None, str | None]]


def history(session: Session, quote_id: int) -> tuple[bool, Revisions]:
    """(deleted, [(revision, key name, key prefix)]) oldest first; QuoteMissing if no quote
    ever had the id."""
    rows = session.exec(
        select(QuoteRevision, ApiKey.name, ApiKey.prefix)
        .join(ApiKey, ApiKey.id == QuoteRevision.api_key_id, isouter=True)  # type: ignore[arg-type]
        .where(QuoteRevision.quote_id == quote_id)
        .order_by(QuoteRevision.version)  # type: ignore[arg-type]
    ).all()
    revisions: Revisions = [(rev, name, prefix) for rev, name, prefix in rows]
    deleted = bool(revisions) and revisions[-1][0].action == "delete"
    if not revisions and session.get(Quote, quote_id) is None:
        raise QuoteMissing(quote_id)
    return deleted, revisions


def was_deleted(session: Session, quote_id: int) -> bool:
    if not 0 < quote_id <= MAX_ROW_ID:
        return False
    found = session.exec(
        select(QuoteRevision.id).where(
            QuoteRevision.quote_id == quote_id, QuoteRevision.action == "delete"
        )
    ).first()
    return found is not None


def snapshot(quote: Quote) -> dict[str, Any]:
    """A quote's fields as the API names them, as JSON values."""
    speaker_span = None
    if quote.speaker_span_start is not None:
        speaker_span = {"start": quote.speaker_span_start, "end": quote.speaker_span_end}
    return {
        "article": quote.article_id,
        "text": quote.text,
        "kind": quote.kind,
        "speaker": quote.speaker_id,
        "outlet": quote.outlet_id,
        "said_on": _iso(quote.said_on),
        "said_on_precision": quote.said_on_precision,
        "date": _iso(quote.date),
        "cue": quote.cue,
        "span": {"start": quote.span_start, "end": quote.span_end},
        "speaker_span": speaker_span,
        "continues": quote.continues_id,
        "reviewed": quote.reviewed,
        "quotation": quote.quotation_id,
    }


# The patch leaves the quote's quotation to the grouping rules.
_KEEP = -1


def _regroup(session: Session, quote: Quote, before: dict[str, Any], asked: int | None) -> None:
    """A quotation a person named (or ``None``: its own) is taken as given; new words or a new
    speaker are grouped again; a new date or outlet changes the quotation's figures."""
    assert quote.id is not None
    session.add(quote)
    session.flush()
    if asked != _KEEP:
        if asked is not None:
            target = session.get(Quotation, asked)
            if target is None:
                raise InvalidField("quotation", f"there is no quotation {asked}")
            if target.speaker_id != quote.speaker_id:
                raise InvalidField(
                    "quotation",
                    f"quotation {asked} is {target.speaker_id}'s; this quote is "
                    f"{quote.speaker_id}'s",
                )
            if asked == quote.quotation_id:
                return
        move(session, quote.id, asked)
    elif before["speaker"] != quote.speaker_id or before["text"] != quote.text:
        regroup(session, [quote.id])
    elif quote.quotation_id is not None and (
        before["date"] != _iso(quote.date) or before["outlet"] != quote.outlet_id
    ):
        refresh(session, quote.quotation_id)
    session.refresh(quote)


def record(
    session: Session,
    quote_id: int,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
    key: ApiKey | None,
) -> None:
    changes = {
        field: {"before": before.get(field), "after": after.get(field)}
        for field in (after or before)
        if before.get(field) != after.get(field)
    }
    latest = session.exec(
        select(func.max(QuoteRevision.version)).where(QuoteRevision.quote_id == quote_id)
    ).one()
    session.add(
        QuoteRevision(
            quote_id=quote_id,
            version=(latest or 0) + 1,
            action=action,
            changes=changes,
            api_key_id=key.id if key is not None else None,
            changed_at=utcnow(),
        )
    )
    session.flush()


def quote_version(session: Session, quote_id: int) -> int:
    """The number of the quote's latest revision; 0 for a quote never changed since stored."""
    latest = session.exec(
        select(func.max(QuoteRevision.version)).where(QuoteRevision.quote_id == quote_id)
    ).one()
    return int(latest or 0)


def _existing(session: Session, quote_id: int, expected: Expected | None = None) -> Quote:
    """The quote, its row locked before anything of it is read (``SELECT ... FOR UPDATE`` on
    PostgreSQL; SQLite's write transaction holds the whole store), so the history's "before"
    is always the previous change's "after"."""
    quote = session.get(Quote, quote_id, with_for_update=True, populate_existing=True)
    if quote is None:
        gone = was_deleted(session, quote_id)
        raise QuoteGone(quote_id) if gone else QuoteMissing(quote_id)
    if expected is not None:
        version = quote_version(session, quote_id)
        if not expected.allows(version):
            raise VersionMismatch(version)
    return quote


# Fields a quote cannot be without: null is no value for them.
_REQUIRED = ("speaker", "kind")


def _refuse_nulls(patch: QuoteFields, sent: set[str]) -> None:
    for field in _REQUIRED:
        if field in sent and getattr(patch, field) is None:
            raise InvalidField(field, f"a quote cannot be without its {field}")
    if "span" in sent and patch.span is None and patch.text is None:
        raise InvalidField("span", "a quote cannot be without its span")


def _span(article: Article, span: SpanIn | None, text: str | None) -> tuple[int, int]:
    """Offsets of the quoted words: as given, checked against the text, or found from it."""
    if span is not None:
        if not span.start < span.end <= len(article.text):
            raise InvalidField(
                "span", f"span must have start < end <= {len(article.text)}, the text's length"
            )
        if text is not None and article.text[span.start : span.end] != text:
            raise InvalidField("text", "text is not what the article says at span")
        return span.start, span.end
    if text is None:
        raise InvalidField("span", "send the quote's span, or its text to find in the article")
    first = article.text.find(text)
    if first < 0:
        raise InvalidField("text", "the article does not contain this text")
    if article.text.find(text, first + 1) >= 0:
        raise InvalidField("text", "the text appears more than once in the article: send span")
    return first, first + len(text)


def _speaker_span(article: Article, span: SpanIn | None) -> tuple[int, int] | None:
    if span is None:
        return None
    if not span.start < span.end <= len(article.text):
        raise InvalidField("speaker_span", "speaker_span must lie within the article text")
    return span.start, span.end


def _said_on(said_on: dt.date | None, precision: str | None) -> tuple[dt.date | None, str | None]:
    if said_on is None:
        if precision is not None:
            raise InvalidField("said_on_precision", "said_on_precision needs a said_on")
        return None, None
    return said_on, precision or "day"


def _speaker(session: Session, name: str, kind: str | None) -> str:
    """The stored speaker ``name`` means; a new one only when the client says of what kind."""
    found = find_speaker_id(session, name)
    if found is not None:
        return found
    if kind is None:
        raise InvalidField(
            "speaker", f"no speaker is called {name!r}; send speaker_kind to create one"
        )
    name = " ".join(name.split())
    speaker_id = free_id(session, Speaker, slugify(name) or "speaker")
    ensure_speaker(session=session, id=speaker_id, name=name, kind=kind)
    return speaker_id


def _continues(
    session: Session, article: Article, continues: int | None, quote_id: int | None
) -> int | None:
    if continues is None:
        return None
    earlier = session.get(Quote, continues)
    if earlier is None or earlier.article_id != article.id or continues == quote_id:
        raise InvalidField("continues", "continues must be another quote of the same article")
    return continues


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None
