"""The quote check: did this person say these words, and where? The text is looked up by the
same anchors grouping uses, among every speaker's quotations, and each candidate is compared
word by word (``compare``)."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from app.models import Quote, Speaker
from app.models.public import CheckMatch, CheckResult, DiffStep, QuotationPublic, SpeakerRef
from app.models.tables import core_table
from app.queries.errors import UnknownName
from app.queries.lookup import find_speaker_id
from app.queries.quotations import quotations_by_id
from app.queries.quote_filters import QuoteQuery
from app.queries.quotes import report_conditions
from app.queries.suggest import closest
from app.quotations.compare import Comparison, Verdict, compare
from app.quotations.grouping import most_shared
from app.quotations.words import Words, query_anchors, words_of
from app.writes import InvalidField

QUOTE = core_table(Quote)
# Quotations sharing the most anchors, compared word by word: of anyone, and of the speaker
# asked about (so that a busy namesake cannot crowd out the one asked for).
CANDIDATES = 30
SPEAKER_CANDIDATES = 10
SHOWN = 5
_RANK: dict[Verdict, int] = {"exact": 0, "close": 1, "not_found": 2}


@dataclass(frozen=True)
class _Found:
    quotation: QuotationPublic
    comparison: Comparison


def speaker_asked(session: Session, name: str) -> SpeakerRef:
    """The speaker a check is about, by id or any name; an unknown name is an error."""
    speaker_id = find_speaker_id(session, name)
    found = session.get(Speaker, speaker_id) if speaker_id else None
    if found is None:
        suggestions = [(s.id, s.name) for s in closest(session, "speaker", name)]
        raise UnknownName("speaker", f"no speaker is called {name!r}", suggestions)
    return SpeakerRef(id=found.id, name=found.name, kind=found.kind, role=found.role)


def check_text(session: Session, text: str, speaker: SpeakerRef | None) -> CheckResult:
    asked = words_of(text)
    if not asked.words:
        raise InvalidField("text", "the text has no words to check")
    keys = query_anchors(asked)
    ids = _candidates(session, keys, None, CANDIDATES)
    if not asked.telling:
        # Too few telling words to share an anchor with longer words: found by the search.
        ids += [i for i in _phrase_matches(session, asked, CANDIDATES) if i not in ids]
    if speaker is not None:
        ids += [
            i for i in _candidates(session, keys, speaker.id, SPEAKER_CANDIDATES) if i not in ids
        ]
    stored = quotations_by_id(session, ids)
    found = []
    for quotation_id in ids:
        quotation = stored.get(quotation_id)
        if quotation is None:
            continue
        comparison = compare(asked, words_of(quotation.text))
        if comparison.verdict != "not_found":
            found.append(_Found(quotation, comparison))
    found.sort(
        key=lambda f: (
            _RANK[f.comparison.verdict],
            -f.comparison.similarity,
            speaker is not None and f.quotation.speaker.id != speaker.id,
            -f.quotation.reports,
            f.quotation.id,
        )
    )
    theirs = [f for f in found if speaker is None or f.quotation.speaker.id == speaker.id]
    verdict: Verdict = theirs[0].comparison.verdict if theirs else "not_found"
    others: dict[str, SpeakerRef] = {}
    if speaker is not None:
        for f in found:
            if f.quotation.speaker.id != speaker.id:
                others.setdefault(f.quotation.speaker.id, f.quotation.speaker)
    return CheckResult(
        text=text,
        speaker=speaker,
        verdict=verdict,
        matches=[_match(f, speaker) for f in found[:SHOWN]],
        said_by_others=list(others.values()),
    )


def _candidates(session: Session, keys: list[int], speaker_id: str | None, most: int) -> list[int]:
    if not keys:
        return []
    found = session.execute(most_shared(keys, most=most, speaker_id=speaker_id))
    return [int(row[0]) for row in found]


def _phrase_matches(session: Session, asked: Words, most: int) -> list[int]:
    """Quotations with a report holding the words as a phrase, by the full-text index."""
    phrases = " ".join(f'"{" ".join(segment)}"' for segment in asked.segments)
    conditions, params = report_conditions(session, QuoteQuery(q=phrases))
    found = session.execute(
        sa.select(QUOTE.c.quotation_id)
        .where(*conditions, QUOTE.c.quotation_id.is_not(None))
        .distinct()
        .limit(most),
        params,
    )
    return [int(i) for i in found.scalars()]


def _match(found: _Found, speaker: SpeakerRef | None) -> CheckMatch:
    comparison = found.comparison
    verdict = comparison.verdict
    assert verdict != "not_found"
    return CheckMatch(
        quotation=found.quotation,
        verdict=verdict,
        similarity=comparison.similarity,
        fragment=comparison.fragment,
        same_speaker=None if speaker is None else found.quotation.speaker.id == speaker.id,
        diff=[
            DiffStep(op=op.op, words=" ".join(op.words), stored=" ".join(op.stored))
            for op in comparison.ops
        ]
        if verdict == "close"
        else [],
    )
