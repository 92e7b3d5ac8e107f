"""Scoring on real news copy annotated exhaustively: every attribution of speech in each article
is listed with the words it contains and its fields, so what the store holds can be scored for
what a newsroom would see: quotes found, fields right, stored quotes that are not quotations,
forbidden speakers (headings, places, names of people who never speak) and one person split
over several speakers.

The format (``gold.json``)::

    {"articles": [{"source_id", "publisher", "published_on" (or null), "title", "text",
                   "expect": [{"contains", "kind", "speaker_name", "speaker_kind", "outlet",
                               "said_on"}],   # a field left out is not checked
                   "forbid_speakers": [...], "ambiguous": [...]}]}

Each article is posted the way the API posts it (``ingest_article`` in one transaction) into a
new store seeded like a fresh install; an article without a date is stored undated, so
nothing is dated relative to it.
"""

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.evaluation.corpus import CorpusError
from app.evaluation.store import fresh_store, post
from app.ingest.store import read_quotations

Kind = Literal["direct", "partial", "indirect"]
CHECKED = ("kind", "speaker_name", "speaker_kind", "outlet", "said_on")


class Expected(BaseModel):
    model_config = ConfigDict(extra="ignore")

    contains: str = Field(min_length=1)
    kind: Kind | None = None
    speaker_name: str | None = None
    speaker_kind: Literal["person", "organization", "anonymous"] | None = None
    outlet: str | None = None
    said_on: dt.date | None = None
    # Which of the fields the annotator gave (a missing one is not checked; a null one is).
    given: frozenset[str] = frozenset()


class RealArticle(BaseModel):
    model_config = ConfigDict(extra="ignore")

    source_id: str
    publisher: str
    published_on: dt.date | None = None
    title: str
    text: str
    expect: list[Expected]
    forbid_speakers: list[str] = Field(default_factory=list)
    ambiguous: list[str] = Field(default_factory=list)


def is_real_set(path: Path) -> bool:
    """A JSON document with an ``articles`` list (rather than JSON lines)."""
    if path.suffix != ".json":
        return False
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(raw, dict) and isinstance(raw.get("articles"), list)


def read_real_set(path: Path) -> list[RealArticle]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        articles = []
        for item in raw["articles"]:
            article = RealArticle.model_validate(item)
            for expected, given in zip(article.expect, item["expect"], strict=True):
                expected.given = frozenset(k for k in CHECKED if k in given)
            articles.append(article)
    except (ValueError, KeyError, TypeError, ValidationError) as error:
        raise CorpusError(f"{path}: {error}") from error
    return articles


@dataclass(frozen=True)
class Stored:
    id: int
    words: str
    kind: str
    speaker_id: str
    speaker_name: str
    speaker_kind: str
    outlet: str | None
    said_on: dt.date | None
    continues_id: int | None


@dataclass
class ArticleScore:
    source_id: str
    publisher: str
    expected: int = 0
    found: int = 0
    fields: int = 0
    right: int = 0
    stored: int = 0
    listed: int = 0
    false: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    split: list[str] = field(default_factory=list)
    # field name -> [right, checked]; a quote not found counts all its fields wrong.
    by_field: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


@dataclass
class RealScores:
    articles: list[ArticleScore] = field(default_factory=list)

    def _sum(self, name: str) -> int:
        return sum(getattr(a, name) for a in self.articles)

    def field(self, name: str) -> tuple[int, int]:
        """Right and checked of one field, over every article."""
        tallies = [a.by_field[name] for a in self.articles if name in a.by_field]
        return sum(t[0] for t in tallies), sum(t[1] for t in tallies)

    @property
    def fields_right(self) -> float:
        return self._sum("right") / max(1, self._sum("fields"))

    @property
    def recall(self) -> float:
        return self._sum("found") / max(1, self._sum("expected"))

    @property
    def precision(self) -> float:
        return self._sum("listed") / max(1, self._sum("stored"))


def normal(words: str) -> str:
    """Case, runs of whitespace and curly apostrophes aside."""
    return " ".join(words.replace("\u2019", "'").replace("\u2018", "'").casefold().split())


def evaluate_real(articles: list[RealArticle], workdir: Path | None = None) -> RealScores:
    scores = RealScores()
    with fresh_store(workdir) as engine:
        for article in articles:
            read = read_quotations(article.text, article.published_on)
            stored = post(
                engine,
                _stored,
                title=article.title,
                publisher=article.publisher,
                published_on=article.published_on,
                text=article.text,
                read=read,
            )
            scores.articles.append(score_article(article, stored))
    return scores


def _stored(connection: sa.Connection, article_id: int) -> list[Stored]:
    rows = connection.execute(
        sa.text(
            "SELECT q.id, q.text, q.kind, s.id, s.name, s.kind, o.name, q.said_on,"
            " q.continues_id FROM quote q JOIN speaker s ON s.id = q.speaker_id"
            " LEFT JOIN outlet o ON o.id = q.outlet_id WHERE q.article_id = :a ORDER BY q.id"
        ),
        {"a": article_id},
    )
    return [
        Stored(
            r[0], r[1], r[2], r[3], r[4], r[5], r[6],
            dt.date.fromisoformat(str(r[7])) if r[7] else None, r[8],
        )
        for r in rows
    ]  # fmt: skip


def _value(stored: Stored, name: str) -> object:
    return {
        "kind": stored.kind,
        "speaker_name": stored.speaker_name,
        "speaker_kind": stored.speaker_kind,
        "outlet": stored.outlet,
        "said_on": stored.said_on,
    }[name]


def _field_right(expected: Expected, stored: Stored, name: str) -> bool:
    """Equal to the stored value; for a speaker's name and an outlet, contained in it."""
    want = getattr(expected, name)
    have = _value(stored, name)
    if name in {"speaker_name", "outlet"} and want is not None:
        return have is not None and str(want) in str(have)
    return bool(want == have)


def score_article(article: RealArticle, stored: list[Stored]) -> ArticleScore:
    """As the set's README says: an expected quote is found when its words are inside a stored
    quote's (case, whitespace and curly apostrophes aside); a stored quote is right when some
    expected quote is inside it or it continues one that is, neither right nor wrong when it
    only matches an attribution left out as unclear, and false otherwise."""
    score = ArticleScore(article.source_id, article.publisher)
    holds = {s.id: normal(s.words) for s in stored}
    listed: set[int] = set()
    speakers_of: dict[str, set[str]] = defaultdict(set)
    for expected in article.expect:
        want = normal(expected.contains)
        holding = [s for s in stored if want in holds[s.id]]
        listed.update(s.id for s in holding)
        match = _score_expected(score, expected, holding)
        if match is not None and expected.speaker_kind == "person" and expected.speaker_name:
            speakers_of[expected.speaker_name].add(match.speaker_id)
    unclear = [normal(text) for text in article.ambiguous]
    ambiguous = {
        s.id
        for s in stored
        if s.id not in listed and any(u in holds[s.id] or holds[s.id] in u for u in unclear)
    }
    _continuations_follow(stored, listed, ambiguous)
    _score_stored(score, article, stored, listed, ambiguous)
    for name, ids in sorted(speakers_of.items()):
        if len(ids) > 1:
            score.split.append(f"{name}: {', '.join(sorted(ids))}")
    return score


def _score_expected(
    score: ArticleScore, expected: Expected, holding: list[Stored]
) -> Stored | None:
    """Counts one expected quote: found or missed, and each field given right or wrong
    against the first stored quote holding its words (returned; None when there is none)."""
    score.expected += 1
    score.fields += len(expected.given)
    if not holding:
        score.missed.append(f"{expected.contains[:70]!r} by {expected.speaker_name}")
        for name in expected.given:
            score.by_field[name][1] += 1
        return None
    score.found += 1
    match = holding[0]
    for name in sorted(expected.given):
        right = _field_right(expected, match, name)
        score.by_field[name][0] += right
        score.by_field[name][1] += 1
        score.right += right
        if not right:
            score.wrong.append(
                f"{expected.contains[:50]!r} {name}: stored {_value(match, name)!r},"
                f" gold {getattr(expected, name)!r}"
            )
    return match


def _continuations_follow(stored: list[Stored], listed: set[int], ambiguous: set[int]) -> None:
    """A continuation takes the standing of the quote it continues."""
    changed = True
    while changed:
        changed = False
        for s in stored:
            if s.id in listed or s.id in ambiguous or s.continues_id is None:
                continue
            for group in (listed, ambiguous):
                if s.continues_id in group:
                    group.add(s.id)
                    changed = True


def _score_stored(
    score: ArticleScore,
    article: RealArticle,
    stored: list[Stored],
    listed: set[int],
    ambiguous: set[int],
) -> None:
    """Counts the stored quotes: right, false, or (matching only an unclear one) neither; and
    any speaker the set says no quote may be given to."""
    forbidden = {normal(name) for name in article.forbid_speakers}
    for s in stored:
        if normal(s.speaker_name) in forbidden and s.speaker_name not in score.forbidden:
            score.forbidden.append(s.speaker_name)
        if s.id in ambiguous:
            continue
        score.stored += 1
        if s.id in listed:
            score.listed += 1
        else:
            score.false.append(f"{s.words[:70]!r} by {s.speaker_name}")


def real_report(scores: RealScores, *, errors: bool = False) -> str:
    lines = [
        f"{'article':<10}{'publisher':<28}{'fields':>11}{'found':>9}{'stored ok':>11}"
        f"{'forbidden':>10}{'split':>6}"
    ]
    for a in scores.articles:
        lines.append(
            f"{a.source_id[:8]:<10}{a.publisher[:27]:<28}{a.right:>5}/{a.fields:<5}"
            f"{a.found:>4}/{a.expected:<4}{a.listed:>5}/{a.stored:<5}"
            f"{len(a.forbidden):>10}{len(a.split):>6}"
        )
    total = scores.articles
    lines += [
        f"articles: {len(total)}   expected quotes: {sum(a.expected for a in total)}"
        f"   stored: {sum(a.stored for a in total)}",
        f"fields right     {100 * scores.fields_right:5.1f}%"
        f"  ({sum(a.right for a in total)} of {sum(a.fields for a in total)})",
        f"quotes found     {100 * scores.recall:5.1f}%",
        f"stored precision {100 * scores.precision:5.1f}%",
        "fields, right of checked:  "
        + "  ".join(
            f"{name} {100 * r / max(1, n):.1f}% ({r}/{n})"
            for name in CHECKED
            for r, n in [scores.field(name)]
        ),
        f"forbidden speakers used: {sum(len(a.forbidden) for a in total)}",
        f"people split over speakers: {sum(len(a.split) for a in total)}",
    ]
    for a in total:
        for name in a.forbidden:
            lines.append(f"  forbidden [{a.source_id[:8]}] {name}")
        for name in a.split:
            lines.append(f"  split     [{a.source_id[:8]}] {name}")
        for quote in a.false:
            lines.append(f"  false     [{a.source_id[:8]}] {quote}")
    if errors:
        for a in total:
            for quote in a.missed:
                lines.append(f"  missed    [{a.source_id[:8]}] {quote}")
            for wrong in a.wrong:
                lines.append(f"  wrong     [{a.source_id[:8]}] {wrong}")
    return "\n".join(lines)
