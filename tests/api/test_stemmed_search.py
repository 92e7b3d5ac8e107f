"""Plain words find their other forms and OR finds either side, on both stores and on both
read paths; a quoted phrase stays exact."""

from typing import Any

import pytest
from fastapi.testclient import TestClient


def found(client: TestClient, q: str, **params: Any) -> list[int]:
    response = client.get("/v1/quotes", params={"q": q, "limit": 100, **params})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_a_plural_finds_the_singular(api: TestClient) -> None:
    singular = found(api, "escalation")
    assert singular
    assert found(api, "escalations") == singular
    assert found(api, "escalate") == singular


def test_a_quoted_phrase_stays_exact(api: TestClient) -> None:
    assert found(api, '"direct escalation"')
    assert found(api, '"direct escalations"') == []


@pytest.mark.parametrize("sort", ["-date", "date", "relevance"])
def test_or_finds_either_side(api: TestClient, sort: str) -> None:
    hallmark, escalation = set(found(api, "hallmark")), set(found(api, "escalation"))
    assert hallmark and escalation and not hallmark & escalation
    assert set(found(api, "hallmark OR escalation", sort=sort)) == hallmark | escalation


def test_or_binds_tighter_than_and(api: TestClient) -> None:
    both = set(found(api, "hallmark OR escalation", speaker="peskov"))
    assert both == set(found(api, "escalation", speaker="peskov"))
    assert set(found(api, "(hallmark OR escalation) direct")) <= set(found(api, "direct"))


def test_the_page_marks_every_form_found(api: TestClient) -> None:
    page = api.get("/", params={"q": "escalations"}).text
    assert "<mark>escalation</mark>" in page


def test_the_general_path_agrees_with_the_direct_one(api: TestClient) -> None:
    # origin= is left to the general path; the same search without it takes the direct one.
    for q in ("weapons", "strike OR strikes", "escalations Russia", '"long-range" OR hallmark'):
        direct = found(api, q)
        general = found(api, q, origin=["seed", "extracted", "manual"])
        assert direct == general, q
