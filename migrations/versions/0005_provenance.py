"""Provenance and people: where each quote came from and whether a person checked it; which
article taught the store each alias; key scopes; the history of changes to speakers; article
texts compared after normalising line ends and spaces.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import hashlib
import re
import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# sha256 of the seed article's exact text, as 0001-0004 stored it: its quotes were curated.
_SEED_HASH = "e789a76323e8b9021e70f3349e768ce45063878d587aa61dc7e502f667593ef0"


_ORIGINS = "origin IN ('seed', 'extracted', 'manual')"
_CONFIDENCE = "confidence IS NULL OR (confidence >= 0 AND confidence <= 1)"


def _normalized_hash(text: str) -> str:
    # The same as app.articles.store.content_hash at this revision; copied so the migration
    # never changes.
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n"))
    normal = "\n".join(line for line in lines if line)
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def upgrade() -> None:
    # Plain ADD COLUMN: on SQLite a batch rebuild of ``quote`` would drop the full-text
    # triggers of 0001 and copy every row. SQLite cannot add a named CHECK to a table, so the
    # new columns' checks exist on PostgreSQL; the API validates both stores alike.
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column(
        "quote", sa.Column("origin", sa.String(16), nullable=False, server_default="extracted")
    )
    op.add_column("quote", sa.Column("basis", sa.String(200), nullable=True))
    op.add_column("quote", sa.Column("confidence", sa.Float(), nullable=True))
    op.add_column(
        "quote", sa.Column("reviewed", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_index("ix_quote_reviewed_date", "quote", ["reviewed", "date", "id"])
    article = sa.ForeignKey("article.id", name="fk_speaker_alias_article_id_article")
    op.add_column(
        "speaker_alias",
        sa.Column("article_id", sa.Integer(), *([] if postgres else [article]), nullable=True),
        inline_references=not postgres,
    )
    op.add_column(
        "api_key", sa.Column("scope", sa.String(16), nullable=False, server_default="write")
    )
    if postgres:
        op.create_check_constraint("ck_quote_origin", "quote", _ORIGINS)
        op.create_check_constraint("ck_quote_confidence", "quote", _CONFIDENCE)
        op.create_check_constraint("ck_api_key_scope", "api_key", "scope IN ('write', 'admin')")
        op.create_foreign_key(
            "fk_speaker_alias_article_id_article",
            "speaker_alias",
            "article",
            ["article_id"],
            ["id"],
        )
    op.create_table(
        "speaker_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("speaker_id", sa.String(120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("reverts", sa.Integer(), nullable=True),
        sa.Column("reverted", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("api_key_id", sa.Integer(), sa.ForeignKey("api_key.id"), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('update', 'merge', 'absorb', 'split', 'split_off', 'revert')",
            name="ck_speaker_revision_action",
        ),
        sa.UniqueConstraint("speaker_id", "version", name="uq_speaker_revision_version"),
        sqlite_autoincrement=True,
    )
    _mark_provenance()
    _rehash_articles()


def _mark_provenance() -> None:
    """Quotes stored so far: the seed's were curated, those a key created are manual, and any
    a key corrected or created have been reviewed."""
    op.execute(
        sa.text(
            "UPDATE quote SET origin = 'seed', reviewed = :yes WHERE article_id IN "
            "(SELECT id FROM article WHERE content_hash = :seed)"
        ).bindparams(seed=_SEED_HASH, yes=True)
    )
    op.execute(
        sa.text(
            "UPDATE quote SET origin = 'manual' WHERE id IN "
            "(SELECT quote_id FROM quote_revision WHERE action = 'create')"
        )
    )
    op.execute(
        sa.text(
            "UPDATE quote SET reviewed = :yes WHERE id IN (SELECT quote_id FROM quote_revision)"
        ).bindparams(yes=True)
    )


def _rehash_articles() -> None:
    """Texts that differ only in line ends or spaces are one article from now on. Where two
    stored articles already collide, the later keeps its old hash rather than lose data."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, text, content_hash FROM article ORDER BY id"))
    taken: set[str] = set()
    changes: list[dict[str, object]] = []
    for article_id, text, old in rows:
        new = _normalized_hash(text)
        if new in taken:
            taken.add(old)
            continue
        taken.add(new)
        if new != old:
            changes.append({"id": article_id, "hash": new})
    # Free the new values first, so a swap between two rows cannot trip the unique index.
    for change in changes:
        bind.execute(
            sa.text("UPDATE article SET content_hash = :tmp WHERE id = :id"),
            {"tmp": f"moving-{change['id']}", "id": change["id"]},
        )
    for change in changes:
        bind.execute(sa.text("UPDATE article SET content_hash = :hash WHERE id = :id"), change)


def downgrade() -> None:
    op.drop_table("speaker_revision")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("ck_api_key_scope", "api_key", type_="check")
        op.drop_constraint("fk_speaker_alias_article_id_article", "speaker_alias")
        op.drop_constraint("ck_quote_confidence", "quote", type_="check")
        op.drop_constraint("ck_quote_origin", "quote", type_="check")
    op.drop_column("api_key", "scope")
    op.drop_column("speaker_alias", "article_id")
    op.drop_index("ix_quote_reviewed_date", table_name="quote")
    for column in ("reviewed", "confidence", "basis", "origin"):
        op.drop_column("quote", column)
