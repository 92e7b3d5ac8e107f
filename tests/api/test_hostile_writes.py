"""Hostile bodies and headers on every write: each is refused or stored cleanly, never a 5xx,
never a half-written record, always within a second."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from tests.api.conftest import HOSTILE, assert_problem

pytestmark = pytest.mark.slow  # hundreds of hostile values, each written to a store

Writer = tuple[TestClient, dict[str, str]]
ARTICLE = {
    "title": "t", "publisher": "Gazette", "published_on": "2024-06-03", "text": "“Hi,” he said."
}  # fmt: skip
QUOTE = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"}
# Values of the wrong type or out of any range, for any field.
JUNK: list[Any] = [None, True, 0, -1, 2**63, 10**400, 1.5e308, [], {}, [1, 2], {"a": {"b": []}}]


def send(client: TestClient, method: str, path: str, **kwargs: Any) -> Any:
    answer = client.request(method, path, **kwargs)
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        assert_problem(answer, answer.status_code)
    return answer


def counts(engine: Engine) -> tuple[int, ...]:
    with Session(engine) as session:
        return tuple(
            int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("article", "quote", "quote_revision", "speaker", "outlet")
        )


@pytest.mark.parametrize("field", ["title", "publisher", "published_on", "url", "text"])
def test_hostile_article_fields_are_refused_or_stored_whole(
    writer: Writer, seeded: Engine, field: str
) -> None:
    client, key = writer
    for value in [*HOSTILE, *JUNK]:
        before = counts(seeded)
        answer = send(client, "POST", "/v1/articles", json={**ARTICLE, field: value}, headers=key)
        if answer.status_code in (200, 201):
            stored = client.get(f"/v1/articles/{answer.json()['id']}")
            assert stored.status_code == 200, (field, value)
            grew = 1 if answer.status_code == 201 else 0  # 200: the same article, stored before
            assert counts(seeded)[0] == before[0] + grew, (field, value)
        else:
            assert counts(seeded) == before, (field, value)


@pytest.mark.parametrize(
    "field", ["article", "speaker", "speaker_kind", "kind", "span", "text", "outlet", "said_on",
              "said_on_precision", "cue", "speaker_span", "continues"],
)  # fmt: skip
def test_hostile_quote_fields_are_refused_or_stored_whole(
    writer: Writer, seeded: Engine, field: str
) -> None:
    client, key = writer
    for value in [*HOSTILE, *JUNK, {"start": -1, "end": 2**70}, {"start": "0", "end": None}]:
        before = counts(seeded)
        answer = send(client, "POST", "/v1/quotes", json={**QUOTE, field: value}, headers=key)
        if answer.status_code == 201:
            assert counts(seeded)[1:3] == (before[1] + 1, before[2] + 1)
        else:
            assert counts(seeded) == before, (field, value)
        patched = send(client, "PATCH", "/v1/quotes/16", json={field: value}, headers=key)
        if patched.status_code >= 400:
            assert client.get("/v1/quotes/16").json()["id"] == 16


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b"[]", b"null", b'"text"', b"{}" * 1000, b'{"text": "\xff\xfe"}', b"\x00" * 64,
     b'{"title": "a", "title": "b"}', b"[" * 5000 + b"]" * 5000,
     b'{"a":' * 3000 + b"1" + b"}" * 3000],
)  # fmt: skip
@pytest.mark.parametrize("path", ["/v1/articles", "/v1/quotes"])
def test_malformed_bodies_are_refused_and_write_nothing(
    writer: Writer, seeded: Engine, raw: bytes, path: str
) -> None:
    client, key = writer
    before = counts(seeded)
    headers = {**key, "Content-Type": "application/json"}
    answer = send(client, "POST", path, content=raw, headers=headers)
    assert answer.status_code in (400, 422)  # 400: not even text, as invalid UTF-8 is
    assert counts(seeded) == before


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer"}, {"Authorization": "Bearer " + "x" * 10_000},
        {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer sw__"},
        {"Authorization": "Bearer sw_' OR 1=1 --_x"}, {"Authorization": "Bearer sw_\x7f_\x01"},
        {"Idempotency-Key": ""}, {"Content-Type": "text/plain"}, {"Content-Length": "abc"},
    ],
)  # fmt: skip
def test_hostile_headers_on_writes_are_refused_cleanly(
    writer: Writer, seeded: Engine, headers: dict[str, str]
) -> None:
    client, key = writer
    before = counts(seeded)
    merged = {**key, **headers} if "Authorization" not in headers else headers
    answer = send(client, "POST", "/v1/quotes", json=QUOTE, headers=merged)
    assert answer.status_code in (400, 401, 413, 415, 422)
    assert counts(seeded) == before
