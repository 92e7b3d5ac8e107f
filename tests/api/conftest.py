"""What the API's tests share: how a problem answer must look, the hostile values every
parameter is tried with, and an article to post."""

from typing import Any

from fastapi.testclient import TestClient

# A client with a write key's headers (the ``writer`` fixture).
Writer = tuple[TestClient, dict[str, str]]

PROBLEM_FIELDS = {"type", "title", "status", "detail"}


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert PROBLEM_FIELDS <= body.keys()
    assert body["status"] == status
    assert "Traceback" not in response.text
    return body


# Quotes, NUL bytes, huge and odd numbers, SQL, FTS5 syntax, template and path tricks, odd
# Unicode, header injection. Invalid UTF-8 is sent raw, below.
HOSTILE = [
    "'", '"', "\\", "%", "_", "%00", "\x00", "' OR 1=1 --", "1; DROP TABLE quote", "NULL",
    "../../etc/passwd", "<script>alert(1)</script>", "${7*7}", "{{7*7}}", "🙂" * 50,
    "\u202e", "\ufeff", "a" * 5000, "-1", "9" * 40, "1e309", "NaN", "[]", "{}",
    '"*', "NEAR(", "col:val", "^", "AND", "OR NOT",
    "0", "-0", "1.5", str(2**63), str(2**64), "0x10", "１２", "١٢٣", " ", "\t\r\n",
    "%s%s%s%n", "\r\nSet-Cookie: a=b", "*", '"""', "''", "(", ")", '"a" AND "b"', "text:x",
    "NEAR(a b, 3)", "a*b", "*a", "+", "1 UNION SELECT sqlite_version()",
    "; ATTACH DATABASE '/tmp/x' AS x", "\x7f\x01", "2024-02-30", "0000-00-00", "9999-12-31",
    "2024-05-31T00:00:00", "—", "\u0000\u0000", "a\x00b", "%27%20OR%201%3D1",
]  # fmt: skip

STORY = (
    "Springfield, June 3 (Gazette) — The city council approved the new bridge on Monday.\n"
    "“This bridge will carry the city for a century,” Mayor Ann Reyes told NBC News.\n"
    "Council member Tom Price said the vote was rushed and warned that costs would rise.\n"
    "“We have not seen the final bill,” he said."
)


def article(body: str = STORY, **fields: Any) -> dict[str, Any]:
    return {
        "title": "Council approves bridge",
        "publisher": "Springfield Gazette",
        "published_on": "2024-06-03",
        "text": body,
        **fields,
    }
