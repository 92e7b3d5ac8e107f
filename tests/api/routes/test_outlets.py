"""``/v1/outlets``: lists with the quotes given to each, lookups by id or name."""

import pytest
from fastapi.testclient import TestClient


def test_outlets_count_the_quotes_given_to_them(api: TestClient) -> None:
    items = api.get("/v1/outlets").json()["items"]
    assert {i["id"]: i["quote_count"] for i in items} == {
        "cbs-news": 2, "nbc-news": 0, "the-washington-post": 1, "upi": 0,
    }  # fmt: skip


def test_outlet_name_search(api: TestClient) -> None:
    items = api.get("/v1/outlets", params={"q": "post"}).json()["items"]
    assert [i["id"] for i in items] == ["the-washington-post"]


@pytest.mark.parametrize("name", ["cbs-news", "CBS News", "cbs"])
def test_an_outlet_by_id_or_name(api: TestClient, name: str) -> None:
    assert api.get(f"/v1/outlets/{name}").json()["name"] == "CBS News"


def test_an_unknown_outlet_is_404(api: TestClient) -> None:
    assert api.get("/v1/outlets/reuters").status_code == 404
