"""Each index key of a quotation carries the quotation's speaker, with an index by speaker and
key: grouping compares a new report only with its own speaker's quotations, and now finds them
by (speaker, key) directly, where it walked every quotation of anyone that shares the key (a
key of common words is shared by thousands). A quotation's speaker never changes (a merge or a
split moves its quotes into other quotations), so the copy cannot go stale.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("quotation_anchor", sa.Column("speaker_id", sa.String(), nullable=True))
    op.execute(
        "UPDATE quotation_anchor SET speaker_id ="
        " (SELECT q.speaker_id FROM quotation q WHERE q.id = quotation_anchor.quotation_id)"
    )
    # A key whose quotation is gone (none should be) would block the NOT NULL: it finds nothing.
    op.execute("DELETE FROM quotation_anchor WHERE speaker_id IS NULL")
    with op.batch_alter_table("quotation_anchor", table_kwargs={"sqlite_with_rowid": False}) as b:
        b.alter_column("speaker_id", existing_type=sa.String(), nullable=False)
    op.create_index(
        "ix_quotation_anchor_speaker",
        "quotation_anchor",
        ["speaker_id", "anchor", "quotation_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_quotation_anchor_speaker", table_name="quotation_anchor")
    with op.batch_alter_table("quotation_anchor", table_kwargs={"sqlite_with_rowid": False}) as b:
        b.drop_column("speaker_id")
