"""Articles with no known publication date: ``article.published_on`` may be null. Nothing in
such an article is dated from it; its quotes sort and filter by the day it was stored.

On SQLite the column's NOT NULL goes with a rebuild of the article table (a batch
operation: SQLite alters no column in place); on PostgreSQL it is dropped in place.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.alter_column("published_on", existing_type=sa.Date(), nullable=True)


def downgrade() -> None:
    # An undated article takes the day it was stored, as its quotes do.
    op.execute(
        "UPDATE article SET published_on = CAST(created_at AS DATE) WHERE published_on IS NULL"
        if op.get_bind().dialect.name == "postgresql"
        else "UPDATE article SET published_on = date(created_at) WHERE published_on IS NULL"
    )
    with op.batch_alter_table("article", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.alter_column("published_on", existing_type=sa.Date(), nullable=False)
