"""The team's quotation set: reports of the same words as several outlets printed them, stored
in a new store, then scored two ways: how the store grouped them (pairs of reports), and how
the quote check answers texts made from them (cut, swapped, changed, under another name,
unrelated)."""

import datetime as dt
import itertools
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.articles.store import add_article
from app.config import Settings
from app.db import make_engine, session_scope
from app.evaluation.corpus import CorpusError
from app.models.public import SpeakerRef
from app.names import slugify
from app.outlets.store import outlet_for
from app.quotations.check import check_text
from app.quotations.grouping import group
from app.quotations.words import STOPWORDS, has_digit, words_of
from app.quotes.store import add_quote
from app.speakers.store import ensure_speaker
from app.store.upgrade import migrate

Expected = Literal["exact", "close", "not_found"]
# Words put in place of a quote's own to make a one-word change.
_STRANGERS = ("purple", "tomorrow", "hospital", "bicycle", "seventeen", "orchestra", "winter")
# Texts no one in the set said.
UNRELATED = (
    "The weather in the valley turned cold overnight and the harvest was brought in early",
    "Tickets for the autumn concert series go on sale at the box office on Friday morning",
    "The museum will close its east wing for six months while the roof is repaired",
    "Our bakery has sold the same rye loaf since my grandmother opened it in the square",
    "The ferry timetable changes on Sunday, with fewer crossings in the late evening",
    "Scientists counted more nesting turtles on the beach this spring than in any year",
    "The library's new reading room has a view of the river and seats for forty people",
    "A stray dog followed the marathon runners for the last ten miles of the course",
    "The chess club meets on Tuesdays and welcomes players of every level",
    "Heavy snow closed the mountain pass and stranded dozens of lorries overnight",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldReport(_Strict):
    publisher: str = Field(min_length=1)
    published_on: dt.date
    text: str = Field(min_length=1)


class GoldQuotation(_Strict):
    id: str = Field(min_length=1)
    speaker: str = Field(min_length=1)
    reports: list[GoldReport] = Field(min_length=1)

    @property
    def fullest(self) -> str:
        return max(self.reports, key=lambda r: len(words_of(r.text))).text


def read_quotation_set(path: Path) -> list[GoldQuotation]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        found = [GoldQuotation.model_validate(item) for item in raw or []]
    except (yaml.YAMLError, ValidationError, TypeError) as error:
        raise CorpusError(f"{path}: {error}") from error
    ids = [q.id for q in found]
    if len(set(ids)) != len(ids):
        raise CorpusError(f"{path}: quotation ids repeat")
    return found


def is_quotation_set(path: Path) -> bool:
    """Whether a YAML file is a quotation set (entries with ``reports``), not a newsroom set."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return False
    return isinstance(raw, list) and bool(raw) and isinstance(raw[0], dict) and "reports" in raw[0]


@dataclass(frozen=True)
class Case:
    how: str  # part, swap, word, number, other_speaker, unrelated
    text: str
    speaker: str | None
    expected: Expected
    said_by: str | None = None  # the speaker the words are stored under, for other_speaker


@dataclass
class QuotationScores:
    reports: int = 0
    quotations: int = 0
    stored_quotations: int = 0
    true_pairs: int = 0
    found_pairs: int = 0
    right_pairs: int = 0
    wrong_merges: list[tuple[str, str]] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)
    # how -> [cases, answered as expected]
    checks: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    verdicts: Counter[tuple[Expected, str]] = field(default_factory=Counter)
    check_errors: list[str] = field(default_factory=list)
    others_named: list[int] = field(default_factory=lambda: [0, 0])

    @property
    def precision(self) -> float:
        return self.right_pairs / self.found_pairs if self.found_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.right_pairs / self.true_pairs if self.true_pairs else 1.0

    def wrong(self, verdict: str) -> int:
        """How often the check said ``verdict`` when the case called for another."""
        return sum(n for (expected, got), n in self.verdicts.items() if got == verdict != expected)

    def caught(self, how: str) -> float:
        cases, right = self.checks[how]
        return right / cases if cases else 1.0


def evaluate_quotations(
    quotations: list[GoldQuotation], workdir: Path | None = None
) -> QuotationScores:
    with tempfile.TemporaryDirectory() as scratch:
        folder = workdir or Path(scratch)
        settings = Settings(database_url=f"sqlite:///{folder / 'quotations.db'}")
        migrate(settings)
        engine = make_engine(settings)
        try:
            scores = QuotationScores(quotations=len(quotations))
            stored = _store(engine, quotations, scores)
            _score_pairs(engine, quotations, stored, scores)
            _score_checks(engine, quotations, scores)
        finally:
            engine.dispose()
    return scores


def _store(
    engine: sa.Engine, quotations: list[GoldQuotation], scores: QuotationScores
) -> dict[tuple[str, int], int]:
    """Every report as its own article's quote, oldest first: (quotation id, report index) ->
    quote id."""
    order = sorted(
        ((q, i, r) for q in quotations for i, r in enumerate(q.reports)),
        key=lambda item: item[2].published_on,
    )
    stored: dict[tuple[str, int], int] = {}
    with session_scope(engine) as session:
        for quotation, index, report in order:
            speaker_id = slugify(quotation.speaker)
            kind = "anonymous" if "unnamed" in quotation.speaker else "person"
            ensure_speaker(session=session, id=speaker_id, name=quotation.speaker, kind=kind)
            text = (
                f"\u201c{report.text}\u201d {quotation.speaker} said, as {report.publisher} "
                f"reported on {report.published_on:%d %B %Y} ({quotation.id}, {index})."
            )
            article = add_article(
                session=session,
                title=f"{quotation.id} in {report.publisher}",
                publisher_id=outlet_for(session, report.publisher).id,
                published_on=report.published_on,
                text=text,
            )
            quote = add_quote(
                session=session,
                article=article,
                speaker_id=speaker_id,
                kind="direct",
                span=(1, 1 + len(report.text)),
                origin="manual",
            )
            assert quote.id is not None
            group(session, [quote.id])
            stored[(quotation.id, index)] = quote.id
            scores.reports += 1
    return stored


def _score_pairs(
    engine: sa.Engine,
    quotations: list[GoldQuotation],
    stored: dict[tuple[str, int], int],
    scores: QuotationScores,
) -> None:
    with engine.connect() as connection:
        grouped: dict[int, int] = {
            int(i): int(q)
            for i, q in connection.execute(sa.text("SELECT id, quotation_id FROM quote"))
        }
        scores.stored_quotations = int(
            connection.execute(sa.text("SELECT count(*) FROM quotation")).scalar_one()
        )
    by_speaker: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for quotation in quotations:
        for index in range(len(quotation.reports)):
            by_speaker[quotation.speaker].append((quotation.id, index))
    texts = {(q.id, i): r.text for q in quotations for i, r in enumerate(q.reports)}
    for reports in by_speaker.values():
        for a, b in itertools.combinations(reports, 2):
            same = a[0] == b[0]
            grouped_together = grouped[stored[a]] == grouped[stored[b]]
            scores.true_pairs += same
            scores.found_pairs += grouped_together
            scores.right_pairs += same and grouped_together
            if grouped_together and not same:
                scores.wrong_merges.append((texts[a], texts[b]))
            if same and not grouped_together:
                scores.missed.append((texts[a], texts[b]))


def check_cases(quotations: list[GoldQuotation]) -> list[Case]:
    """The check's cases, made the same way from each quotation's fullest words."""
    cases: list[Case] = []
    speakers = sorted({q.speaker for q in quotations})
    for n, quotation in enumerate(quotations):
        words = list(words_of(quotation.fullest).words)
        speaker = quotation.speaker
        if len(words) >= 8:
            cases.append(Case("part", " ".join(words[2:-2]), speaker, "exact"))
        middle = len(words) // 2
        if len(words) >= 6 and words[middle - 1] != words[middle]:
            swapped = words[: middle - 1] + [words[middle], words[middle - 1]] + words[middle + 1 :]
            cases.append(Case("swap", " ".join(swapped), speaker, "close"))
        content = [i for i, w in enumerate(words) if w not in STOPWORDS and not has_digit(w)]
        if len(words) >= 6 and content:
            at = content[len(content) // 2]
            stranger = next(s for s in _STRANGERS[n % len(_STRANGERS) :] + _STRANGERS
                            if s not in words)  # fmt: skip
            changed = words[:at] + [stranger] + words[at + 1 :]
            cases.append(Case("word", " ".join(changed), speaker, "close"))
        numbers = [i for i, w in enumerate(words) if w.replace(".", "").isdigit()]
        if numbers:
            at = numbers[0]
            renumbered = words[:at] + [str(int(float(words[at])) + 7)] + words[at + 1 :]
            cases.append(Case("number", " ".join(renumbered), speaker, "close"))
        other = _another_speaker(quotations, speakers, quotation)
        if other is not None:
            cases.append(Case("other_speaker", quotation.fullest, other, "not_found", speaker))
    cases += [Case("unrelated", text, None, "not_found") for text in UNRELATED]
    return cases


def _another_speaker(
    quotations: list[GoldQuotation], speakers: list[str], quotation: GoldQuotation
) -> str | None:
    """The next speaker of the set who said nothing sharing three words in a row with it."""
    start = speakers.index(quotation.speaker)
    ours = words_of(quotation.fullest).words
    runs = {ours[i : i + 3] for i in range(len(ours) - 2)}
    for step in range(1, len(speakers)):
        candidate = speakers[(start + step) % len(speakers)]
        theirs = [words_of(r.text).words for q in quotations if q.speaker == candidate
                  for r in q.reports]  # fmt: skip
        if not any(t[i : i + 3] in runs for t in theirs for i in range(len(t) - 2)):
            return candidate
    return None


def _score_checks(
    engine: sa.Engine, quotations: list[GoldQuotation], scores: QuotationScores
) -> None:
    from sqlmodel import Session

    with Session(engine) as session:
        for case in check_cases(quotations):
            asked = None
            if case.speaker is not None:
                speaker_id = slugify(case.speaker)
                asked = SpeakerRef(id=speaker_id, name=case.speaker, kind="person", role=None)
            result = check_text(session, case.text, asked)
            scores.verdicts[(case.expected, result.verdict)] += 1
            tally = scores.checks[case.how]
            tally[0] += 1
            right = result.verdict == case.expected
            tally[1] += right
            if not right:
                scores.check_errors.append(
                    f"{case.how}: {case.text!r} as {case.speaker}: {result.verdict}, "
                    f"expected {case.expected}"
                )
            if case.said_by is not None:
                scores.others_named[0] += 1
                named = {s.id for s in result.said_by_others}
                scores.others_named[1] += slugify(case.said_by) in named


def quotation_report(scores: QuotationScores, *, errors: bool = False) -> str:
    lines = [
        f"reports: {scores.reports} of {scores.quotations} quotations; "
        f"the store made {scores.stored_quotations} quotations",
        f"grouping over pairs of one speaker's reports: precision {scores.precision:.1%} "
        f"({scores.right_pairs}/{scores.found_pairs}), recall {scores.recall:.1%} "
        f"({scores.right_pairs}/{scores.true_pairs})",
        "check, answered as expected:",
    ]
    for how in ("part", "swap", "word", "number", "other_speaker", "unrelated"):
        cases, right = scores.checks[how]
        lines.append(f"  {how:14} {right}/{cases}")
    named, total = scores.others_named[1], scores.others_named[0]
    lines += [
        f"  wrong 'exact': {scores.wrong('exact')}; wrong 'not_found': {scores.wrong('not_found')}",
        f"  the true speaker named under another's name: {named}/{total}",
    ]
    if errors:
        lines += [f"wrongly merged: {a!r} / {b!r}" for a, b in scores.wrong_merges]
        lines += [f"missed: {a!r} / {b!r}" for a, b in scores.missed]
        lines += scores.check_errors
    return "\n".join(lines)
