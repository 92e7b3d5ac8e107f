"""How many quotes hold each word, so a search can be planned by how common its words are.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # A read-only view of the full-text index: one row per word with its document count.
        op.execute("CREATE VIRTUAL TABLE quote_fts_vocab USING fts5vocab(quote_fts, row)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE quote_fts_vocab")
