"""Many articles in: read and attributed in worker processes, stored by one writer in batches.

The slow part of taking an article is reading it (the page's main text, then the quotations),
and that needs no store, so ``--jobs N`` processes do it side by side while this process writes.
A bounded window of work is in flight at any time, so memory stays flat however long the
archive. The writer (``app.ingest.writer``) stores a batch of articles per transaction in a
handful of statements; an article it cannot store is refused before anything of it is
written, so it fails alone.

Resuming is free: a text already stored is skipped, by the worker before it is read when the
store already has it, or by the writer, which holds a lock on the text's hash on PostgreSQL so
that ingesters on several machines never store one text twice.
"""

import itertools
import logging
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from app.articles.store import content_hash
from app.config import Settings
from app.db import make_engine, past_budget, session_scope
from app.ingest.files import ArticleFileError, Defaults, Source, article_fields
from app.ingest.reading import Bounds, Read, TooMuch, read_quotations
from app.ingest.writer import Refused, Submitted, write_articles
from app.models.public import ArticleIn
from app.quotations.batch import KnownPublishers
from app.writes import InvalidField

log = logging.getLogger("saidwho.ingest")
# Articles sent to a worker at once: fewer round trips between processes.
CHUNK = 8
# Chunks in flight per worker: enough to keep every worker busy while the writer commits.
AHEAD = 4
# How much the reading processes yield to the writer (added to their niceness). The one
# writer is the run's serial stage: on a machine with fewer cores than processes, readers on
# an equal footing take its core from it and then wait, with a core idle, for it to catch
# up. Behind it they use what it leaves (on 2 cores, --jobs 2 stored 5-9% more a second).
READERS_YIELD = 10


@dataclass(frozen=True)
class Prepared:
    where: str
    article: ArticleIn
    read: Read


@dataclass(frozen=True)
class Skipped:
    where: str
    article_id: int


@dataclass(frozen=True)
class Failed:
    where: str
    reason: str


Outcome = Prepared | Skipped | Failed


@dataclass(frozen=True)
class Stored:
    where: str
    article_id: int
    quotes: int
    unattributed: int


@dataclass
class Tally:
    """What a run did, for its summary."""

    stored: int = 0
    skipped: int = 0
    failed: int = 0
    quotes: int = 0
    unattributed: int = 0
    # Failures by reason, the article's place left out; and the first few in full.
    reasons: Counter[str] = field(default_factory=Counter)
    examples: list[Failed] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def done(self) -> int:
        return self.stored + self.skipped + self.failed


Report = Callable[[Stored | Skipped | Failed, Tally], None]


_EXAMPLES = 10
_TOO_LONG = "storing it took longer than the write budget (SAIDWHO_WRITE_BUDGET_MS)"


def _reason_kind(failed: Failed) -> str:
    """ "archive.jsonl:3: published_on: Field required" -> "published_on: Field required"."""
    return failed.reason.removeprefix(f"{failed.where}: ")[:120]


# Worker side ---------------------------------------------------------------------------------

_state: dict[str, Any] = {}


def _start_worker(settings: Settings, defaults: Defaults, bounds: Bounds | None) -> None:
    _state.update(settings=settings, defaults=defaults, bounds=bounds, engine=None)


def _start_worker_process(settings: Settings, defaults: Defaults, bounds: Bounds | None) -> None:
    _start_worker(settings, defaults, bounds)
    if hasattr(os, "nice"):  # not on Windows
        os.nice(READERS_YIELD)
    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()


def _end_with_parent(parent: int) -> None:
    """A worker whose ingest was killed (kill -9, the OOM killer) ends too, rather than wait
    for work forever holding the terminal's output open."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _stored_id(text_hash: str) -> int | None:
    """The id of the article with this text (its ``content_hash``) if the store has it: a
    resumed run does not read again what an earlier run stored."""
    if _state["engine"] is None:
        _state["engine"] = make_engine(_state["settings"], read_only=True)
    with _state["engine"].connect() as connection:
        found = connection.execute(
            sa.text("SELECT id FROM article WHERE content_hash = :hash"),
            {"hash": text_hash},
        ).scalar()
    return int(found) if found is not None else None


def prepare(source: Source) -> Outcome:
    """One article read and attributed, or why not, skipped when the store has its text
    already; never raises for a bad article."""
    return read_source(source, _state["defaults"], _state["bounds"], stored=_stored_id)


def read_source(
    source: Source,
    defaults: Defaults,
    bounds: Bounds | None,
    stored: Callable[[str], int | None] | None = None,
) -> Outcome:
    """One article read and attributed, or why not; never raises for a bad article. With
    ``stored``, a text the store has (its id, or None, by the text's hash) is skipped before
    it is read."""
    try:
        article = article_fields(source, defaults)
        text_hash = None
        if stored is not None:
            text_hash = content_hash(article.text)
            known = stored(text_hash)
            if known is not None:
                return Skipped(source.where, known)
        read = read_quotations(article.text, article.published_on, bounds)
        return Prepared(source.where, article, replace(read, text_hash=text_hash))
    except ArticleFileError as error:
        return Failed(source.where, str(error))
    except (InvalidField, TooMuch) as error:
        field_name = getattr(error, "field", None) or getattr(error, "what", "text")
        return Failed(source.where, f"{source.where}: {field_name}: {error}")
    except Exception as error:  # noqa: BLE001 - one article the reader trips on is one failure
        log.exception("reading %s failed", source.where)
        return Failed(source.where, f"{source.where}: could not be read ({type(error).__name__})")


def _prepare_chunk(chunk: list[Source]) -> list[Outcome]:
    return [prepare(source) for source in chunk]


# Writer side ---------------------------------------------------------------------------------


def run(
    settings: Settings,
    found: Iterable[Source],
    *,
    defaults: Defaults,
    jobs: int = 1,
    batch: int = 200,
    bounds: Bounds | None = None,
    report: Report | None = None,
) -> Tally:
    """Stores every article of ``found``; ``jobs`` processes read them (1: this one)."""
    return store_all(
        settings,
        _prepared(settings, found, defaults, bounds, jobs, ahead=batch),
        batch=batch,
        report=report,
    )


def store_all(
    settings: Settings,
    outcomes: Iterable[Outcome],
    *,
    batch: int = 200,
    report: Report | None = None,
) -> Tally:
    """Stores every article read in ``outcomes``, ``batch`` to a transaction, counting the
    rest (skipped, failed)."""
    tally = Tally()
    engine = make_engine(settings)
    known = KnownPublishers()  # the run's own quotations' publishers, batch to batch
    try:
        pending: list[Prepared] = []
        for outcome in outcomes:
            if isinstance(outcome, Prepared):
                pending.append(outcome)
                if len(pending) >= batch:
                    _store(engine, pending, tally, report, known)
                    pending = []
            else:
                _count(outcome, tally, report)
        if pending:
            _store(engine, pending, tally, report, known)
    finally:
        engine.dispose()
        reader = _state.get("engine")  # this process's own, with --jobs 1
        if reader is not None:
            reader.dispose()
        _state.clear()
    return tally


def _prepared(
    settings: Settings,
    found: Iterable[Source],
    defaults: Defaults,
    bounds: Bounds | None,
    jobs: int,
    ahead: int = 0,
) -> Iterator[Outcome]:
    """Every source read, in order; by ``jobs`` worker processes with a bounded window, at
    least ``ahead`` articles wide: while the writer stores a batch, the workers read the
    next one rather than wait."""
    if jobs <= 1:
        _start_worker(settings, defaults, bounds)
        for source in found:
            yield prepare(source)
        return
    chunks = _chunks(found, CHUNK)
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=_start_worker_process, initargs=(settings, defaults, bounds)
    ) as pool:
        window: deque[Future[list[Outcome]]] = deque()
        for chunk in itertools.islice(chunks, max(jobs * AHEAD, -(-ahead // CHUNK) + jobs)):
            window.append(pool.submit(_prepare_chunk, chunk))
        while window:
            outcomes = window.popleft().result()
            following = next(chunks, None)
            if following is not None:
                window.append(pool.submit(_prepare_chunk, following))
            yield from outcomes


def _chunks(found: Iterable[Source], size: int) -> Iterator[list[Source]]:
    iterator = iter(found)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _store(
    engine: sa.Engine,
    batch: list[Prepared],
    tally: Tally,
    report: Report | None,
    known: KnownPublishers | None = None,
) -> None:
    """The batch in one transaction by the set-based writer (an article it refuses fails
    alone). On PostgreSQL another writer may lock the same speakers in the other order, or
    make the same new speaker first: the batch is then stored again one article per
    transaction, each seeing the other's rows."""
    for outcome in _stored_or_split(engine, batch, known):
        _count(outcome, tally, report)


def _stored_or_split(
    engine: sa.Engine, batch: list[Prepared], known: KnownPublishers | None = None
) -> list[Stored | Skipped | Failed]:
    """The batch written in one transaction. A transaction may hold the store's write lock
    for the write budget at most: a batch past it (a slow or busy machine) is stored again
    in halves, and an article past it alone fails alone, so the run goes on."""
    try:
        with session_scope(engine) as session:
            return _write(session, batch, known)
    except (OperationalError, IntegrityError) as error:
        if isinstance(error, OperationalError) and past_budget(error):
            if len(batch) == 1:
                (prepared,) = batch
                return [Failed(prepared.where, f"{prepared.where}: {_TOO_LONG}")]
            half = len(batch) // 2
            return _stored_or_split(engine, batch[:half], known) + _stored_or_split(
                engine, batch[half:], known
            )
        if isinstance(error, OperationalError) and getattr(error.orig, "sqlstate", None) not in {
            "40P01",
            "40001",
        }:
            raise
    outcomes: list[Stored | Skipped | Failed] = []
    for prepared in batch:
        with session_scope(engine) as session:
            outcomes += _write(session, [prepared], known)
    return outcomes


def _write(
    session: Session, batch: list[Prepared], known: KnownPublishers | None = None
) -> list[Stored | Skipped | Failed]:
    written = write_articles(session, [Submitted.of(p.article, p.read) for p in batch], known)
    outcomes: list[Stored | Skipped | Failed] = []
    for prepared, result in zip(batch, written, strict=True):
        if isinstance(result, Refused):
            outcomes.append(
                Failed(prepared.where, f"{prepared.where}: {result.field}: {result.message}")
            )
        elif not result.created:
            assert result.article.id is not None
            outcomes.append(Skipped(prepared.where, result.article.id))
        else:
            assert result.article.id is not None
            outcomes.append(
                Stored(prepared.where, result.article.id, result.quotes, result.unattributed)
            )
    return outcomes


def store_one(session: Session, prepared: Prepared) -> Stored | Skipped | Failed:
    """One article read beforehand, stored in the caller's transaction (or refused alone)."""
    (outcome,) = _write(session, [prepared])
    return outcome


def _count(outcome: Stored | Skipped | Failed, tally: Tally, report: Report | None) -> None:
    if isinstance(outcome, Stored):
        tally.stored += 1
        tally.quotes += outcome.quotes
        tally.unattributed += outcome.unattributed
    elif isinstance(outcome, Skipped):
        tally.skipped += 1
    else:
        tally.failed += 1
        tally.reasons[_reason_kind(outcome)] += 1
        if len(tally.examples) < _EXAMPLES:
            tally.examples.append(outcome)
    if report is not None:
        report(outcome, tally)
