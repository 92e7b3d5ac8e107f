"""Writes to the store. Callers own the transaction: every function here only adds to a session,
so a whole article and its quotes land together or not at all."""

import datetime as dt
import hashlib
import json
import re
import unicodedata
import zlib
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import insert
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, select

from app.models import Article, Outlet, Quote, Speaker, SpeakerAlias
from app.models.tables import core_table
from app.names import name_key


class InvalidField(ValueError):
    """A write cannot be stored as given; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


_MAX_ID = 100
_BLANKS = re.compile(r"[ \t\u00a0]+")


def normalized_text(text: str) -> str:
    """The text as a reader sees it: Unicode NFC, one kind of line end, no runs of spaces, no
    blank lines, so a copy with CRLF line ends or a trailing space is the same article."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = (_BLANKS.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def content_hash(text: str) -> str:
    """The identity of an article's text (migration 0005 holds a copy of this rule)."""
    return hashlib.sha256(normalized_text(text).encode("utf-8")).hexdigest()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hold_name(session: Session, kind: str, id: str) -> None:
    """On PostgreSQL, holds a lock on one speaker or outlet id until the transaction ends, taken
    before looking the row up: two writers that both meet a new name ("Mayor Marta Ruiz" in two
    articles posted at once) then create it once, the second finding the first's row, instead
    of one failing on the duplicate. SQLite has one writer at a time already."""
    hold(session, f"{kind}:{id}")


def _others_write(session: Session) -> bool:
    """Whether other writers' commits can land while this transaction runs (PostgreSQL)."""
    return session.get_bind().dialect.name == "postgresql"


def hold(session: Session, name: str) -> None:
    """On PostgreSQL, a lock on ``name`` held until the transaction ends (an advisory lock on
    its 64-bit hash); nothing on SQLite, whose writers take turns already."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    session.execute(
        sa.select(sa.func.pg_advisory_xact_lock(int.from_bytes(digest, "big", signed=True)))
    )


def bucket(kind: str, name: str, buckets: int = 1024) -> str:
    """The lock that stands for ``name`` among ``kind``'s: names share a thousand locks, so a
    batch that meets thousands of names holds at most that many (PostgreSQL's lock table is
    a few thousand slots), at the cost of two writers sometimes waiting for another name."""
    return f"{kind}#{zlib.crc32(name.encode()) % buckets}"


def hold_all(session: Session, names: list[str]) -> None:
    """``hold`` for many names in one statement, taken in the order given (callers sort
    them, as ``hold`` callers take theirs, so that two writers never wait on each other)."""
    if not names or session.get_bind().dialect.name != "postgresql":
        return
    keys = [
        int.from_bytes(hashlib.blake2b(n.encode(), digest_size=8).digest(), "big", signed=True)
        for n in names
    ]
    session.execute(
        sa.text(
            "SELECT count(pg_advisory_xact_lock(k)) FROM"
            " (SELECT k FROM unnest(CAST(:keys AS bigint[])) WITH ORDINALITY AS t(k, n)"
            " ORDER BY n) AS ordered"
        ),
        {"keys": keys},
    )


def one_of(
    session: Session, column: sa.ColumnElement[Any], values: Iterable[Any]
) -> sa.ColumnElement[bool]:
    """``column IN values`` for a long list: on PostgreSQL one array parameter (``= ANY``),
    which it hashes or looks up by index, where a list of hundreds of parameters is
    compared with each row one by one."""
    if session.get_bind().dialect.name == "postgresql":
        # Text, not the column's VARCHAR: PostgreSQL compares varchar as text, and would
        # convert a varchar[] parameter to text[] again for every row.
        stored = getattr(column.type, "impl", column.type)  # SQLModel's string decorates one
        kind = sa.Text() if isinstance(stored, sa.String) else column.type
        array = sa.bindparam(None, list(values), type_=postgresql.ARRAY(kind))
        return column == sa.any_(array)
    return column.in_(list(values))


def pair_of(
    session: Session,
    columns: tuple[sa.ColumnElement[Any], sa.ColumnElement[Any]],
    pairs: Iterable[tuple[Any, Any]],
) -> sa.ColumnElement[bool]:
    """``(a, b) IN pairs`` for thousands of pairs in one parameter or two: a JSON array
    on SQLite (``json_each``), two arrays on PostgreSQL (``unnest``)."""
    pairs = list(pairs)
    if session.get_bind().dialect.name == "postgresql":
        kinds = [
            sa.Text() if isinstance(getattr(c.type, "impl", c.type), sa.String) else c.type
            for c in columns
        ]
        arrays = [
            sa.bindparam(None, [p[n] for p in pairs], type_=postgresql.ARRAY(kind))
            for n, kind in enumerate(kinds)
        ]
        zipped = sa.func.unnest(*arrays).table_valued("a", "b").render_derived()
        return sa.tuple_(*columns).in_(sa.select(zipped.c.a, zipped.c.b))
    each = sa.func.json_each(sa.bindparam(None, json.dumps(pairs))).table_valued("value")
    return sa.tuple_(*columns).in_(
        sa.select(
            sa.func.json_extract(each.c.value, "$[0]"), sa.func.json_extract(each.c.value, "$[1]")
        )
    )


# COPY statements sent by ``insert_rows`` (PostgreSQL), which SQLAlchemy's statement events do
# not see: benches and tests add them to what they count.
copies = [0]


def insert_rows(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Many new rows of one table (their columns' Python values, the same keys in the same
    order in each) in one statement, without SQLAlchemy's per-row work: ``COPY`` on
    PostgreSQL, one prepared ``executemany`` on SQLite with the values as SQLAlchemy would
    store them."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        import psycopg  # installed wherever the store is PostgreSQL

        raw: Any = connection.connection.dbapi_connection
        statement = f"COPY {table.name} ({names}) FROM STDIN"
        try:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
        except psycopg.IntegrityError as error:  # as SQLAlchemy raises it for its own
            raise sa.exc.IntegrityError(statement, None, error) from error
        except psycopg.OperationalError as error:
            raise sa.exc.OperationalError(statement, None, error) from error
        except psycopg.Error as error:
            raise sa.exc.DBAPIError(statement, None, error) from error
        copies[0] += 1
        return
    marks = ", ".join("?" for _ in columns)
    converted = []
    for n, column in enumerate(columns):
        convert = _SQLITE_STORES.get(_python_type(table.c[column]))
        if convert is not None:
            converted.append((n, convert))
    values: list[tuple[Any, ...]] = [tuple(row.values()) for row in rows]
    if converted:
        changed = []
        for value in values:
            items = list(value)
            for n, convert in converted:
                if items[n] is not None:
                    items[n] = convert(items[n])
            changed.append(tuple(items))
        values = changed
    connection.exec_driver_sql(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", values)


def _python_type(column: sa.ColumnElement[Any]) -> type | None:
    try:
        found: type = column.type.python_type
    except NotImplementedError:
        return None
    return found


# How SQLAlchemy writes a value to SQLite: dates and UTC times as text, flags as 0/1.
_SQLITE_STORES: dict[type | None, Any] = {
    dt.datetime: lambda v: v.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
    dt.date: lambda v: v.isoformat(),
    bool: int,
}


_ALIAS_KEYS = sa.select(SpeakerAlias.key).where(  # type: ignore[call-overload]
    SpeakerAlias.speaker_id == sa.bindparam("speaker_id")
)


def ensure_speaker(
    *,
    session: Session,
    id: str,
    name: str,
    kind: str,
    role: str | None = None,
    affiliation: str | None = None,
    aliases: Iterable[str] = (),
    learnt_from: int | None = None,
    created: set[str] | None = None,
    absent: bool = False,
) -> Speaker:
    """The speaker with this id, created if missing (its id then added to ``created``),
    answering to every given name; ``learnt_from`` is the article extraction read them in.
    ``absent``: the caller has just looked and found no speaker with this id."""
    hold_name(session, "speaker", id)
    # On PostgreSQL another writer may have made it while this one waited for the lock; on
    # SQLite the session's own copy is the store's (one writer at a time).
    # ``absent``: the caller has just seen no such row; with one writer, none has come since.
    others = _others_write(session)
    speaker = None if absent and not others else session.get(Speaker, id, populate_existing=others)
    known: set[str] = set()  # a speaker made here has no aliases yet
    if speaker is None:
        speaker = Speaker(id=id, name=name, kind=kind, role=role, affiliation=affiliation)
        session.add(speaker)
        session.flush()
        if created is not None:
            created.add(id)
    else:
        known = set(session.execute(_ALIAS_KEYS, {"speaker_id": id}).scalars())
    for key, alias in new_aliases(known, (name, id, *aliases)):
        session.add(SpeakerAlias(speaker_id=id, key=key, alias=alias, article_id=learnt_from))
    return speaker


def new_aliases(known: set[str], names: Iterable[str]) -> list[tuple[str, str]]:
    """(key, alias) for each name whose lookup key is not yet known, first spelling kept."""
    new: dict[str, str] = {}
    for alias in names:
        key = name_key(alias)
        if key and key not in known and key not in new:
            new[key] = alias
    return list(new.items())


def find_article_by_text(*, session: Session, text: str) -> Article | None:
    return session.exec(select(Article).where(Article.content_hash == content_hash(text))).first()


def add_article(
    *,
    session: Session,
    title: str,
    publisher_id: str,
    published_on: dt.date | None,
    text: str,
    url: str | None = None,
    byline: str | None = None,
    language: str | None = None,
    api_key_id: int | None = None,
) -> Article:
    article = Article(
        title=title,
        publisher_id=publisher_id,
        published_on=published_on,
        url=url,
        byline=byline,
        language=language,
        text=text,
        content_hash=content_hash(text),
        created_at=utcnow(),
        api_key_id=api_key_id,
    )
    session.add(article)
    session.flush()
    return article


def dated(article: Article) -> dt.date:
    """The day an article's quotes sort by when they give none: its publication, else (an
    undated article) the day it was stored."""
    return article.published_on or article.created_at.date()


def quote_values(
    *,
    article: Article,
    speaker_id: str,
    kind: str,
    span: tuple[int, int],
    outlet_id: str | None = None,
    said_on: dt.date | None = None,
    said_on_precision: str | None = None,
    cue: str | None = None,
    speaker_span: tuple[int, int] | None = None,
    continues_id: int | None = None,
    origin: str = "extracted",
    basis: str | None = None,
    confidence: float | None = None,
    reviewed: bool = False,
    api_key_id: int | None = None,
) -> dict[str, Any]:
    """A quote's row, its text read from the article at ``span`` so the two cannot disagree.
    It records the key that made it: ``api_key_id``, or for one extracted from an article, the
    key that posted the article."""
    start, end = span
    if not 0 <= start < end <= len(article.text):
        raise ValueError(f"span {span} is outside the article text")
    if said_on is not None and said_on_precision is None:
        said_on_precision = "day"
    assert article.id is not None, "the article must be flushed first"
    return {
        "article_id": article.id,
        "speaker_id": speaker_id,
        "outlet_id": outlet_id,
        "kind": kind,
        "text": article.text[start:end],
        "said_on": said_on,
        "said_on_precision": said_on_precision if said_on is not None else None,
        "date": said_on if said_on is not None else dated(article),
        "cue": cue,
        "span_start": start,
        "span_end": end,
        "speaker_span_start": speaker_span[0] if speaker_span else None,
        "speaker_span_end": speaker_span[1] if speaker_span else None,
        "continues_id": continues_id,
        "created_at": utcnow(),
        "origin": origin,
        "basis": basis,
        "confidence": confidence,
        "reviewed": reviewed,
        "api_key_id": api_key_id if api_key_id is not None else article.api_key_id,
    }


def add_quote(*, session: Session, **fields: Any) -> Quote:
    """One quote, through the ORM (``quote_values`` says what the fields are)."""
    quote = Quote(**quote_values(**fields))
    session.add(quote)
    session.flush()
    return quote


def insert_quotes(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Many quotes (rows of ``quote_values``) in one statement per batch; their new ids, in
    order. How an article's quotes are stored: one round trip, not one per quote."""
    if not rows:
        return []
    session.flush()
    table = core_table(Quote)
    result = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return [int(new_id) for new_id in result.scalars()]


def free_id(session: Session, model: type[Outlet] | type[Speaker], base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever no row of ``model`` has yet."""
    base = base[:_MAX_ID].strip("-") or "x"
    candidate, n = base, 1
    while session.get(model, candidate) is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate
