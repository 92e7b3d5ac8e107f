"""Tying reports into quotations in the store, as quotes are stored, corrected, moved or
removed: incremental and indexed (a new report looks up the quotations that share its anchors,
among its speaker's only), deterministic (the same reports in the same order give the same
quotations), and in the caller's transaction, like every write.

On PostgreSQL, the grouping of one speaker's reports is serialised by a transaction-scoped
advisory lock on that speaker, taken in a fixed order, so two articles quoting the same words at
once cannot both start a quotation for them. SQLite serialises writers already."""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from app.models import Article, Quotation, QuotationAnchor, Quote
from app.models.tables import core_table
from app.quotations.compare import same_quotation
from app.quotations.words import Words, anchors, query_anchors, words_of
from app.writes import bucket, hold_all

QUOTE = core_table(Quote)
QUOTATION = core_table(Quotation)
ANCHOR = core_table(QuotationAnchor)
ARTICLE = core_table(Article)
# How many of a speaker's quotations sharing the most anchors are compared word by word.
CANDIDATES = 12
# How many reports of a speaker new to the store are compared in memory, at most.
FRESH_MOST = 32
# What grouping reads of a quotation to compare and update it.
_FIGURES = (QUOTATION.c.text, QUOTATION.c.date, QUOTATION.c.first_said, QUOTATION.c.first_reported)


@dataclass(frozen=True)
class _Report:
    id: int
    speaker_id: str
    text: str
    date: dt.date
    said_on: dt.date | None
    published_on: dt.date
    publisher_id: str


def lock_speakers(session: Session, speaker_ids: Iterable[str]) -> None:
    """Holds each speaker's grouping lock to the end of the transaction (PostgreSQL), in one
    order, so that two writers never wait on each other's."""
    hold_all(session, sorted({bucket("quotation", speaker_id) for speaker_id in speaker_ids}))


def group(session: Session, quote_ids: Sequence[int], fresh: Iterable[str] = ()) -> None:
    """Each quote joins the quotation its words belong to, or starts one; in id order.

    ``fresh`` names speakers made in this transaction, who have no quotation yet: their
    reports are compared among themselves in memory, and the quotations they start are
    written together at the end. A report that may join one of them sends that speaker back
    to the store's path, with the same outcome as if every report had gone that way."""
    session.flush()
    reports = _reports(session, quote_ids)
    lock_speakers(session, (r.speaker_id for r in reports))
    unwritten = set(fresh)
    starting: list[tuple[_Report, Words]] = []
    for report in reports:
        speaker = report.speaker_id
        if speaker in unwritten:
            words = words_of(report.text)
            earlier = [theirs for other, theirs in starting if other.speaker_id == speaker]
            # Past a few reports, comparing with each in memory would cost more than the
            # store's indexed lookup: the speaker goes the store's way.
            if len(earlier) < FRESH_MOST and not any(
                same_quotation(words, theirs) is not None for theirs in earlier
            ):
                starting.append((report, words))
                continue
            _start_all(session, [s for s in starting if s[0].speaker_id == speaker])
            starting = [s for s in starting if s[0].speaker_id != speaker]
            unwritten.discard(speaker)
        _group_one(session, report)
    _start_all(session, starting)


def _start_all(session: Session, starting: list[tuple[_Report, Words]]) -> None:
    """``_start`` for many reports, in three statements."""
    if not starting:
        return
    values = [
        {
            "speaker_id": report.speaker_id,
            "text": report.text,
            "text_quote_id": report.id,
            "date": report.date,
            "first_said": report.said_on,
            "first_reported": report.published_on,
            "reports": 1,
            "publishers": 1,
            "version": 1,
        }
        for report, _ in starting
    ]
    ids = (
        session.execute(
            sa.insert(QUOTATION).returning(QUOTATION.c.id, sort_by_parameter_order=True), values
        )
        .scalars()
        .all()
    )
    anchor_rows = [
        {"anchor": key, "quotation_id": int(quotation_id), "speaker_id": report.speaker_id}
        for (report, words), quotation_id in zip(starting, ids, strict=True)
        for key in anchors(words)
    ]
    if anchor_rows:
        session.execute(sa.insert(ANCHOR), anchor_rows)
    session.execute(
        sa.update(QUOTE)
        .where(QUOTE.c.id == sa.bindparam("report"))
        .values(quotation_id=sa.bindparam("quotation")),
        [
            {"report": report.id, "quotation": int(quotation_id)}
            for (report, _), quotation_id in zip(starting, ids, strict=True)
        ],
    )


def regroup(session: Session, quote_ids: Sequence[int]) -> None:
    """After a quote's words or speaker changed: out of its quotation, then grouped again."""
    if not quote_ids:
        return
    session.flush()
    old = _quotations_of(session, quote_ids)
    lock_speakers(
        session, [s for _, s in old.values()] + [r.speaker_id for r in _reports(session, quote_ids)]
    )
    for chunk in _chunks(list(quote_ids)):
        session.execute(sa.update(QUOTE).where(QUOTE.c.id.in_(chunk)).values(quotation_id=None))
    for quotation_id in sorted({q for q, _ in old.values()}):
        refresh(session, quotation_id)
    group(session, quote_ids)


def release(session: Session, quote_id: int) -> int | None:
    """Takes a quote out of its quotation before the quote is removed; the quotation's figures
    follow, and a quotation left with no report is removed. The quotation it was in."""
    session.flush()
    old = _quotations_of(session, [quote_id])
    if quote_id not in old:
        return None
    quotation_id, speaker_id = old[quote_id]
    lock_speakers(session, [speaker_id])
    session.execute(sa.update(QUOTE).where(QUOTE.c.id == quote_id).values(quotation_id=None))
    refresh(session, quotation_id)
    return quotation_id


def move(session: Session, quote_id: int, quotation_id: int | None) -> int:
    """A person's decision: the quote belongs to ``quotation_id`` (same speaker, checked by the
    caller), or with ``None`` stands alone in a quotation of its own. The quotation it is in."""
    session.flush()
    old = _quotations_of(session, [quote_id])
    (report,) = _reports(session, [quote_id])
    speakers = [report.speaker_id] + ([old[quote_id][1]] if quote_id in old else [])
    lock_speakers(session, speakers)
    session.execute(sa.update(QUOTE).where(QUOTE.c.id == quote_id).values(quotation_id=None))
    if quote_id in old:
        refresh(session, old[quote_id][0])
    if quotation_id is None:
        return _start(session, report, words_of(report.text))
    _attach(session, quotation_id, report)
    return quotation_id


def group_ungrouped(session: Session, batch: int = 500) -> int:
    """Groups the first ``batch`` quotes that have no quotation yet (quotes stored before
    quotations were kept), oldest first; how many it grouped. The caller commits each batch,
    so a large store is not grouped in one long transaction."""
    ids = list(
        session.execute(
            sa.select(QUOTE.c.id)
            .where(QUOTE.c.quotation_id.is_(None))
            .order_by(QUOTE.c.id)
            .limit(batch)
        ).scalars()
    )
    if ids:
        group(session, ids)
    return len(ids)


def refresh(session: Session, quotation_id: int) -> None:
    """Sets a quotation's figures and fullest text from its reports as they now stand; removes
    it when none is left."""
    row = session.execute(
        sa.select(QUOTATION.c.text, QUOTATION.c.speaker_id).where(QUOTATION.c.id == quotation_id)
    ).first()
    if row is None:
        return
    reports = _reports_in(session, quotation_id)
    if not reports:
        _drop_anchors(session, quotation_id, row.text)
        session.execute(sa.delete(QUOTATION).where(QUOTATION.c.id == quotation_id))
        return
    fullest = min(reports, key=lambda r: (-len(words_of(r.text)), r.id))
    if fullest.text != row.text:
        _drop_anchors(session, quotation_id, row.text)
        _add_anchors(session, quotation_id, row.speaker_id, words_of(fullest.text))
    said = [r.said_on for r in reports if r.said_on is not None]
    session.execute(
        sa.update(QUOTATION)
        .where(QUOTATION.c.id == quotation_id)
        .values(
            text=fullest.text,
            text_quote_id=fullest.id,
            date=min(r.date for r in reports),
            first_said=min(said) if said else None,
            first_reported=min(r.published_on for r in reports),
            reports=len(reports),
            publishers=len({r.publisher_id for r in reports}),
            version=QUOTATION.c.version + 1,
        )
    )


def _group_one(session: Session, report: _Report) -> None:
    words = words_of(report.text)
    matches = _matches(session, report.speaker_id, words)
    if not matches:
        _start(session, report, words)
        return
    # A fragment that stands in two of the speaker's quotations could be either: it starts
    # its own rather than guess. Quotations the new report holds whole are one quotation.
    inside = [m for m in matches if len(words) < m[2]]
    if len(inside) > 1:
        _start(session, report, words)
        return
    target = inside[0][0] if inside else min(matches, key=lambda m: (-m[1], m[0].id))[0]
    _attach(session, target, report, words)
    if not inside:
        for other, score, _ in matches:
            if other.id != target.id and score >= 2.0:
                _merge(session, other.id, into=target.id)


@dataclass(frozen=True)
class _Candidate:
    """A quotation a report may join: what comparing and updating it need."""

    id: int
    text: str
    date: dt.date
    first_said: dt.date | None
    first_reported: dt.date
    words: int  # how many words its text has


def most_shared(
    keys: list[int],
    *,
    most: int,
    speaker_id: str | None = None,
    columns: tuple[sa.ColumnElement[Any], ...] = (),
) -> sa.Select[Any]:
    """The quotations sharing the most of ``keys`` (their id first, then ``columns``), most
    first: how grouping and the check both find candidates, of one speaker or of anyone."""
    shared = sa.func.count().label("shared")
    if speaker_id is None and not columns:
        return (
            sa.select(ANCHOR.c.quotation_id, shared)
            .where(ANCHOR.c.anchor.in_(keys))
            .group_by(ANCHOR.c.quotation_id)
            .order_by(shared.desc(), ANCHOR.c.quotation_id)
            .limit(most)
        )
    statement = (
        sa.select(QUOTATION.c.id, *columns, shared)
        .join(QUOTATION, QUOTATION.c.id == ANCHOR.c.quotation_id)
        .where(ANCHOR.c.anchor.in_(keys))
    )
    if speaker_id is not None:  # through the keys' index by speaker and key
        statement = statement.where(ANCHOR.c.speaker_id == speaker_id)
    # Grouped by the quotation's key, so its other columns may be read (PostgreSQL).
    return statement.group_by(QUOTATION.c.id).order_by(shared.desc(), QUOTATION.c.id).limit(most)


def _matches(
    session: Session, speaker_id: str, words: Words
) -> list[tuple[_Candidate, float, int]]:
    """(quotation, score, its word count) of the speaker's quotations these words belong to."""
    keys = query_anchors(words)
    if not keys:
        return []
    rows = session.execute(
        most_shared(keys, most=CANDIDATES, speaker_id=speaker_id, columns=_FIGURES)
    ).all()
    found = []
    for row in rows:
        theirs = words_of(row[1])
        score = same_quotation(words, theirs)
        if score is not None:
            candidate = _Candidate(int(row[0]), row[1], row[2], row[3], row[4], len(theirs))
            found.append((candidate, score, len(theirs)))
    return found


def _start(session: Session, report: _Report, words: Words) -> int:
    result = session.execute(
        sa.insert(QUOTATION)
        .values(
            speaker_id=report.speaker_id,
            text=report.text,
            text_quote_id=report.id,
            date=report.date,
            first_said=report.said_on,
            first_reported=report.published_on,
            reports=1,
            publishers=1,
            version=1,
        )
        .returning(QUOTATION.c.id)
    )
    quotation_id = int(result.scalar_one())
    _add_anchors(session, quotation_id, report.speaker_id, words)
    session.execute(
        sa.update(QUOTE).where(QUOTE.c.id == report.id).values(quotation_id=quotation_id)
    )
    return quotation_id


def _attach(
    session: Session, quotation: "_Candidate | int", report: _Report, words: Words | None = None
) -> None:
    """Adds one report (its ``words``, when already read) to a quotation, its figures updated
    from that report alone."""
    if isinstance(quotation, int):
        row = session.execute(
            sa.select(QUOTATION.c.id, *_FIGURES).where(QUOTATION.c.id == quotation)
        ).one()
        quotation = _Candidate(int(row[0]), row[1], row[2], row[3], row[4], len(words_of(row[1])))
    new_words = words if words is not None else words_of(report.text)
    same_publisher = session.execute(
        sa.select(QUOTE.c.id)
        .join(ARTICLE, ARTICLE.c.id == QUOTE.c.article_id)
        .where(QUOTE.c.quotation_id == quotation.id, ARTICLE.c.publisher_id == report.publisher_id)
        .limit(1)
    ).first()
    session.execute(
        sa.update(QUOTE).where(QUOTE.c.id == report.id).values(quotation_id=quotation.id)
    )
    values: dict[str, object] = {
        "reports": QUOTATION.c.reports + 1,
        "publishers": QUOTATION.c.publishers + (0 if same_publisher else 1),
        "date": min(quotation.date, report.date),
        "first_reported": min(quotation.first_reported, report.published_on),
        "version": QUOTATION.c.version + 1,
    }
    if report.said_on is not None:
        said = quotation.first_said
        values["first_said"] = report.said_on if said is None else min(said, report.said_on)
    if len(new_words) > quotation.words:
        _drop_anchors(session, quotation.id, quotation.text)
        _add_anchors(session, quotation.id, report.speaker_id, new_words)
        values["text"] = report.text
        values["text_quote_id"] = report.id
    session.execute(sa.update(QUOTATION).where(QUOTATION.c.id == quotation.id).values(**values))


def _merge(session: Session, source: int, *, into: int) -> None:
    session.execute(
        sa.update(QUOTE).where(QUOTE.c.quotation_id == source).values(quotation_id=into)
    )
    refresh(session, source)
    refresh(session, into)


def _add_anchors(session: Session, quotation_id: int, speaker_id: str, words: Words) -> None:
    rows = [
        {"anchor": key, "quotation_id": quotation_id, "speaker_id": speaker_id}
        for key in anchors(words)
    ]
    if rows:
        session.execute(sa.insert(ANCHOR), rows)


def _drop_anchors(session: Session, quotation_id: int, text: str) -> None:
    keys = anchors(words_of(text))
    if keys:
        session.execute(
            sa.delete(ANCHOR).where(
                ANCHOR.c.anchor.in_(keys), ANCHOR.c.quotation_id == quotation_id
            )
        )


def _report_select() -> sa.Select[tuple[int, str, str, dt.date, dt.date | None, dt.date, str]]:
    return sa.select(
        QUOTE.c.id, QUOTE.c.speaker_id, QUOTE.c.text, QUOTE.c.date, QUOTE.c.said_on,
        # An undated article reports on the day its quote sorts by.
        sa.func.coalesce(ARTICLE.c.published_on, QUOTE.c.date, type_=sa.Date),
        ARTICLE.c.publisher_id,
    ).join(ARTICLE, ARTICLE.c.id == QUOTE.c.article_id)  # fmt: skip


def _reports(session: Session, quote_ids: Sequence[int]) -> list[_Report]:
    found: list[_Report] = []
    for chunk in _chunks(sorted(set(quote_ids))):
        rows = session.execute(_report_select().where(QUOTE.c.id.in_(chunk)))
        found += [_Report(*row) for row in rows]
    return sorted(found, key=lambda r: r.id)


def _reports_in(session: Session, quotation_id: int) -> list[_Report]:
    rows = session.execute(_report_select().where(QUOTE.c.quotation_id == quotation_id))
    return [_Report(*row) for row in rows]


def _quotations_of(session: Session, quote_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """quote id -> (its quotation, that quotation's speaker), for quotes that have one."""
    found: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(sorted(set(quote_ids))):
        rows = session.execute(
            sa.select(QUOTE.c.id, QUOTATION.c.id, QUOTATION.c.speaker_id)
            .join(QUOTATION, QUOTATION.c.id == QUOTE.c.quotation_id)
            .where(QUOTE.c.id.in_(chunk))
        )
        found.update({int(q): (int(qn), s) for q, qn, s in rows})
    return found


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for at in range(0, len(ids), size):
        yield ids[at : at + size]
