"""The language of each article's text (``article.language``): text not in English is stored
and attributed nothing. Existing articles keep a null language until they are read again
(``saidwho reattribute``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch rebuild on SQLite would copy every article for a null column.
    op.add_column("article", sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column("article", "language")
