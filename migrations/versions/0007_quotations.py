"""Quotations: every report of the same words by the same speaker tied together, with the index
keys that find them (``quotation_anchor``), and each quote's ``quotation_id``. Existing quotes are
grouped by ``saidwho migrate`` after the schema is in place (``app.quotations.grouping``), so
this revision holds no copy of the grouping rules.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    op.create_table(
        "quotation",
        sa.Column("id", big, primary_key=True, autoincrement=True),
        sa.Column("speaker_id", sa.String(), sa.ForeignKey("speaker.id"), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("text_quote_id", big, nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("first_said", sa.Date(), nullable=True),
        sa.Column("first_reported", sa.Date(), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("publishers", sa.Integer(), nullable=False),
        sa.Column("version", big, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_quotation_date", "quotation", ["date", "id"])
    op.create_index("ix_quotation_speaker_date", "quotation", ["speaker_id", "date", "id"])
    op.create_index("ix_quotation_reports", "quotation", ["reports", "id"])
    op.create_index("ix_quotation_speaker_reports", "quotation", ["speaker_id", "reports", "id"])
    op.create_table(
        "quotation_anchor",
        sa.Column("anchor", sa.BigInteger(), primary_key=True),
        sa.Column("quotation_id", big, primary_key=True),
        sqlite_with_rowid=False,
    )
    key = sa.ForeignKey("quotation.id", name="fk_quote_quotation_id_quotation")
    # Plain ADD COLUMN on SQLite (the reference inline): a rebuild would drop the full-text
    # triggers on quote.
    op.add_column(
        "quote",
        sa.Column("quotation_id", big, *([] if postgres else [key]), nullable=True),
        inline_references=not postgres,
    )
    if postgres:
        op.create_foreign_key(
            "fk_quote_quotation_id_quotation", "quote", "quotation", ["quotation_id"], ["id"]
        )
    op.create_index("ix_quote_quotation", "quote", ["quotation_id", "date", "id"])


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.drop_index("ix_quote_quotation", table_name="quote")
    if postgres:
        op.drop_constraint("fk_quote_quotation_id_quotation", "quote", type_="foreignkey")
    op.drop_column("quote", "quotation_id")
    op.drop_table("quotation_anchor")
    op.drop_table("quotation")
