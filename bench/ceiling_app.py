"""The ceiling for the speaker + date-range query: a bare ASGI app that runs the same SQL as
saidwho with Python's sqlite3, right on the event loop, and writes the rows as JSON. No
framework, no validation, no cursor, no total: what serving this query cannot beat.

    SAIDWHO_CEILING_DB=store.db uvicorn bench.ceiling_app:app --no-access-log
"""

import os
import sqlite3
from urllib.parse import parse_qsl

import orjson

from app.queries.fast import QUOTE_SELECT

SQL = (
    QUOTE_SELECT + " WHERE q.speaker_id = ? AND q.date >= ? AND q.date <= ?"
    " ORDER BY q.date DESC, q.id DESC LIMIT 21"
)
connection = sqlite3.connect(
    f"file:{os.environ['SAIDWHO_CEILING_DB']}?mode=ro", uri=True, check_same_thread=False
)


async def app(scope, receive, send):  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        return
    params = dict(parse_qsl(scope["query_string"].decode()))
    rows = connection.execute(SQL, (params["speaker"], params["since"], params["until"]))
    body = orjson.dumps({"items": [list(row) for row in rows.fetchall()[:20]]})
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})
