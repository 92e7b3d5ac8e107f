"""A quote as every read path reads it: one list of columns, in one order, and the one JSON
shape (``QuotePublic``'s) written from such a row. The general path selects these columns
through SQLAlchemy, the direct paths as plain SQL; both hand the row to ``quote_object``."""

import datetime as dt
from typing import Any

# (table alias, column) in the order of a row: the quote, its speaker, the outlet given to
# (``g``), the article and its publisher (``p``).
FIELDS = (
    ("q", "id"), ("q", "text"), ("q", "kind"), ("s", "id"), ("s", "name"), ("s", "kind"),
    ("s", "role"), ("g", "id"), ("g", "name"), ("a", "id"), ("a", "title"), ("p", "id"),
    ("p", "name"), ("a", "published_on"), ("q", "said_on"), ("q", "said_on_precision"),
    ("q", "date"), ("q", "cue"), ("q", "span_start"), ("q", "span_end"),
    ("q", "speaker_span_start"), ("q", "speaker_span_end"), ("q", "continues_id"),
    ("q", "origin"), ("q", "basis"), ("q", "confidence"), ("q", "reviewed"),
    ("q", "quotation_id"),
)  # fmt: skip
# Where in a row the keyset pages read their positions.
ID = 0
DATE = FIELDS.index(("q", "date"))
# The tables behind the aliases, as the plain SQL joins them.
JOINS = """FROM quote q
JOIN speaker s ON s.id = q.speaker_id
JOIN article a ON a.id = q.article_id
JOIN outlet p ON p.id = a.publisher_id
LEFT JOIN outlet g ON g.id = q.outlet_id"""
QUOTE_SELECT = "SELECT " + ", ".join(f"{t}.{c}" for t, c in FIELDS) + "\n" + JOINS


def quote_object(row: tuple[Any, ...] | Any) -> dict[str, Any]:
    """A row of ``FIELDS`` as ``QuotePublic`` serializes it."""
    return {
        "id": row[0],
        "text": row[1],
        "kind": row[2],
        "speaker": {"id": row[3], "name": row[4], "kind": row[5], "role": row[6]},
        "outlet": {"id": row[7], "name": row[8]} if row[7] is not None else None,
        "article": {
            "id": row[9],
            "title": row[10],
            "publisher": {"id": row[11], "name": row[12]},
            "published_on": row[13],
        },
        "said_on": row[14],
        "said_on_precision": row[15],
        "date": row[16],
        "cue": row[17],
        "span": {"start": row[18], "end": row[19]},
        "speaker_span": {"start": row[20], "end": row[21]} if row[20] is not None else None,
        "continues": row[22],
        "origin": row[23],
        "basis": row[24],
        "confidence": row[25],
        "reviewed": bool(row[26]),
        "quotation": row[27],
    }


def iso(value: Any) -> str:
    """A date as a cursor holds it (SQLite hands dates to the direct path as text)."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)
