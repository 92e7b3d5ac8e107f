"""Grouping a batch of new reports in memory: the same rules and the same outcome as
``grouping.group`` called article by article, with the store read in a few statements for the
whole batch (every quotation of the batch's speakers that shares an index key with one of its
reports) and written in one statement per kind of change.

The outcome is the same because the candidates a report is compared with are the same: the
quotations of its speaker sharing the most of its keys, stored or started earlier in the batch,
ranked by shared keys then id, twelve at most; and quotation ids are given out in the order
the article-by-article path gives them. The speakers' grouping locks are held (PostgreSQL)
before anything is read, so no other writer's quotation is missed."""

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from cachetools import LRUCache
from sqlmodel import Session

from app.quotations.compare import same_quotation
from app.quotations.grouping import (
    ANCHOR,
    CANDIDATES,
    FRESH_MOST,
    QUOTATION,
    QUOTE,
    _report_select,
)
from app.quotations.words import Words, anchors, query_anchors, words_of
from app.writes import bucket, hold_all, insert_rows

_CHUNK = 5000


@dataclass(frozen=True)
class Report:
    """A new quote as grouping reads it."""

    id: int
    speaker_id: str
    text: str
    date: dt.date
    said_on: dt.date | None
    published_on: dt.date
    publisher_id: str


@dataclass
class _Held:
    """A quotation in memory: a stored one the batch may join, or one it starts."""

    id: int
    speaker_id: str
    text: str
    text_quote_id: int
    date: dt.date
    first_said: dt.date | None
    first_reported: dt.date
    reports: int
    publishers: int
    version: int
    words: Words
    keys: set[int]
    # The publishers of its reports; of a stored quotation, None until they are needed (only
    # the batch's own publishers are asked about, when the changes are written).
    publisher_ids: set[str] | None
    stored: bool
    # As stored, to write only what changed.
    stored_keys: frozenset[int] = frozenset()
    changed: bool = False
    gone: bool = False
    # Every report in it, read from the store only when a merge needs them all.
    members: list[Report] | None = None
    new_members: list[Report] = field(default_factory=list)


_COLUMNS = (
    QUOTATION.c.id, QUOTATION.c.speaker_id, QUOTATION.c.text, QUOTATION.c.text_quote_id,
    QUOTATION.c.date, QUOTATION.c.first_said, QUOTATION.c.first_reported,
    QUOTATION.c.reports, QUOTATION.c.publishers, QUOTATION.c.version,
)  # fmt: skip
_NAMES = ", ".join(f"q.{c.name}" for c in _COLUMNS)
# Each (speaker, key) pair looked up in the keys' index by speaker and key, the pairs leading
# (SQLite never reorders a CROSS JOIN; PostgreSQL is given them as two arrays).
_SHARING_SQLITE = (
    "WITH wanted(speaker, key) AS (SELECT json_extract(value, '$[0]'),"
    " json_extract(value, '$[1]') FROM json_each(:pairs))"
    f" SELECT DISTINCT {_NAMES} FROM wanted CROSS JOIN quotation_anchor AS a"
    " ON a.speaker_id = wanted.speaker AND a.anchor = wanted.key"
    " CROSS JOIN quotation AS q ON q.id = a.quotation_id"
)
_SHARING_POSTGRES = (
    f"SELECT DISTINCT {_NAMES} FROM unnest(CAST(:speakers AS text[]), CAST(:keys AS bigint[]))"
    " AS wanted(speaker, key) JOIN quotation_anchor AS a"
    " ON a.speaker_id = wanted.speaker AND a.anchor = wanted.key"
    " JOIN quotation AS q ON q.id = a.quotation_id"
)


# Which (quotation, publisher) pairs have a report: each pair asked on its own, so a
# quotation's reports are walked only until one from that publisher turns up (a quotation
# reported hundreds of times has most publishers among its first reports).
_REPORTED = (
    " SELECT wanted.q, wanted.p FROM wanted WHERE EXISTS (SELECT 1 FROM quote AS x"
    " JOIN article AS a ON a.id = x.article_id"
    " WHERE x.quotation_id = wanted.q AND a.publisher_id = wanted.p)"
)


def _reported(session: Session, pairs: list[tuple[int, str]]) -> sa.Executable:
    """The pairs of (quotation, publisher) in ``pairs`` that have a report."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.text(
            "WITH wanted(q, p) AS (SELECT * FROM unnest(CAST(:quotations AS bigint[]),"
            " CAST(:publishers AS text[])))" + _REPORTED
        ).bindparams(quotations=[q for q, _ in pairs], publishers=[p for _, p in pairs])
    return sa.text(
        "WITH wanted(q, p) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]')"
        " FROM json_each(:pairs))" + _REPORTED
    ).bindparams(pairs=json.dumps(pairs))


def _sharing(session: Session, pairs: list[tuple[str, int]]) -> sa.Executable:
    """The stored quotations of each pair's speaker that have its key."""
    if session.get_bind().dialect.name == "postgresql":
        statement = sa.text(_SHARING_POSTGRES).bindparams(
            speakers=[s for s, _ in pairs], keys=[k for _, k in pairs]
        )
    else:
        statement = sa.text(_SHARING_SQLITE).bindparams(pairs=json.dumps(pairs))
    return statement.columns(*_COLUMNS)


class KnownPublishers:
    """The publishers of stored quotations as a run's own batches left them, by version,
    for the next batches of the run: a quotation an archive reports again and again is
    otherwise asked, each batch, which of its hundreds of reports came from a publisher, all
    walked when none did. A version is given once and bumped by every change of a
    quotation, so one seen at the version remembered has those publishers still; learnt only
    once the batch's transaction has committed."""

    def __init__(self, most: int = 20_000) -> None:
        # The most recently written, within a few MB: a run's memory stays flat.
        self.seen: LRUCache[int, tuple[int, frozenset[str]]] = LRUCache(most)
        # One object for each set of publishers: most quotations have one of a few.
        self.sets: dict[frozenset[str], frozenset[str]] = {}

    def of(self, quotation_id: int, version: int) -> set[str] | None:
        found = self.seen.get(quotation_id)
        return set(found[1]) if found is not None and found[0] == version else None

    def learn(self, known: list[tuple[int, int, frozenset[str]]]) -> None:
        if len(self.sets) > self.seen.maxsize:
            self.sets.clear()
        for quotation_id, version, publishers in known:
            self.seen[quotation_id] = (version, self.sets.setdefault(publishers, publishers))


class QuotationBook:
    """The quotations a batch's reports may join, kept in memory while the batch is grouped."""

    def __init__(
        self, session: Session, next_id: "IdSource", known: KnownPublishers | None = None
    ) -> None:
        self.session = session
        self.next_id = next_id
        self.known = known
        self.held: dict[int, _Held] = {}
        # (speaker, index key) -> the speaker's quotations with that key: a report is only
        # ever compared with its own speaker's.
        self.by_key: dict[tuple[str, int], set[int]] = {}
        # report id -> the quotation it is in
        self.placed: dict[int, int] = {}
        # (source, into): stored quotes moved by a merge, in order
        self.moves: list[tuple[int, int]] = []
        self._words: dict[str, Words] = {}
        self._keys: dict[str, list[int]] = {}
        self._asked: dict[str, list[int]] = {}

    def read(self, reports: Sequence[Report]) -> None:
        """Locks the reports' speakers for grouping (PostgreSQL) and reads every stored
        quotation that shares a key with one of its own speaker's reports: the only ones
        any report may join (another speaker's never)."""
        speakers = sorted({r.speaker_id for r in reports})
        hold_all(self.session, sorted({bucket("quotation", s) for s in speakers}))
        # Enough ids for every report to start a quotation, in one statement (PostgreSQL).
        self.next_id.reserve("quotation", len(reports))
        asked: dict[int, set[str]] = {}
        for report in reports:
            for key in self.asked(report.text):
                asked.setdefault(key, set()).add(report.speaker_id)
        pairs = [(speaker, key) for key in sorted(asked) for speaker in sorted(asked[key])]
        for start in range(0, len(pairs), _CHUNK):
            for row in self.session.execute(_sharing(self.session, pairs[start : start + _CHUNK])):
                if row.id not in self.held:
                    self._hold_stored(row)

    def _hold_stored(self, row: sa.Row[Any]) -> None:
        words = self.words(row.text)
        keys_of = set(self.keys(row.text))
        publishers = self.known.of(row.id, row.version) if self.known is not None else None
        self._hold(
            _Held(
                row.id, row.speaker_id, row.text, row.text_quote_id, row.date,
                row.first_said, row.first_reported, row.reports, row.publishers,
                row.version, words, keys_of, publishers, stored=True,
                stored_keys=frozenset(keys_of),
            )
        )  # fmt: skip

    def learnt(self) -> list[tuple[int, int, frozenset[str]]]:
        """The publishers of every quotation the batch holds whose publishers it knows, at
        the version it leaves them (for ``KnownPublishers``, once committed)."""
        return [
            (h.id, h.version, frozenset(h.publisher_ids))
            for h in self.held.values()
            if not h.gone and h.publisher_ids is not None
        ]

    def words(self, text: str) -> Words:
        found = self._words.get(text)
        if found is None:
            found = self._words[text] = words_of(text)
        return found

    def keys(self, text: str) -> list[int]:
        """The index keys of a text (``anchors``), read once per text."""
        found = self._keys.get(text)
        if found is None:
            found = self._keys[text] = anchors(self.words(text))
        return found

    def asked(self, text: str) -> list[int]:
        """The keys to look a text up by (``query_anchors``), read once per text."""
        found = self._asked.get(text)
        if found is None:
            found = self._asked[text] = query_anchors(self.words(text))
        return found

    def group(self, reports: Sequence[Report], fresh: Iterable[str] = ()) -> None:
        """One article's reports, as ``grouping.group`` groups them (``fresh``: speakers the
        article made)."""
        unwritten = set(fresh)
        starting: list[tuple[Report, Words]] = []
        for report in sorted(reports, key=lambda r: r.id):
            speaker = report.speaker_id
            if speaker in unwritten:
                words = self.words(report.text)
                earlier = [theirs for other, theirs in starting if other.speaker_id == speaker]
                if len(earlier) < FRESH_MOST and not any(
                    same_quotation(words, theirs) is not None for theirs in earlier
                ):
                    starting.append((report, words))
                    continue
                for pending, words_of_pending in starting:
                    if pending.speaker_id == speaker:
                        self._start(pending, words_of_pending)
                starting = [s for s in starting if s[0].speaker_id != speaker]
                unwritten.discard(speaker)
            self._group_one(report)
        for report, words in starting:
            self._start(report, words)

    def _group_one(self, report: Report) -> None:
        words = self.words(report.text)
        matches = self._matches(report, words)
        if not matches:
            self._start(report, words)
            return
        inside = [m for m in matches if len(words) < m[2]]
        if len(inside) > 1:
            self._start(report, words)
            return
        target = inside[0][0] if inside else min(matches, key=lambda m: (-m[1], m[0].id))[0]
        self._attach(target, report, words)
        if not inside:
            for other, score, _ in matches:
                if other.id != target.id and score >= 2.0 and not other.gone:
                    self._merge(other, into=target)

    def _matches(self, report: Report, words: Words) -> list[tuple[_Held, float, int]]:
        speaker_id = report.speaker_id
        keys = self.asked(report.text)
        shared: dict[int, int] = {}
        for key in keys:
            for quotation_id in self.by_key.get((speaker_id, key), ()):
                shared[quotation_id] = shared.get(quotation_id, 0) + 1
        ranked = sorted(shared, key=lambda q: (-shared[q], q))[:CANDIDATES]
        found = []
        for quotation_id in ranked:
            held = self.held[quotation_id]
            score = same_quotation(words, held.words)
            if score is not None:
                found.append((held, score, len(held.words)))
        return found

    def _start(self, report: Report, words: Words) -> None:
        held = _Held(
            self.next_id("quotation"), report.speaker_id, report.text, report.id, report.date,
            report.said_on, report.published_on, 1, 1, 1, words, set(self.keys(report.text)),
            {report.publisher_id}, stored=False, members=[],
        )  # fmt: skip
        self._hold(held)
        held.new_members.append(report)
        self.placed[report.id] = held.id

    def _attach(self, held: _Held, report: Report, words: Words) -> None:
        held.reports += 1
        if held.publisher_ids is not None and report.publisher_id not in held.publisher_ids:
            held.publishers += 1
            held.publisher_ids.add(report.publisher_id)
        held.date = min(held.date, report.date)
        held.first_reported = min(held.first_reported, report.published_on)
        held.version += 1
        if report.said_on is not None:
            said = held.first_said
            held.first_said = report.said_on if said is None else min(said, report.said_on)
        if len(words) > len(held.words):
            self._rekey(held, report.text, words)
            held.text_quote_id = report.id
        held.changed = True
        held.new_members.append(report)
        self.placed[report.id] = held.id

    def _merge(self, source: _Held, *, into: _Held) -> None:
        """Every report of ``source`` joins ``into``; both are then refreshed from their
        reports, and ``source``, left with none, is removed."""
        self._load_members(source)
        self._load_members(into)
        assert source.members is not None and into.members is not None
        if source.stored:
            self.moves.append((source.id, into.id))
        into.members += source.members
        source.members = []
        for report in source.new_members:
            self.placed[report.id] = into.id
        into.new_members += source.new_members
        source.new_members = []
        self._refresh(source)
        self._refresh(into)

    def _load_members(self, held: _Held) -> None:
        if held.members is not None:
            return
        rows = self.session.execute(_report_select().where(QUOTE.c.quotation_id == held.id))
        held.members = [Report(*row) for row in rows]

    def _refresh(self, held: _Held) -> None:
        assert held.members is not None
        reports = held.members + held.new_members
        if not reports:
            held.gone = held.changed = True
            for key in held.keys:
                self.by_key[held.speaker_id, key].discard(held.id)
            return
        fullest = min(reports, key=lambda r: (-len(self.words(r.text)), r.id))
        if fullest.text != held.text:
            self._rekey(held, fullest.text, self.words(fullest.text))
        said = [r.said_on for r in reports if r.said_on is not None]
        held.text_quote_id = fullest.id
        held.date = min(r.date for r in reports)
        held.first_said = min(said) if said else None
        held.first_reported = min(r.published_on for r in reports)
        held.reports = len(reports)
        held.publisher_ids = {r.publisher_id for r in reports}
        held.publishers = len(held.publisher_ids)
        held.version += 1
        held.changed = True

    def _rekey(self, held: _Held, text: str, words: Words) -> None:
        for key in held.keys:
            self.by_key[held.speaker_id, key].discard(held.id)
        held.text, held.words, held.keys = text, words, set(self.keys(text))
        for key in held.keys:
            self.by_key.setdefault((held.speaker_id, key), set()).add(held.id)

    def _count_publishers(self) -> None:
        """Counts in the publishers new to each stored quotation the batch joined: which of
        its new reports' publishers it had already, read in one statement for them all."""
        joined = {
            h.id: {r.publisher_id for r in h.new_members}
            for h in self.held.values()
            if h.stored and h.publisher_ids is None and h.new_members
        }
        if not joined:
            return
        pairs = sorted((q, p) for q, publishers in joined.items() for p in publishers)
        had: dict[int, set[str]] = {q: set() for q in joined}
        for start in range(0, len(pairs), _CHUNK):
            rows = self.session.execute(_reported(self.session, pairs[start : start + _CHUNK]))
            for quotation_id, publisher_id in rows:
                had[quotation_id].add(publisher_id)
        for quotation_id, publishers in joined.items():
            self.held[quotation_id].publishers += len(publishers - had[quotation_id])

    def _hold(self, held: _Held) -> None:
        self.held[held.id] = held
        for key in held.keys:
            self.by_key.setdefault((held.speaker_id, key), set()).add(held.id)

    def write_new(self) -> None:
        """Inserts the quotations the batch started and their keys: before the quotes that
        are in them. (The stored quotations' publishers are counted first, while the store
        holds none of the batch's quotes.)"""
        self._count_publishers()
        started = [h for h in self.held.values() if not h.stored and not h.gone]
        if not started:
            return
        insert_rows(self.session, QUOTATION, [_values(h) | {"id": h.id} for h in started])
        rows = [
            {"anchor": k, "quotation_id": h.id, "speaker_id": h.speaker_id}
            for h in started
            for k in sorted(h.keys)
        ]
        if rows:
            insert_rows(self.session, ANCHOR, rows)

    def write_changes(self) -> None:
        """Updates the stored quotations the batch joined, merged or emptied."""
        for source, into in self.moves:
            self.session.execute(
                sa.update(QUOTE).where(QUOTE.c.quotation_id == source).values(quotation_id=into)
            )
        stored = [h for h in self.held.values() if h.stored and h.changed]
        self._write_anchors(stored)
        gone = [h.id for h in stored if h.gone]
        if gone:
            self.session.execute(sa.delete(QUOTATION).where(QUOTATION.c.id.in_(gone)))
        kept = [h for h in stored if not h.gone]
        if kept:
            self.session.execute(
                sa.update(QUOTATION)
                .where(QUOTATION.c.id == sa.bindparam("quotation"))
                .values({name: sa.bindparam(f"new_{name}") for name in _FIGURES}),
                [
                    {"quotation": h.id} | {f"new_{k}": v for k, v in _values(h).items()}
                    for h in kept
                ],
            )

    def _write_anchors(self, stored: list[_Held]) -> None:
        """The keys stored quotations lost (all of them, for one emptied) and gained."""
        dropped = [
            {"key": k, "quotation": h.id}
            for h in stored
            for k in sorted(h.stored_keys - (set() if h.gone else h.keys))
        ]
        if dropped:
            self.session.execute(
                sa.delete(ANCHOR).where(
                    ANCHOR.c.anchor == sa.bindparam("key"),
                    ANCHOR.c.quotation_id == sa.bindparam("quotation"),
                ),
                dropped,
            )
        added = [
            {"anchor": k, "quotation_id": h.id, "speaker_id": h.speaker_id}
            for h in stored
            if not h.gone
            for k in sorted(h.keys - h.stored_keys)
        ]
        if added:
            insert_rows(self.session, ANCHOR, added)


_FIGURES = (
    "speaker_id", "text", "text_quote_id", "date", "first_said", "first_reported", "reports",
    "publishers", "version",
)  # fmt: skip


def _values(held: _Held) -> dict[str, object]:
    return {
        "speaker_id": held.speaker_id,
        "text": held.text,
        "text_quote_id": held.text_quote_id,
        "date": held.date,
        "first_said": held.first_said,
        "first_reported": held.first_reported,
        "reports": held.reports,
        "publishers": held.publishers,
        "version": held.version,
    }


class IdSource:
    """New row ids for a batch, given out in order. SQLite: after the largest the table has
    had (its writer holds the store's write lock, so no one else takes one meanwhile);
    PostgreSQL: from the table's sequence, a block at a time."""

    _TABLES = ("article", "quote", "quotation")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self.pool: dict[str, list[int]] = {t: [] for t in self._TABLES}
        self.last: dict[str, int] = {}
        if not self.postgres:
            parts = ", ".join(
                f"(SELECT max(coalesce((SELECT max(id) FROM {t}), 0), coalesce((SELECT seq"
                f" FROM sqlite_sequence WHERE name = '{t}'), 0)))"
                for t in self._TABLES
            )
            row = session.execute(sa.text(f"SELECT {parts}")).one()
            self.last = dict(zip(self._TABLES, (int(v) for v in row), strict=True))

    def __call__(self, table: str) -> int:
        if not self.postgres:
            self.last[table] += 1
            return self.last[table]
        if not self.pool[table]:
            self.reserve(table, 256)
        return self.pool[table].pop(0)

    def reserve(self, table: str, count: int) -> None:
        """Takes ``count`` ids of ``table``'s sequence at once (PostgreSQL)."""
        if not self.postgres or count <= 0:
            return
        ids = self.session.execute(
            sa.text(f"SELECT nextval('{table}_id_seq') FROM generate_series(1, :n)"),
            {"n": count},
        ).scalars()
        self.pool[table] += sorted(int(i) for i in ids)
