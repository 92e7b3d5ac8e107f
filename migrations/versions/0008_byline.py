"""Bylines: who wrote an article, as a saved web page names them (``article.byline``).

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


def downgrade() -> None:
    op.drop_column("article", "byline")
