"""The one writer of articles: a batch of read articles stored in a handful of statements per
table, whatever the batch's size (one article from the API, hundreds from an archive).

Every name of the batch is looked up in one statement (speakers and outlets), speakers and
outlets are linked in memory and the new ones inserted together, reports are grouped into
quotations in memory against the stored quotations their speakers could join (read in one
statement), and articles, quotations, index keys and quotes are inserted set-based with ids
given out here. The outcome is the one the article-by-article path gives (the tests hold the
two side by side). An article that cannot be stored (an ambiguous outlet name, say) is refused
before anything is written, alone; the others go in. The caller owns the transaction."""

import datetime as dt
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from app.articles.store import ARTICLE, content_hash, insert_articles
from app.extract import Attribution
from app.ingest.reading import Read, read_quotations
from app.models import Article
from app.models.public import ArticleIn
from app.outlets.store import OutletBook
from app.quotations.batch import IdSource, KnownPublishers, QuotationBook, Report
from app.quotes.store import QUOTE, extracted_row, insert_numbered, number
from app.speakers.linking import SpeakerBook, link_article
from app.writes import bucket, hold_all, one_of, utcnow

_CHUNK = 500


@dataclass(frozen=True)
class Submitted:
    """An article as the API and the command line validate it, read or not yet."""

    title: str
    publisher: str
    published_on: dt.date | None
    text: str
    url: str | None = None
    byline: str | None = None
    read: Read | None = None
    api_key_id: int | None = None

    def own_read(self) -> Read | None:
        """What was read of this very text beforehand (by the extraction workers), if so."""
        return self.read if self.read is not None and self.read.text == self.text else None

    @classmethod
    def of(
        cls, article: ArticleIn, read: Read | None, api_key_id: int | None = None
    ) -> "Submitted":
        """An article as the API and the command line validate it, its fields tidied."""
        return cls(
            title=article.title.strip(),
            publisher=article.publisher,
            published_on=article.published_on,
            text=article.text,
            url=str(article.url) if article.url else None,
            byline=" ".join(article.byline.split()) or None if article.byline else None,
            read=read,
            api_key_id=api_key_id,
        )


@dataclass(frozen=True)
class Written:
    article: Article
    created: bool
    quotes: int
    unattributed: int


@dataclass(frozen=True)
class Refused:
    field: str
    message: str


def write_articles(
    session: Session, batch: Sequence[Submitted], known: KnownPublishers | None = None
) -> list[Written | Refused]:
    """Stores every article of ``batch`` not stored yet (the same text, up to line ends,
    spaces and Unicode form, is stored once), with its quotations; what became of each.
    ``known``: the publishers of quotations, kept by a run from one batch to the next."""
    with _collector_paused(), _planned_each_time(session):
        return _write(session, batch, known)


@contextmanager
def _planned_each_time(session: Session) -> Iterator[None]:
    """On PostgreSQL, none of the writer's statements is prepared on the server. The batch
    looks its names up with arrays of hundreds of values; a statement run often is prepared,
    and PostgreSQL soon plans it once for any array, then compares each row with every
    value in turn: fifty times slower than planning it for the array it is given, which it
    can hash. (Forcing that on the whole transaction with ``plan_cache_mode`` would replan
    the foreign-key checks of every row copied in as well: twice the time for the quotes.)"""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    raw: Any = session.connection().connection.dbapi_connection
    threshold = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = threshold


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector, which walks every live object each time enough new ones
    pile up, paused while a batch is built: a batch makes hundreds of thousands of small
    objects, freed by their reference counts, and the walks cost a fifth of the write."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


# An article of the batch made new: its place in the batch, the row, its quote rows, and the
# speakers its linking made.
_New = tuple[int, Article, list[dict[str, Any]], set[str]]


def _write(
    session: Session, batch: Sequence[Submitted], known: KnownPublishers | None
) -> list[Written | Refused]:
    outcome: list[Written | Refused | None] = [None] * len(batch)
    hashes = _hashes(batch, outcome)
    # Two writers with one new text store it once: the second waits for the first's commit.
    hold_all(session, sorted({bucket("article", h) for h in hashes if h}))
    stored = _stored_articles(session, sorted({h for h in hashes if h}))
    reads = _reads(batch, hashes, stored)
    attributed = {
        n: [a for a in read.attributions if a.speaker is not None] for n, read in reads.items()
    }
    outlets, speakers, ids = _books(session, batch, attributed)
    articles = _made(batch, hashes, stored, reads, attributed, (outlets, speakers, ids), outcome)
    quotations = _grouped(session, ids, articles, known)
    # Writes, parents before children.
    outlets.write(session)
    insert_articles(session, [a for _, a, _, _ in articles])
    speakers.write(session)
    quotations.write_new()
    insert_numbered(session, [row for _, _, found, _ in articles for row in found])
    quotations.write_changes()
    if known is not None:
        learnt = quotations.learnt()
        sa.event.listen(session, "after_commit", lambda _: known.learn(learnt), once=True)
    assert all(o is not None for o in outcome)
    return [o for o in outcome if o is not None]


def _books(
    session: Session, batch: Sequence[Submitted], attributed: dict[int, list[Attribution]]
) -> tuple[OutletBook, SpeakerBook, IdSource]:
    """The batch's outlets and speakers, each looked up once for all of it, and its ids."""
    outlets = OutletBook(
        session,
        [batch[n].publisher for n in attributed]
        + [name for found in attributed.values() for a in found for name in _outlet_names(a)],
    )
    speakers = SpeakerBook(
        session, [a.speaker for found in attributed.values() for a in found if a.speaker]
    )
    ids = IdSource(session)
    ids.reserve("article", len(attributed))
    ids.reserve("quote", sum(len(a.quotations) for found in attributed.values() for a in found))
    return outlets, speakers, ids


def _made(
    batch: Sequence[Submitted],
    hashes: list[str | None],
    stored: dict[str, tuple[int, int]],
    reads: dict[int, Read],
    attributed: dict[int, list[Attribution]],
    books: tuple[OutletBook, SpeakerBook, IdSource],
    outcome: list[Written | Refused | None],
) -> list[_New]:
    """First pass: what each article is, in order, so later articles see earlier ones' names;
    each one's outcome goes in ``outcome``."""
    outlets, speakers, ids = books
    articles: list[_New] = []
    first: dict[str, tuple[int, int]] = {}  # hash -> (article id, quotes) of this batch
    for n, item in enumerate(batch):
        text_hash = hashes[n]
        if text_hash is None:
            continue
        known = stored.get(text_hash) or first.get(text_hash)
        if known is not None:
            article_id, count = known
            outcome[n] = Written(_known_article(article_id, item, text_hash), False, count, 0)
            continue
        problem = outlets.problem(item.publisher, attributed[n])
        if problem is not None:
            outcome[n] = Refused(problem.field, str(problem))
            continue
        new = _new_article(n, item, text_hash, reads[n], attributed[n], outlets, speakers, ids)
        articles.append(new)
        first[text_hash] = (int(new[1].id or 0), len(new[2]))
        unattributed = len(reads[n].attributions) - len(attributed[n])
        outcome[n] = Written(new[1], True, len(new[2]), unattributed)
    return articles


def _hashes(
    batch: Sequence[Submitted], outcome: list[Written | Refused | None]
) -> list[str | None]:
    """Each article's content hash; an empty text has none, and is refused in ``outcome``."""
    hashes: list[str | None] = []
    for n, item in enumerate(batch):
        read = item.own_read()
        if not item.text.strip():
            outcome[n] = Refused("text", "the article text is empty")
            hashes.append(None)
        elif read is not None and read.text_hash is not None:
            hashes.append(read.text_hash)  # worked out by the reader (another process)
        else:
            hashes.append(content_hash(item.text))
    return hashes


def _reads(
    batch: Sequence[Submitted], hashes: list[str | None], stored: dict[str, tuple[int, int]]
) -> dict[int, Read]:
    """What each article not stored yet says, by its place in the batch: read already by the
    extraction workers when they read this very text, else here."""
    reads: dict[int, Read] = {}
    for n, item in enumerate(batch):
        if hashes[n] is None or hashes[n] in stored:
            continue
        read = item.own_read()
        reads[n] = read if read is not None else read_quotations(item.text, item.published_on)
    return reads


def _new_article(
    n: int,
    item: Submitted,
    text_hash: str,
    read: Read,
    attributed: list[Attribution],
    outlets: OutletBook,
    speakers: SpeakerBook,
    ids: IdSource,
) -> _New:
    """The article's row and its quote rows, its speakers linked."""
    article = _article(item, ids("article"), outlets.outlet_for(item.publisher), read, text_hash)
    assert article.id is not None
    created: set[str] = set()
    linked = link_article(
        speakers, (a.speaker for a in attributed if a.speaker), article.id, created
    )
    return n, article, _rows(article, attributed, linked, outlets, ids), created


def _grouped(
    session: Session, ids: IdSource, articles: list[_New], known: KnownPublishers | None
) -> "QuotationBook":
    """Second pass: each new quote joins its quotation, found among those its speaker has (a
    speaker made by this batch has none stored); the rows are told which."""
    quotations = QuotationBook(session, ids, known)
    reports = {
        id(rows): [_report(row, article) for row in rows] for _, article, rows, _ in articles
    }
    quotations.read([r for found in reports.values() for r in found])
    for _, _, rows, created in articles:
        quotations.group(reports[id(rows)], fresh=created)
    for _, _, rows, _ in articles:
        for row in rows:
            row["quotation_id"] = quotations.placed[row["id"]]
    return quotations


def _stored_articles(session: Session, hashes: list[str]) -> dict[str, tuple[int, int]]:
    """hash -> (id, quotes) of the articles the store has with these texts."""
    found: dict[str, tuple[int, int]] = {}
    for start in range(0, len(hashes), _CHUNK):
        rows = session.execute(
            sa.select(ARTICLE.c.content_hash, ARTICLE.c.id, sa.func.count(QUOTE.c.id))
            .outerjoin(QUOTE, QUOTE.c.article_id == ARTICLE.c.id)
            .where(one_of(session, ARTICLE.c.content_hash, hashes[start : start + _CHUNK]))
            .group_by(ARTICLE.c.content_hash, ARTICLE.c.id)
        )
        found.update({h: (int(i), int(c)) for h, i, c in rows})
    return found


def _known_article(article_id: int, item: Submitted, text_hash: str) -> Article:
    return Article(
        id=article_id,
        title=item.title,
        publisher_id="",
        text=item.text,
        content_hash=text_hash,
        created_at=utcnow(),
    )


def _article(
    item: Submitted, article_id: int, publisher_id: str, read: Read, text_hash: str
) -> Article:
    return Article(
        id=article_id,
        title=item.title,
        publisher_id=publisher_id,
        published_on=item.published_on,
        url=item.url,
        byline=item.byline,
        language=read.language,
        text=item.text,
        content_hash=text_hash,
        created_at=utcnow(),
        api_key_id=item.api_key_id,
    )


def _rows(
    article: Article,
    attributions: list[Attribution],
    linked: dict[int, str],
    outlets: OutletBook,
    ids: IdSource,
) -> list[dict[str, Any]]:
    """The article's quote rows, with ids given in the order the article-by-article writer
    gives them (a quote that continues another after it)."""
    rows: list[dict[str, Any]] = []
    parents: list[int | None] = []
    for attribution in attributions:
        assert attribution.speaker is not None
        outlet_id = outlets.given_to(attribution)
        index: dict[int, int] = {}
        for quotation in attribution.quotations:
            index[id(quotation)] = len(rows)
            parents.append(index.get(id(quotation.continues)) if quotation.continues else None)
            speaker_id = linked[id(attribution.speaker)]
            rows.append(extracted_row(article, attribution, quotation, speaker_id, outlet_id))
    number(rows, parents, ids)
    return sorted(rows, key=lambda r: int(r["id"]))


def _report(row: dict[str, Any], article: Article) -> Report:
    return Report(
        row["id"],
        row["speaker_id"],
        row["text"],
        row["date"],
        row["said_on"],
        article.published_on or row["date"],
        article.publisher_id,
    )


def _outlet_names(attribution: Attribution) -> list[str]:
    return [n for n in (attribution.outlet, attribution.audience) if n]
