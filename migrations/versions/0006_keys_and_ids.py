"""Ids as large as the API accepts, and keys a newsroom can manage: 64-bit ids and versions on
PostgreSQL (SQLite's integers are 64-bit already); a key's expiry, last use and ``read`` scope; the
key that created each article and quote; an index to expire idempotency records by.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every column holding a row id or a version number, as (table, column).
_WIDENED = [
    ("article", "id"), ("quote", "id"), ("quote", "article_id"), ("quote", "continues_id"),
    ("api_key", "id"), ("quote_revision", "id"), ("quote_revision", "quote_id"),
    ("quote_revision", "version"), ("quote_revision", "api_key_id"),
    ("speaker_alias", "article_id"), ("speaker_revision", "id"), ("speaker_revision", "version"),
    ("speaker_revision", "reverts"), ("speaker_revision", "api_key_id"),
    ("idempotent_request", "api_key_id"),
]  # fmt: skip
_SEQUENCES = [("article", "id"), ("quote", "id"), ("api_key", "id"), ("quote_revision", "id"),
              ("speaker_revision", "id")]  # fmt: skip


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for table, column in _WIDENED:
            op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())
        for table, column in _SEQUENCES:
            op.execute(
                sa.text(
                    f"ALTER SEQUENCE {_sequence(table, column)} AS bigint MAXVALUE "
                    "9223372036854775807"
                )
            )
        op.drop_constraint("ck_api_key_scope", "api_key", type_="check")
        op.create_check_constraint(
            "ck_api_key_scope", "api_key", "scope IN ('read', 'write', 'admin')"
        )
    op.create_index("ix_idempotent_request_created", "idempotent_request", ["created_at"])
    op.add_column("api_key", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("api_key", sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    for table in ("article", "quote"):
        key = sa.ForeignKey("api_key.id", name=f"fk_{table}_api_key_id_api_key")
        # Plain ADD COLUMN on SQLite (the reference inline): a rebuild would drop the
        # full-text triggers on quote.
        op.add_column(
            table,
            sa.Column("api_key_id", big, *([] if postgres else [key]), nullable=True),
            inline_references=not postgres,
        )
        if postgres:
            op.create_foreign_key(
                f"fk_{table}_api_key_id_api_key", table, "api_key", ["api_key_id"], ["id"]
            )


def _sequence(table: str, column: str) -> str:
    found = (
        op.get_bind()
        .execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table, "c": column})
        .scalar_one()
    )
    assert found, f"{table}.{column} has no sequence"
    return str(found)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in ("quote", "article"):
        if postgres:
            op.drop_constraint(f"fk_{table}_api_key_id_api_key", table, type_="foreignkey")
        if table == "article" and not postgres:
            # Once 0010 has rebuilt the article table its reference is a table constraint,
            # which SQLite's DROP COLUMN refuses: rebuild it again (no triggers on article).
            with op.batch_alter_table(table, table_kwargs={"sqlite_autoincrement": True}) as b:
                b.drop_column("api_key_id")
            continue
        op.drop_column(table, "api_key_id")
    op.drop_index("ix_idempotent_request_created", table_name="idempotent_request")
    op.drop_column("api_key", "last_used_at")
    op.drop_column("api_key", "expires_at")
    if postgres:
        op.drop_constraint("ck_api_key_scope", "api_key", type_="check")
        op.create_check_constraint("ck_api_key_scope", "api_key", "scope IN ('write', 'admin')")
        for table, column in _SEQUENCES:
            op.execute(sa.text(f"ALTER SEQUENCE {_sequence(table, column)} AS integer"))
        for table, column in _WIDENED:
            op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger())
