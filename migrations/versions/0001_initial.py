"""The quote store: outlets, speakers, articles, quotes, API keys, and full-text search.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_FTS = [
    # External-content FTS5 over quote.text; the triggers keep it in step with every write.
    """CREATE VIRTUAL TABLE quote_fts USING fts5(
        text, content='quote', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER quote_fts_after_insert AFTER INSERT ON quote BEGIN
        INSERT INTO quote_fts(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER quote_fts_after_delete AFTER DELETE ON quote BEGIN
        INSERT INTO quote_fts(quote_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER quote_fts_after_update AFTER UPDATE OF text ON quote BEGIN
        INSERT INTO quote_fts(quote_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO quote_fts(rowid, text) VALUES (new.id, new.text);
    END""",
]


def upgrade() -> None:
    op.create_table(
        "outlet",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
    )
    op.create_table(
        "outlet_alias",
        sa.Column(
            "outlet_id",
            sa.String(),
            sa.ForeignKey("outlet.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("alias", sa.String(300), nullable=False),
    )
    op.create_index("ix_outlet_alias_key", "outlet_alias", ["key"])

    op.create_table(
        "speaker",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("role", sa.String(300), nullable=True),
        sa.Column("affiliation", sa.String(300), nullable=True),
        sa.CheckConstraint(
            "kind IN ('person', 'anonymous', 'organization')", name="ck_speaker_kind"
        ),
    )
    op.create_table(
        "speaker_alias",
        sa.Column(
            "speaker_id",
            sa.String(),
            sa.ForeignKey("speaker.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("alias", sa.String(300), nullable=False),
    )
    op.create_index("ix_speaker_alias_key", "speaker_alias", ["key"])

    op.create_table(
        "article",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("publisher_id", sa.String(), sa.ForeignKey("outlet.id"), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("url", sa.String(2000), nullable=True),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_article_publisher_published", "article", ["publisher_id", "published_on", "id"]
    )
    op.create_index("ix_article_published", "article", ["published_on", "id"])

    op.create_table(
        "quote",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), sa.ForeignKey("article.id"), nullable=False),
        sa.Column("speaker_id", sa.String(), sa.ForeignKey("speaker.id"), nullable=False),
        sa.Column("outlet_id", sa.String(), sa.ForeignKey("outlet.id"), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("said_on", sa.Date(), nullable=True),
        sa.Column("said_on_precision", sa.String(8), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("cue", sa.String(500), nullable=True),
        sa.Column("span_start", sa.Integer(), nullable=False),
        sa.Column("span_end", sa.Integer(), nullable=False),
        sa.Column("speaker_span_start", sa.Integer(), nullable=True),
        sa.Column("speaker_span_end", sa.Integer(), nullable=True),
        sa.Column("continues_id", sa.Integer(), sa.ForeignKey("quote.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('direct', 'partial', 'indirect')", name="ck_quote_kind"),
        sa.CheckConstraint(
            "said_on_precision IS NULL OR said_on_precision IN ('day', 'month', 'year')",
            name="ck_quote_said_on_precision",
        ),
        sa.CheckConstraint("span_start >= 0 AND span_end >= span_start", name="ck_quote_span"),
        sqlite_autoincrement=True,  # a deleted quote's id never names another quote
    )
    op.create_index("ix_quote_date", "quote", ["date", "id"])
    op.create_index("ix_quote_speaker_date", "quote", ["speaker_id", "date", "id"])
    op.create_index("ix_quote_outlet_date", "quote", ["outlet_id", "date", "id"])
    op.create_index("ix_quote_article_date", "quote", ["article_id", "date", "id"])
    op.create_index("ix_quote_kind_date", "quote", ["kind", "date", "id"])

    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("prefix", sa.String(32), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )

    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS quote_fts")  # drops its triggers' target too
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS quote_fts_after_{trigger}")
    for table in ("api_key", "quote", "article", "speaker_alias", "speaker", "outlet_alias"):
        op.drop_table(table)
    op.drop_table("outlet")
