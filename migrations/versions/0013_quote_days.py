"""Quotes counted per speaker and day, on SQLite: a list filtered by speaker and dates alone
has its total summed from at most one row a day instead of walked off an index
(``app.models.quote_days``). Kept by triggers; the quotes a store holds are counted here.
PostgreSQL is left as it is: its planner estimates such totals.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

from app.models.quote_days import CREATE, FILL, TABLE, TRIGGER_NAMES, TRIGGERS

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in [CREATE, *TRIGGERS, FILL]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute(f"DROP TABLE IF EXISTS {TABLE}")
