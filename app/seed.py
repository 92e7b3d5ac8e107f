"""Loads the hand-curated seed in ``seed/``: one article and its attributions.

Spans are worked out from each quote's paragraph and exact words (see ``seed/README.md``), so
the data file stays reviewable and a wrong edit fails loudly instead of storing a bad span."""

import datetime as dt
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine

from app.articles.store import add_article, find_article_by_text
from app.db import session_scope
from app.extract.language import language_of
from app.models.public import DatePrecision, QuoteKind, SpeakerKind
from app.outlets.store import ensure_outlet
from app.quotations.grouping import group
from app.quotes.store import add_quote
from app.speakers.store import ensure_speaker

ATTRIBUTIONS_FILE = "attributions.yaml"


class SeedError(ValueError):
    """The seed files disagree with the article text or with each other."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeedArticle(_Strict):
    file: str
    title: str
    publisher: str
    published_on: dt.date
    url: str | None = None


class SeedOutlet(_Strict):
    id: str
    name: str
    aliases: list[str] = []


class SeedSpeaker(_Strict):
    id: str
    name: str
    kind: SpeakerKind
    role: str | None = None
    affiliation: str | None = None
    aliases: list[str] = []


class SeedQuote(_Strict):
    key: str
    paragraph: int
    kind: QuoteKind
    text: str
    speaker: str
    speaker_words: str | None
    speaker_paragraph: int | None = None
    outlet: str | None
    said_on: dt.date | None
    said_on_precision: DatePrecision | None = None
    cue: str | None
    continues: str | None = None


class SeedFile(_Strict):
    article: SeedArticle
    outlets: list[SeedOutlet]
    speakers: list[SeedSpeaker]
    quotes: list[SeedQuote]


class SeedResult(BaseModel):
    article_id: int
    created: bool
    quotes: int


def read_seed(seed_dir: Path) -> tuple[SeedFile, str]:
    raw = yaml.safe_load((seed_dir / ATTRIBUTIONS_FILE).read_text(encoding="utf-8"))
    seed = SeedFile.model_validate(raw)
    text = (seed_dir / seed.article.file).read_text(encoding="utf-8")
    return seed, text


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of the text; paragraph N of the seed is item N-1."""
    bounds, start = [], 0
    for line in text.split("\n"):
        bounds.append((start, start + len(line)))
        start += len(line) + 1
    return bounds


def locate_quote(text: str, paragraphs: list[tuple[int, int]], quote: SeedQuote) -> tuple[int, int]:
    start, end = _paragraph(paragraphs, quote.paragraph, quote.key)
    hits = [m.start() for m in re.finditer(re.escape(quote.text), text[start:end])]
    if len(hits) != 1:
        raise SeedError(
            f"quote {quote.key!r}: its text occurs {len(hits)} times in paragraph "
            f"{quote.paragraph}, expected once"
        )
    return start + hits[0], start + hits[0] + len(quote.text)


def locate_speaker(
    text: str, paragraphs: list[tuple[int, int]], quote: SeedQuote, span: tuple[int, int]
) -> tuple[int, int] | None:
    if quote.speaker_words is None:
        return None
    number = quote.speaker_paragraph or quote.paragraph
    start, end = _paragraph(paragraphs, number, quote.key)
    pattern = r"(?<!\w)" + re.escape(quote.speaker_words) + r"(?!\w)"
    hits = [(start + m.start(), start + m.end()) for m in re.finditer(pattern, text[start:end])]
    if not hits:
        raise SeedError(f"quote {quote.key!r}: {quote.speaker_words!r} not in paragraph {number}")
    # Of several mentions, the one nearest the quoted words names its speaker.
    return min(hits, key=lambda hit: min(abs(hit[0] - span[1]), abs(span[0] - hit[1])))


def _paragraph(paragraphs: list[tuple[int, int]], number: int, key: str) -> tuple[int, int]:
    if not 1 <= number <= len(paragraphs):
        raise SeedError(f"quote {key!r}: there is no paragraph {number}")
    return paragraphs[number - 1]


def load_seed(engine: Engine, seed_dir: Path) -> SeedResult:
    """Store the seed in one transaction; a store that has the article already is left as is."""
    seed, text = read_seed(seed_dir)
    paragraphs = paragraph_bounds(text)
    with session_scope(engine) as session:
        existing = find_article_by_text(session=session, text=text)
        if existing is not None:
            assert existing.id is not None
            return SeedResult(article_id=existing.id, created=False, quotes=0)
        for outlet in seed.outlets:
            ensure_outlet(session=session, **outlet.model_dump())
        for speaker in seed.speakers:
            ensure_speaker(session=session, **speaker.model_dump())
        article = add_article(
            session=session,
            title=seed.article.title,
            publisher_id=seed.article.publisher,
            published_on=seed.article.published_on,
            url=seed.article.url,
            text=text,
            language=language_of(text),
        )
        ids: dict[str, int] = {}
        for quote in seed.quotes:
            if quote.continues is not None and quote.continues not in ids:
                raise SeedError(f"quote {quote.key!r} continues unknown {quote.continues!r}")
            span = locate_quote(text, paragraphs, quote)
            stored = add_quote(
                session=session,
                article=article,
                speaker_id=quote.speaker,
                outlet_id=quote.outlet,
                kind=quote.kind,
                span=span,
                said_on=quote.said_on,
                said_on_precision=quote.said_on_precision,
                cue=quote.cue,
                speaker_span=locate_speaker(text, paragraphs, quote, span),
                continues_id=ids[quote.continues] if quote.continues else None,
                origin="seed",
                reviewed=True,  # curated by hand, see seed/README.md
            )
            assert stored.id is not None
            ids[quote.key] = stored.id
        group(session, list(ids.values()))
        assert article.id is not None
        return SeedResult(article_id=article.id, created=True, quotes=len(ids))
