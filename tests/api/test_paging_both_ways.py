"""Keyset pages both ways: every list's ``prev_cursor`` leads back through exactly the pages
its ``next_cursor`` led through, on the direct read path and on the general one alike."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import assert_problem

LISTS = [
    ("/v1/quotes", {"limit": 3}),
    ("/v1/quotes", {"limit": 4, "sort": "date"}),
    ("/v1/quotes", {"limit": 2, "q": "Russia", "sort": "relevance"}),
    ("/v1/quotes", {"limit": 2, "speaker": "blinken", "kind": ["direct", "partial"]}),
    ("/v1/quotes", {"limit": 3, "origin": "seed"}),  # not on the direct path
    ("/v1/quotations", {"limit": 3}),
    ("/v1/quotations", {"limit": 2, "sort": "reports"}),
    ("/v1/speakers", {"limit": 2}),
    ("/v1/outlets", {"limit": 1}),
]


def page(client: TestClient, path: str, params: dict[str, Any]) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(body: dict[str, Any]) -> list[Any]:
    return [item["id"] for item in body["items"]]


@pytest.mark.parametrize(("path", "params"), LISTS)
def test_previous_cursors_retrace_the_pages(
    api: TestClient, path: str, params: dict[str, Any]
) -> None:
    first = page(api, path, params)
    assert first["prev_cursor"] is None
    forward = [first]
    while forward[-1]["next_cursor"]:
        forward.append(page(api, path, {**params, "cursor": forward[-1]["next_cursor"]}))
    assert len(forward) >= 2, "the seed must give this list several pages"
    assert forward[-1]["items"]
    for earlier, later in zip(forward, forward[1:], strict=False):
        assert later["prev_cursor"] is not None
        back = page(api, path, {**params, "cursor": later["prev_cursor"]})
        assert ids(back) == ids(earlier)
        assert back["total"] == earlier["total"]
        # From a page reached going back, "next" leads forward again.
        assert ids(page(api, path, {**params, "cursor": back["next_cursor"]})) == ids(later)
        assert (back["prev_cursor"] is None) == (earlier is first)


def test_a_previous_cursor_of_another_query_is_refused(api: TestClient) -> None:
    second = page(
        api,
        "/v1/quotes",
        {"limit": 3, "cursor": page(api, "/v1/quotes", {"limit": 3})["next_cursor"]},
    )
    body = assert_problem(
        api.get("/v1/quotes", params={"limit": 3, "sort": "date", "cursor": second["prev_cursor"]}),
        422,
    )
    assert body["parameter"] == "cursor"
