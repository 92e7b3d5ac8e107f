"""Ids past what the stores hold are refused as bad input on every route, never a 500: the
columns are 64-bit on both stores and every route takes the same bound."""

import httpx
import pytest

from tests.hardening.conftest import Live

PAST_32_BITS = 2**31
LARGEST = 2**63 - 1
PAST_64_BITS = 2**63


@pytest.mark.parametrize("value", [PAST_32_BITS, LARGEST])
def test_ids_the_store_can_hold_but_does_not_are_404s(live: Live, value: int) -> None:
    with httpx.Client(base_url=live.base, headers=live.headers) as client:
        for answer in (
            client.get(f"/v1/quotes/{value}"),
            client.get(f"/v1/quotes/{value}/history"),
            client.get(f"/v1/articles/{value}"),
            client.patch(f"/v1/quotes/{value}", json={"cue": "said"}),
            client.delete(f"/v1/quotes/{value}"),
        ):
            assert answer.status_code == 404, (answer.request.url, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
        # A filter naming no stored article is a mistake named as such, not an empty list.
        listed = client.get("/v1/quotes", params={"article": value})
        assert listed.status_code == 422 and listed.json()["parameter"] == "article"
        page = client.get("/", params={"article": str(value)})
        assert page.status_code == 422 and f"There is no article {value}" in page.text
        body = {"article": value, "speaker": "blinken", "kind": "partial", "text": "Moldova"}
        assert client.post("/v1/quotes", json=body).status_code == 422
        continues = client.patch("/v1/quotes/1", json={"continues": value})
        assert continues.status_code == 422
        revert = client.post(f"/v1/speakers/blinken/history/{value}/revert")
        assert revert.status_code == 404


def test_ids_past_64_bits_are_422s_naming_the_parameter(live: Live) -> None:
    with httpx.Client(base_url=live.base, headers=live.headers) as client:
        for path in (
            f"/v1/quotes/{PAST_64_BITS}",
            f"/v1/quotes/{PAST_64_BITS}/history",
            f"/v1/articles/{PAST_64_BITS}",
            f"/v1/quotes?article={PAST_64_BITS}",
        ):
            answer = client.get(path)
            assert answer.status_code == 422, (path, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"
        assert client.patch(f"/v1/quotes/{PAST_64_BITS}", json={}).status_code == 422
        assert client.delete(f"/v1/quotes/{PAST_64_BITS}").status_code == 422
        page = client.get("/", params={"article": str(PAST_64_BITS)})
        assert page.status_code == 422 and "article" in page.text
