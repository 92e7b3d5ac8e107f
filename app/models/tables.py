"""The store's tables. The schema itself is created by the Alembic migrations, which mirror these
classes exactly (a test compares them)."""

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

SPEAKER_KINDS = ("person", "anonymous", "organization")
QUOTE_KINDS = ("direct", "partial", "indirect")
DATE_PRECISIONS = ("day", "month", "year")
# Where a quote came from: the curated seed, the extractor, or a person with a key.
QUOTE_ORIGINS = ("seed", "extracted", "manual")
KEY_SCOPES = ("read", "write", "admin")
# The largest integer id the stores can hold; anything past it names nothing. Every id and
# version column is 64-bit on both stores (INTEGER is 64-bit on SQLite and must stay the rowid
# alias there), and every route bounds its ids with this one number.
MAX_ROW_ID = 2**63 - 1
BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Outlet(SQLModel, table=True):
    __tablename__ = "outlet"

    id: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=300)


class OutletAlias(SQLModel, table=True):
    """Every name an outlet answers to, normalised in ``key`` for case-insensitive lookups."""

    __tablename__ = "outlet_alias"
    __table_args__ = (sa.Index("ix_outlet_alias_key", "key"),)

    outlet_id: str = Field(foreign_key="outlet.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True, max_length=300)
    alias: str = Field(max_length=300)


class Speaker(SQLModel, table=True):
    __tablename__ = "speaker"
    __table_args__ = (sa.CheckConstraint(_in("kind", SPEAKER_KINDS), name="ck_speaker_kind"),)

    id: str = Field(primary_key=True, max_length=120)
    name: str = Field(max_length=300)
    kind: str = Field(max_length=16)
    role: str | None = Field(default=None, max_length=300)
    affiliation: str | None = Field(default=None, max_length=300)


class SpeakerAlias(SQLModel, table=True):
    """Every name a speaker answers to, normalised in ``key`` for case-insensitive lookups."""

    __tablename__ = "speaker_alias"
    __table_args__ = (sa.Index("ix_speaker_alias_key", "key"),)

    speaker_id: str = Field(foreign_key="speaker.id", primary_key=True, ondelete="CASCADE")
    key: str = Field(primary_key=True, max_length=300)
    alias: str = Field(max_length=300)
    # The article extraction learnt this name from; null for names a person gave. (Articles
    # are never deleted; SQLite would not report an ON DELETE rule of an added column.)
    article_id: int | None = Field(default=None, foreign_key="article.id", sa_type=BIG)


class Article(SQLModel, table=True):
    __tablename__ = "article"
    __table_args__ = (
        sa.Index("ix_article_publisher_published", "publisher_id", "published_on", "id"),
        sa.Index("ix_article_published", "published_on", "id"),
        sa.Index("ix_article_url", "url"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG)
    title: str = Field(max_length=500)
    publisher_id: str = Field(foreign_key="outlet.id")
    # Null for an article whose publication date nobody knows: nothing in it is dated from it.
    published_on: dt.date | None = None
    url: str | None = Field(default=None, max_length=2000)
    # Who wrote it, when the page or the poster says.
    byline: str | None = Field(default=None, max_length=300)
    # The text's language (ISO 639-1) as detected; only English is attributed. Null for
    # articles stored before it was detected, and for texts too short to tell.
    language: str | None = Field(default=None, max_length=8)
    text: str
    # sha256 of the text: posting the same text twice finds the stored article.
    content_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime
    # The key that posted it; null for the seed and for articles stored before keys were kept.
    api_key_id: int | None = Field(default=None, foreign_key="api_key.id", sa_type=BIG)


class Quote(SQLModel, table=True):
    __tablename__ = "quote"
    __table_args__ = (
        sa.CheckConstraint(_in("kind", QUOTE_KINDS), name="ck_quote_kind"),
        sa.CheckConstraint(
            f"said_on_precision IS NULL OR {_in('said_on_precision', DATE_PRECISIONS)}",
            name="ck_quote_said_on_precision",
        ),
        sa.CheckConstraint("span_start >= 0 AND span_end >= span_start", name="ck_quote_span"),
        sa.CheckConstraint(_in("origin", QUOTE_ORIGINS), name="ck_quote_origin"),
        sa.CheckConstraint(
            "confidence IS NULL OR (confidence >= 0 AND confidence <= 1)",
            name="ck_quote_confidence",
        ),
        # Every list filter ends in ORDER BY date, id: each index serves one filter plus that order.
        sa.Index("ix_quote_date", "date", "id"),
        sa.Index("ix_quote_speaker_date", "speaker_id", "date", "id"),
        sa.Index("ix_quote_outlet_date", "outlet_id", "date", "id"),
        sa.Index("ix_quote_article_date", "article_id", "date", "id"),
        sa.Index("ix_quote_kind_date", "kind", "date", "id"),
        sa.Index("ix_quote_reviewed_date", "reviewed", "date", "id"),
        # A quotation's reports, oldest first.
        sa.Index("ix_quote_quotation", "quotation_id", "date", "id"),
        # A deleted quote's id must never name another quote.
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG)
    article_id: int = Field(foreign_key="article.id", sa_type=BIG)
    speaker_id: str = Field(foreign_key="speaker.id")
    outlet_id: str | None = Field(default=None, foreign_key="outlet.id")
    kind: str = Field(max_length=16)
    text: str
    said_on: dt.date | None = None
    said_on_precision: str | None = Field(default=None, max_length=8)
    # said_on where known, else the article's published_on, else (an undated article) the day
    # it was stored: what filters and sorting use.
    date: dt.date
    cue: str | None = Field(default=None, max_length=500)
    span_start: int
    span_end: int
    speaker_span_start: int | None = None
    speaker_span_end: int | None = None
    continues_id: int | None = Field(default=None, foreign_key="quote.id", sa_type=BIG)
    created_at: dt.datetime
    origin: str = Field(
        default="extracted", max_length=16, sa_column_kwargs={"server_default": "extracted"}
    )
    # For extracted quotes: the rule that found them, and how often that rule is right.
    basis: str | None = Field(default=None, max_length=200)
    confidence: float | None = None
    # True once a person with a key confirmed or corrected it.
    reviewed: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # The key that created it (posting its article, or entering it by hand).
    api_key_id: int | None = Field(default=None, foreign_key="api_key.id", sa_type=BIG)
    # The quotation this report belongs to: every report of the same words by the same speaker.
    quotation_id: int | None = Field(default=None, foreign_key="quotation.id", sa_type=BIG)


class Quotation(SQLModel, table=True):
    """The same words by the same speaker, however many times and by whom reported. Its
    figures are kept up to date with its reports, in the same transaction as each change."""

    __tablename__ = "quotation"
    __table_args__ = (
        sa.Index("ix_quotation_date", "date", "id"),
        sa.Index("ix_quotation_speaker_date", "speaker_id", "date", "id"),
        sa.Index("ix_quotation_reports", "reports", "id"),
        sa.Index("ix_quotation_speaker_reports", "speaker_id", "reports", "id"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG)
    speaker_id: str = Field(foreign_key="speaker.id")
    # The fullest report's words, and which report that is.
    text: str
    text_quote_id: int = Field(sa_type=BIG)
    # The earliest date any report gives (said, else published), the earliest said_on, and the
    # earliest publication (an undated article's report counts the day it was stored).
    date: dt.date
    first_said: dt.date | None = None
    first_reported: dt.date
    reports: int
    publishers: int
    # Bumped with every change, so a client can tell a quotation changed (its ETag).
    version: int = Field(default=1, sa_type=BIG)


class QuotationAnchor(SQLModel, table=True):
    """The index keys of a quotation's fullest text (``app.quotations.words.anchors``): how a
    new report, or a text someone checks, finds the quotations it may belong to without a pass
    over the store. No foreign key, so removing a quotation scans nothing: its keys are
    removed with it by the code that knows them."""

    __tablename__ = "quotation_anchor"
    __table_args__ = (
        # A speaker's quotations by key: what grouping looks a new report up by.
        sa.Index("ix_quotation_anchor_speaker", "speaker_id", "anchor", "quotation_id"),
        {"sqlite_with_rowid": False},
    )

    anchor: int = Field(primary_key=True, sa_type=sa.BigInteger())
    quotation_id: int = Field(primary_key=True, sa_type=BIG)
    # The quotation's speaker (which never changes), copied here for that index.
    speaker_id: str


class ApiKey(SQLModel, table=True):
    """A write key. Only a hash of the secret is kept; the prefix finds the row."""

    __tablename__ = "api_key"
    __table_args__ = (sa.CheckConstraint(_in("scope", KEY_SCOPES), name="ck_api_key_scope"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG)
    name: str = Field(max_length=200)
    prefix: str = Field(max_length=32, unique=True)
    secret_hash: str = Field(max_length=64)
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None
    # "read" keys may read metrics; "write" keys store articles and quotes; "admin" keys may
    # also edit, merge and split speakers.
    scope: str = Field(default="write", max_length=16, sa_column_kwargs={"server_default": "write"})
    expires_at: dt.datetime | None = None
    # When the key last opened a write (kept to the minute, so reads of it cost no write).
    last_used_at: dt.datetime | None = None


REVISION_ACTIONS = ("create", "update", "delete")


class QuoteRevision(SQLModel, table=True):
    """One change to a quote: which fields, from what to what, by which key, when. A deleted
    quote's row is gone; its last revision keeps every field it had."""

    __tablename__ = "quote_revision"
    __table_args__ = (
        sa.CheckConstraint(_in("action", REVISION_ACTIONS), name="ck_quote_revision_action"),
        sa.UniqueConstraint("quote_id", "version", name="uq_quote_revision_version"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG)
    quote_id: int = Field(sa_type=BIG)
    version: int = Field(sa_type=BIG)
    action: str = Field(max_length=16)
    # {field: {"from": earlier value, "to": new value}}, values as JSON.
    changes: dict[str, Any] = Field(sa_column=sa.Column(sa.JSON(), nullable=False))
    api_key_id: int | None = Field(default=None, foreign_key="api_key.id", sa_type=BIG)
    changed_at: dt.datetime


SPEAKER_ACTIONS = ("update", "merge", "absorb", "split", "split_off", "revert")


class SpeakerRevision(SQLModel, table=True):
    """One change to a speaker by a person: an edit, a merge (recorded on both speakers) or a
    split. ``changes`` holds what a revert needs: fields before and after, quotes and aliases
    moved."""

    __tablename__ = "speaker_revision"
    __table_args__ = (
        sa.CheckConstraint(_in("action", SPEAKER_ACTIONS), name="ck_speaker_revision_action"),
        sa.UniqueConstraint("speaker_id", "version", name="uq_speaker_revision_version"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BIG)
    # Not a foreign key: a speaker merged away is gone, its history stays.
    speaker_id: str = Field(max_length=120)
    version: int = Field(sa_type=BIG)
    action: str = Field(max_length=16)
    changes: dict[str, Any] = Field(sa_column=sa.Column(sa.JSON(), nullable=False))
    # The revision this one undid, for a revert; set on the undone one when it is reverted.
    reverts: int | None = Field(default=None, sa_type=BIG)
    reverted: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    api_key_id: int | None = Field(default=None, foreign_key="api_key.id", sa_type=BIG)
    changed_at: dt.datetime


class IdempotentRequest(SQLModel, table=True):
    """The answer to a write sent with an ``Idempotency-Key``, replayed when it is sent again."""

    __tablename__ = "idempotent_request"
    # Expired answers are found, oldest first, by this index.
    __table_args__ = (sa.Index("ix_idempotent_request_created", "created_at"),)

    api_key_id: int = Field(foreign_key="api_key.id", primary_key=True, sa_type=BIG)
    key: str = Field(primary_key=True, max_length=255)
    request_hash: str = Field(max_length=64)
    status: int
    location: str | None = Field(default=None, max_length=500)
    body: str = Field(sa_type=sa.Text)
    created_at: dt.datetime


def core_table(model: type[SQLModel]) -> sa.Table:
    """The Core table behind a model, for the read side's hand-written SQL."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, sa.Table)
    return table
