"""Corrections with history, and the answers to idempotent writes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quote_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        # Not a foreign key: a deleted quote's row is gone, its history stays.
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), sa.ForeignKey("api_key.id"), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN ('create', 'update', 'delete')", name="ck_quote_revision_action"
        ),
        sa.UniqueConstraint("quote_id", "version", name="uq_quote_revision_version"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "idempotent_request",
        sa.Column("api_key_id", sa.Integer(), sa.ForeignKey("api_key.id"), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(500), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("idempotent_request")
    op.drop_table("quote_revision")
