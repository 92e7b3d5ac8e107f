"""Full-text search on PostgreSQL: a generated tsvector of each quote's words, GIN-indexed.

SQLite's index (FTS5, migration 0001) is untouched; this revision does nothing there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Words as FTS5's unicode61 tokenizer reads them on SQLite, so that both stores match
        # the same quotes: every run of letters and digits is a word ("U.S.-supplied" is u, s,
        # supplied; PostgreSQL's own parser would keep "u.s"), lower-cased by 'simple', with
        # no stemming and no stop words.
        op.execute(
            "ALTER TABLE quote ADD COLUMN search tsvector GENERATED ALWAYS AS "
            "(to_tsvector('simple', regexp_replace(text, '[^[:alnum:]]+', ' ', 'g'))) STORED"
        )
        op.execute("CREATE INDEX ix_quote_search ON quote USING gin (search)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_quote_search")
        op.execute("ALTER TABLE quote DROP COLUMN search")
