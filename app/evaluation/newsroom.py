"""The team's own evaluation: articles with every field of every quote annotated, ingested into
a real store that holds the seed, then compared quote by quote and field by field.

Unlike a corpus score, this checks what a reporter sees: the stored speaker (across articles,
so a namesake merged into a known person shows), the outlet, the saying date and the words, and
it counts the errors that cost trust: quotes given to someone else, invented quotes, dates the
text does not give."""

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.evaluation.corpus import CorpusError
from app.evaluation.scoring import characters, jaccard
from app.evaluation.store import fresh_store, post
from app.names import slugify

Kind = Literal["direct", "partial", "indirect"]
# A predicted quote and a gold one are the same quotation at this character overlap.
MATCH_OVERLAP = 0.3
# An indirect quote's words are right at this overlap: where a reported clause ends is a matter
# of a word or two ("that", a trailing "on Tuesday").
INDIRECT_WORDS_OVERLAP = 0.8
FIELDS = ("words", "kind", "speaker", "outlet", "said_on")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldQuote(_Strict):
    text: str = Field(min_length=1)
    kind: Kind
    speaker: str = Field(min_length=1)
    outlet: str | None = None
    said_on: dt.date | None = None
    said_on_precision: Literal["day", "month", "year"] | None = None
    occurrence: int = Field(default=1, ge=1)


class GoldArticle(_Strict):
    id: str
    title: str
    publisher: str
    published_on: dt.date
    text: str
    quotes: list[GoldQuote]

    def span(self, quote: GoldQuote) -> tuple[int, int]:
        at = -1
        for _ in range(quote.occurrence):
            at = self.text.find(quote.text, at + 1)
            if at < 0:
                raise CorpusError(f"{self.id}: {quote.text!r} is not in the text")
        if quote.occurrence == 1 and self.text.find(quote.text, at + 1) >= 0:
            raise CorpusError(f"{self.id}: {quote.text!r} occurs twice; give its occurrence")
        return at, at + len(quote.text)


def read_newsroom(path: Path) -> list[GoldArticle]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        articles = [GoldArticle.model_validate(item) for item in raw or []]
    except (yaml.YAMLError, ValidationError, TypeError) as error:
        raise CorpusError(f"{path}: {error}") from error
    for article in articles:
        for quote in article.quotes:
            article.span(quote)  # fails loudly on a quote the text does not hold
    return articles


@dataclass(frozen=True)
class Stored:
    """A quote as the store holds it after ingestion."""

    quote_id: int
    span: tuple[int, int]
    kind: str
    speaker: str
    outlet: str | None
    said_on: dt.date | None
    said_on_precision: str | None
    basis: str | None
    confidence: float | None


@dataclass
class Error:
    article: str
    what: str
    detail: str


@dataclass
class NewsroomScores:
    gold: int = 0
    stored: int = 0
    matched: int = 0
    right: Counter[str] = field(default_factory=Counter)
    all_right: int = 0
    other_speaker: int = 0
    misnamed: int = 0
    invented: int = 0
    invented_dates: int = 0
    wrong_dates: int = 0
    errors: list[Error] = field(default_factory=list)
    # basis -> [stored quotes, of which every field right, summed confidence]
    by_basis: dict[str, list[float]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))

    @property
    def precision(self) -> float:
        return self.matched / self.stored if self.stored else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    def accuracy(self, name: str) -> float:
        return self.right[name] / self.matched if self.matched else 0.0

    def calibration_error(self) -> float:
        """Expected calibration error over bases: how far the stated confidence is from the
        share of quotes with that basis that are right in every field."""
        total = sum(n for n, _, _ in self.by_basis.values())
        if not total:
            return 0.0
        return sum(abs(c - r) for n, r, c in self.by_basis.values() if n) / total


def evaluate_newsroom(articles: list[GoldArticle], workdir: Path | None = None) -> NewsroomScores:
    """Ingest ``articles`` in order into a new store seeded like a fresh install, and score
    what it holds."""
    with fresh_store(workdir) as engine:
        seeded = _speakers(engine)
        stored: dict[str, list[Stored]] = {}
        for article in articles:
            stored[article.id] = post(
                engine,
                _stored_quotes,
                title=article.title,
                publisher=article.publisher,
                published_on=article.published_on,
                text=article.text,
            )
    labels = {q.speaker for a in articles for q in a.quotes} | seeded
    scores = NewsroomScores()
    for article in articles:
        _score_article(scores, article, stored[article.id], labels)
    return scores


def _stored_quotes(connection: sa.Connection, article_id: int) -> list[Stored]:
    rows = connection.execute(
        sa.text(
            "SELECT q.id, q.span_start, q.span_end, q.kind, q.speaker_id, o.name, q.said_on,"
            " q.said_on_precision, q.basis, q.confidence FROM quote q"
            " LEFT JOIN outlet o ON o.id = q.outlet_id WHERE q.article_id = :a ORDER BY q.id"
        ),
        {"a": article_id},
    )
    return [
        Stored(
            r[0],
            (r[1], r[2]),
            r[3],
            r[4],
            r[5],
            dt.date.fromisoformat(str(r[6])) if r[6] else None,
            r[7],
            r[8],
            r[9],
        )
        for r in rows
    ]


def _speakers(engine: sa.Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(sa.text("SELECT id FROM speaker")).scalars())


def _score_article(
    scores: NewsroomScores, article: GoldArticle, stored: list[Stored], labels: set[str]
) -> None:
    text = article.text
    gold = [(q, characters(text, [article.span(q)])) for q in article.quotes]
    mine = [(s, characters(text, [s.span])) for s in stored]
    scores.gold += len(gold)
    scores.stored += len(mine)
    pairs = sorted(
        (
            (jaccard(m, g), i, j)
            for i, (_, m) in enumerate(mine)
            for j, (_, g) in enumerate(gold)
            if not m.isdisjoint(g)
        ),
        reverse=True,
    )
    used_m: set[int] = set()
    used_g: set[int] = set()
    for overlap, i, j in pairs:
        if overlap < MATCH_OVERLAP or i in used_m or j in used_g:
            continue
        used_m.add(i)
        used_g.add(j)
        _score_pair(scores, article, mine[i][0], gold[j][0], overlap, labels)
    for i, (quote, _) in enumerate(mine):
        if i not in used_m:
            scores.invented += 1
            _note(scores, article, "invented", f"{_words(text, quote.span)!r} by {quote.speaker}")
            _tally_basis(scores, quote, False)
    for j, (wanted, _) in enumerate(gold):
        if j not in used_g:
            _note(scores, article, "missed", f"{wanted.text!r} by {wanted.speaker}")


def _score_pair(
    scores: NewsroomScores,
    article: GoldArticle,
    stored: Stored,
    gold: GoldQuote,
    overlap: float,
    labels: set[str],
) -> None:
    scores.matched += 1
    precision = gold.said_on_precision or ("day" if gold.said_on else None)
    right = {
        "words": overlap == 1.0 or (gold.kind == "indirect" and overlap >= INDIRECT_WORDS_OVERLAP),
        "kind": stored.kind == gold.kind,
        "speaker": _same_speaker(stored.speaker, gold.speaker, labels),
        "outlet": slugify(stored.outlet or "") == slugify(gold.outlet or ""),
        "said_on": (stored.said_on, stored.said_on_precision) == (gold.said_on, precision),
    }
    for name, ok in right.items():
        scores.right[name] += ok
        if not ok:
            _note(scores, article, name, _difference(name, stored, gold, article.text))
    if not right["speaker"]:
        if stored.speaker in labels:
            scores.other_speaker += 1
        else:
            scores.misnamed += 1
    if stored.said_on is not None and not right["said_on"]:
        if gold.said_on is None:
            scores.invented_dates += 1
        else:
            scores.wrong_dates += 1
    every = all(right.values())
    scores.all_right += every
    _tally_basis(scores, stored, every)


def _same_speaker(stored: str, gold: str, labels: set[str]) -> bool:
    """The store's id is the gold one, or that id with a number a namesake made it take."""
    if stored == gold:
        return True
    return stored not in labels and re.fullmatch(re.escape(gold) + r"-\d+", stored) is not None


def _tally_basis(scores: NewsroomScores, quote: Stored, right: bool) -> None:
    row = scores.by_basis[quote.basis or "(none)"]
    row[0] += 1
    row[1] += right
    row[2] += quote.confidence or 0.0


def _difference(name: str, stored: Stored, gold: GoldQuote, text: str) -> str:
    values = {
        "words": (_words(text, stored.span), gold.text),
        "kind": (stored.kind, gold.kind),
        "speaker": (stored.speaker, gold.speaker),
        "outlet": (stored.outlet, gold.outlet),
        "said_on": (stored.said_on, gold.said_on),
    }[name]
    return f"{gold.text[:50]!r}: stored {values[0]!r}, gold {values[1]!r}"


def _words(text: str, span: tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def _note(scores: NewsroomScores, article: GoldArticle, what: str, detail: str) -> None:
    scores.errors.append(Error(article.id, what, detail))


def newsroom_report(scores: NewsroomScores, articles: int, *, errors: bool = False) -> str:
    f1 = (
        2 * scores.precision * scores.recall / (scores.precision + scores.recall)
        if scores.precision + scores.recall
        else 0.0
    )
    lines = [
        f"articles: {articles}   gold quotes: {scores.gold}   stored: {scores.stored}"
        f"   matched: {scores.matched}",
        f"quotes       P {100 * scores.precision:5.1f}   R {100 * scores.recall:5.1f}"
        f"   F1 {100 * f1:5.1f}",
        "field accuracy over matched quotes:",
        *(f"  {name:<10}{100 * scores.accuracy(name):6.1f}%" for name in FIELDS),
        f"  {'all':<10}{100 * (scores.all_right / scores.matched if scores.matched else 0):6.1f}%",
        "errors that cost trust:",
        f"  given to another known speaker  {scores.other_speaker}",
        f"  speaker misnamed                {scores.misnamed}",
        f"  invented quotes                 {scores.invented}",
        f"  dates the text does not give    {scores.invented_dates}",
        f"  wrong dates                     {scores.wrong_dates}",
        "confidence by basis (stored, every field right, mean confidence):",
    ]
    for basis, (n, good, total) in sorted(scores.by_basis.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"  {basis:<34}{int(n):>5}{good / n:>8.2f}{total / n:>8.2f}")
    lines.append(f"  calibration error {scores.calibration_error():.3f}")
    if errors:
        lines.append("each error:")
        lines.extend(f"  [{e.article}] {e.what}: {e.detail}" for e in scores.errors)
    return "\n".join(lines)
