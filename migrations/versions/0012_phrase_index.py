"""The phrase index: each pair of adjacent words of a quote as one token, beside the word index.

A quoted phrase of two or more words is matched against it as a phrase of pairs ("one of the"
is one_of then of_the), which is exact and reads short lists where the word index merges the
long position lists of common words. On SQLite it is a contentless FTS5 table kept by
triggers, as the word index is; on PostgreSQL a generated tsvector of the pairs, GIN-indexed,
as the word column is. Existing quotes are indexed here.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

from app.models.phrase_index import FUNCTION, pair_key_sql, register

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_KEY, OLD_KEY = pair_key_sql("new"), pair_key_sql("old")
SQLITE_UP = [
    # Folds case and accents as the word index does; "_" joins a pair into one token. No
    # sizes of rows: they serve ranking, which is the word index's. Each quote is listed under
    # a key that orders by date, then id (``app.models.phrase_index.pair_key_sql``).
    """CREATE VIRTUAL TABLE quote_pair_fts USING fts5(
        pairs, content='', columnsize=0,
        tokenize="unicode61 remove_diacritics 2 tokenchars '_'"
    )""",
    "CREATE VIRTUAL TABLE quote_pair_vocab USING fts5vocab(quote_pair_fts, row)",
    f"""CREATE TRIGGER quote_pair_after_insert AFTER INSERT ON quote BEGIN
        INSERT INTO quote_pair_fts(rowid, pairs) VALUES ({NEW_KEY}, {FUNCTION}(new.text));
    END""",
    # A contentless index forgets a row only when told the key and tokens it was given.
    f"""CREATE TRIGGER quote_pair_after_delete AFTER DELETE ON quote BEGIN
        INSERT INTO quote_pair_fts(quote_pair_fts, rowid, pairs)
        VALUES ('delete', {OLD_KEY}, {FUNCTION}(old.text));
    END""",
    f"""CREATE TRIGGER quote_pair_after_update AFTER UPDATE OF text, date ON quote BEGIN
        INSERT INTO quote_pair_fts(quote_pair_fts, rowid, pairs)
        VALUES ('delete', {OLD_KEY}, {FUNCTION}(old.text));
        INSERT INTO quote_pair_fts(rowid, pairs) VALUES ({NEW_KEY}, {FUNCTION}(new.text));
    END""",
    f"INSERT INTO quote_pair_fts(rowid, pairs) SELECT {pair_key_sql('quote')}, {FUNCTION}(text) "
    "FROM quote",
]

# The pairs of the words the word column holds (0004: runs of letters and digits, lower-cased),
# each at its first word's position. Positions past tsvector's last (16,383) share it, as the
# word column's do.
POSTGRES_UP = [
    f"""CREATE FUNCTION {FUNCTION}(body text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(string_agg(quote_literal(word || '_' || next) || ':' || least(at, 16383),
                                   ' ' ORDER BY at), '')::tsvector
        FROM (SELECT word, lead(word) OVER (ORDER BY n) AS next,
                     row_number() OVER (ORDER BY n) AS at
              FROM unnest(regexp_split_to_array(lower(body), '[^[:alnum:]]+'))
                   WITH ORDINALITY AS t(word, n)
              WHERE word <> '') AS w
        WHERE next IS NOT NULL
    $$""",
    f"ALTER TABLE quote ADD COLUMN pairs tsvector GENERATED ALWAYS AS ({FUNCTION}(text)) STORED",
    "CREATE INDEX ix_quote_pairs ON quote USING gin (pairs)",
]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        register(bind.connection.driver_connection)
        for statement in SQLITE_UP:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        for statement in POSTGRES_UP:
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS quote_pair_after_{trigger}")
        op.execute("DROP TABLE IF EXISTS quote_pair_vocab")
        op.execute("DROP TABLE IF EXISTS quote_pair_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_quote_pairs")
        op.execute("ALTER TABLE quote DROP COLUMN IF EXISTS pairs")
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}(text)")
