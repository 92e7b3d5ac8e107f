"""How many quotes each speaker has on each day, kept beside the quotes on SQLite.

A list past ``SAIDWHO_EXACT_TOTAL_UP_TO`` matches had its total estimated from a walk of
10,001 entries of an index (a third of a millisecond at a million quotes, every time the
answer is not remembered). A list filtered by speaker and dates alone is a sum over this
table instead: at most one row a day, exact, a tenth of the time. Triggers keep it, so every
way of writing a quote (the writer, corrections, merges, ``saidwho copy``) keeps it right.
PostgreSQL has none: its planner's statistics estimate such totals (``quotes.pg_total``),
and counters bumped by concurrent writers would make them wait on each other's rows."""

import sqlalchemy as sa

TABLE = "quote_day"

# Named as the quote table's columns, so a filter's SQL on ``q.speaker_id`` and ``q.date``
# reads this table under the same name. Keyed by speaker then day: a speaker's range is one
# stretch of it.
CREATE = f"""CREATE TABLE {TABLE} (
    speaker_id VARCHAR NOT NULL,
    date DATE NOT NULL,
    quotes INTEGER NOT NULL,
    PRIMARY KEY (speaker_id, date)
) WITHOUT ROWID"""

_ADD_NEW = f"""INSERT INTO {TABLE} (speaker_id, date, quotes) VALUES (new.speaker_id, new.date, 1)
        ON CONFLICT (speaker_id, date) DO UPDATE SET quotes = quotes + 1;"""
_TAKE_OLD = f"""UPDATE {TABLE} SET quotes = quotes - 1
        WHERE speaker_id = old.speaker_id AND date = old.date;
        DELETE FROM {TABLE}
        WHERE speaker_id = old.speaker_id AND date = old.date AND quotes <= 0;"""

TRIGGERS = [
    f"CREATE TRIGGER quote_day_after_insert AFTER INSERT ON quote BEGIN {_ADD_NEW} END",
    f"CREATE TRIGGER quote_day_after_delete AFTER DELETE ON quote BEGIN {_TAKE_OLD} END",
    # A correction of the speaker or a merge of two speakers moves a quote between rows.
    f"""CREATE TRIGGER quote_day_after_update AFTER UPDATE OF speaker_id, date ON quote
    WHEN old.speaker_id IS NOT new.speaker_id OR old.date IS NOT new.date
    BEGIN {_TAKE_OLD} {_ADD_NEW} END""",
]
# The table for SQLAlchemy statements that read it (it is no model: the migrations keep it).
DAYS = sa.table(TABLE, sa.column("speaker_id"), sa.column("date"), sa.column("quotes"))

TRIGGER_NAMES = ("quote_day_after_insert", "quote_day_after_delete", "quote_day_after_update")

# The counts of the quotes a store holds, from nothing.
FILL = (
    f"INSERT INTO {TABLE} (speaker_id, date, quotes) "
    "SELECT speaker_id, date, count(*) FROM quote GROUP BY speaker_id, date"
)
