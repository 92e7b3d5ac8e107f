"""Articles from the web: who wrote one, as its page names them (``article.byline``), and an
index on ``article.url``, by which ``saidwho watch`` knows the pages it has stored.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch rebuild on SQLite would copy every article for a null column.
    op.add_column("article", sa.Column("byline", sa.String(length=300), nullable=True))
    op.create_index("ix_article_url", "article", ["url"])


def downgrade() -> None:
    op.drop_index("ix_article_url", table_name="article")
    op.drop_column("article", "byline")
