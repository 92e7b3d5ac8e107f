"""Posting an article: store it, extract its quotations, link every speaker and outlet to the
store, all in the caller's transaction, so a failure leaves nothing behind."""

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from app.crud import (
    InvalidField,
    add_article,
    add_quote,
    ensure_outlet,
    ensure_speaker,
    find_article_by_text,
)
from app.extract import Attribution, Quotation, extract
from app.extract.model import Speaker as ExtractedSpeaker
from app.models import Article, Outlet, Quote, Speaker, SpeakerAlias
from app.models.public import ArticleIn
from app.names import name_key, slugify
from app.queries.lookup import OUTLET_ALIASES

_MAX_ID = 100
_MAX_NAME = 300
_GENERIC_WORDS = frozenset("a an the another one some two several other".split())


@dataclass(frozen=True)
class Ingested:
    article: Article
    created: bool
    quotes: int
    unattributed: int


def ingest(session: Session, article: ArticleIn) -> Ingested:
    """``ingest_article`` for an article as the API and the CLI validate it."""
    return ingest_article(
        session,
        title=article.title.strip(),
        publisher=article.publisher,
        published_on=article.published_on,
        url=str(article.url) if article.url else None,
        text=article.text,
    )


def ingest_article(
    session: Session,
    *,
    title: str,
    publisher: str,
    published_on: dt.date,
    text: str,
    url: str | None = None,
) -> Ingested:
    """Store ``text`` with every attributed quotation in it; the same text twice is stored once.

    Attributions whose speaker the article does not let us resolve (an unexplained "I", "he"
    with no one before it) are counted as ``unattributed`` and not stored: a quote service
    must not guess a speaker.
    """
    if not text.strip():
        raise InvalidField("text", "the article text is empty")
    existing = find_article_by_text(session=session, text=text)
    if existing is not None:
        count = len(session.exec(select(Quote.id).where(Quote.article_id == existing.id)).all())
        return Ingested(existing, created=False, quotes=count, unattributed=0)
    outlet = outlet_for(session, publisher)
    article = add_article(
        session=session,
        title=title,
        publisher_id=outlet.id,
        published_on=published_on,
        text=text,
        url=url,
    )
    stored = unattributed = 0
    speakers: dict[int, str] = {}
    for attribution in extract(text, published_on):
        if not attribution.speech:
            continue
        if attribution.speaker is None:
            unattributed += 1
            continue
        key = id(attribution.speaker)
        if key not in speakers:
            speakers[key] = _speaker(session, attribution.speaker)
        stored += _store(session, article, attribution, speakers[key])
    return Ingested(article, created=True, quotes=stored, unattributed=unattributed)


def _store(session: Session, article: Article, attribution: Attribution, speaker_id: str) -> int:
    outlet_id = outlet_for(session, attribution.outlet).id if attribution.outlet else None
    ids: dict[int, int] = {}
    for quotation in attribution.quotations:
        continues = ids.get(id(quotation.continues)) if quotation.continues else None
        named = attribution.speaker_span if quotation.speaker_named else None
        quote = add_quote(
            session=session,
            article=article,
            speaker_id=speaker_id,
            kind=quotation.kind,
            span=(quotation.span.start, quotation.span.end),
            outlet_id=outlet_id,
            said_on=attribution.said_on.date if attribution.said_on else None,
            said_on_precision=attribution.said_on.precision if attribution.said_on else None,
            cue=_cue(attribution, quotation),
            speaker_span=(named.start, named.end) if named else None,
            continues_id=continues,
        )
        assert quote.id is not None
        ids[id(quotation)] = quote.id
    return len(attribution.quotations)


def _cue(attribution: Attribution, quotation: Quotation) -> str | None:
    if not quotation.speaker_named or attribution.cue is None:
        return None
    return " ".join(attribution.cue.split())[:500]


def outlet_for(session: Session, name: str, field: str = "publisher") -> Outlet:
    """The outlet this id or name means, created when the store has never heard of it."""
    name = " ".join(name.split())
    if not name:
        raise InvalidField(field, f"the {field} is empty")
    keys = {name_key(name), slugify(name)} - {""}
    owners = sorted(
        session.execute(
            select(OUTLET_ALIASES.c.outlet_id).where(OUTLET_ALIASES.c.key.in_(keys)).distinct()
        ).scalars()
    )
    if len(owners) == 1:
        found = session.get(Outlet, owners[0])
        assert found is not None
        return found
    if len(owners) > 1:
        raise InvalidField(field, f"{name!r} could be any of {', '.join(owners)}")
    outlet_id = free_id(session, Outlet, slugify(name) or "outlet")
    return ensure_outlet(session=session, id=outlet_id, name=name[:_MAX_NAME])


def _speaker(session: Session, speaker: ExtractedSpeaker) -> str:
    """The stored speaker this extracted one is, by name or alias; a new one otherwise. Every
    name the article used for it becomes an alias. A stored speaker keeps its name: an article
    that says "Michelle Obama" and then "Obama" must not rename Barack Obama."""
    names = [speaker.name, *(m for m in speaker.mentions if _distinctive(m))]
    if speaker.kind == "person":
        names.append(_without_initials(speaker.name))
    found = _known_speaker(session, speaker, names)
    speaker_id = found or free_id(session, Speaker, slugify(speaker.name) or "speaker")
    aliases = [n[:_MAX_NAME] for n in dict.fromkeys(names)]
    ensure_speaker(
        session=session,
        id=speaker_id,
        name=speaker.name[:_MAX_NAME],
        kind=speaker.kind,
        role=speaker.role[:_MAX_NAME] if speaker.role else None,
        aliases=aliases,
    )
    return speaker_id


def _owners(session: Session, name: str) -> list[str]:
    keys = {name_key(name), slugify(name)} - {""}
    query = select(SpeakerAlias.speaker_id).where(SpeakerAlias.key.in_(keys))  # type: ignore[attr-defined]
    return sorted(set(session.exec(query)))


def _known_speaker(session: Session, speaker: ExtractedSpeaker, names: list[str]) -> str | None:
    """The first name that the store knows for a speaker of the same kind; where a name is
    shared, the speaker quoted most (the one a reader most likely means)."""
    for name in names:
        candidates = [
            owner
            for owner in _owners(session, name)
            if (stored := session.get(Speaker, owner)) is not None and stored.kind == speaker.kind
        ]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            return max(candidates, key=lambda owner: (_quote_count(session, owner), owner))
    return None


def _quote_count(session: Session, speaker_id: str) -> int:
    return len(session.exec(select(Quote.id).where(Quote.speaker_id == speaker_id)).all())


def _without_initials(name: str) -> str:
    """ "Donald J. Trump" -> "Donald Trump", so both spellings find one speaker."""
    words = name.split()
    kept = [
        w for i, w in enumerate(words) if not (0 < i < len(words) - 1 and len(w.rstrip(".")) == 1)
    ]
    return " ".join(kept)


def _distinctive(mention: str) -> bool:
    """A mention worth keeping as an alias: not a pronoun, not a bare "the official"."""
    words = [w for w in mention.split() if w.lower() not in _GENERIC_WORDS]
    return len(words) > 1 or (len(words) == 1 and words[0][:1].isupper())


def free_id(session: Session, model: type[Outlet] | type[Speaker], base: str) -> str:
    base = base[:_MAX_ID].strip("-") or "x"
    candidate, n = base, 1
    while session.get(model, candidate) is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
