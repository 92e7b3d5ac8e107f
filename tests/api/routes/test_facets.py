"""``/v1/quotes/facets``: every count is the total the same filter gives in ``/v1/quotes``,
counts follow the store as it changes, and the cost is bounded by the scan."""

import calendar
from typing import Any

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.api.conftest import assert_problem


def facets(client: TestClient, **params: Any) -> dict[str, Any]:
    response = client.get("/v1/quotes/facets", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def filter_for(facet: str, value: str) -> dict[str, str]:
    if facet == "year":
        return {"since": f"{value}-01-01", "until": f"{value}-12-31"}
    if facet == "month":
        year, month = int(value[:4]), int(value[5:7])
        last = calendar.monthrange(year, month)[1]
        return {"since": f"{value}-01", "until": f"{value}-{last:02d}"}
    return {facet: value}


def test_every_count_is_the_total_of_that_filter(api: TestClient) -> None:
    found = facets(api, limit=100)
    assert found["exact"] is True
    assert found["counted"] == api.get("/v1/quotes").json()["total"]
    assert set(found["facets"]) == {"speaker", "outlet", "publisher", "kind", "year", "month"}
    for name, facet in found["facets"].items():
        assert facet["values"], name
        for value in facet["values"]:
            total = api.get("/v1/quotes", params=filter_for(name, value["value"])).json()["total"]
            assert value["count"] == total, (name, value)


def test_facets_narrow_with_the_filters(api: TestClient) -> None:
    found = facets(api, speaker="blinken", facet=["speaker", "kind"])
    assert set(found["facets"]) == {"speaker", "kind"}
    assert found["facets"]["speaker"]["values"] == [
        {"value": "antony-blinken", "label": "Antony Blinken", "count": found["counted"]}
    ]
    kinds = found["facets"]["kind"]["values"]
    assert sum(v["count"] for v in kinds) == found["counted"]
    assert {v["label"] for v in kinds} <= {"Direct", "Partial", "Indirect"}
    searched = facets(api, q='"direct escalation"', facet="speaker")
    assert [v["value"] for v in searched["facets"]["speaker"]["values"]] == ["dmitry-peskov"]


def test_values_are_most_first_and_the_rest_is_other(api: TestClient) -> None:
    everything = facets(api, facet="speaker", limit=100)["facets"]["speaker"]
    counts = [v["count"] for v in everything["values"]]
    assert counts == sorted(counts, reverse=True)
    assert everything["other"] == 0
    top = facets(api, facet="speaker", limit=2)["facets"]["speaker"]
    assert top["values"] == everything["values"][:2]
    assert top["other"] == sum(counts[2:])


def test_months_are_labelled_as_a_reader_says_them(api: TestClient) -> None:
    months = facets(api, facet="month")["facets"]["month"]["values"]
    assert {"value": "2024-05", "label": "May 2024"} in [
        {k: v[k] for k in ("value", "label")} for v in months
    ]


def test_bad_facets_and_filters_are_problems(api: TestClient) -> None:
    assert assert_problem(api.get("/v1/quotes/facets?facet=colour"), 422)["parameter"] == "facet"
    assert assert_problem(api.get("/v1/quotes/facets?limit=0"), 422)["parameter"] == "limit"
    body = assert_problem(api.get("/v1/quotes/facets?speaker=Blinkin"), 422)
    assert body["suggestions"][0]["id"] == "antony-blinken"
    assert assert_problem(api.get("/v1/quotes/facets?sort=date"), 422)["parameter"] == "sort"


def test_counts_follow_a_new_quote_at_once(writer: tuple[TestClient, dict[str, str]]) -> None:
    client, key = writer
    before = facets(client, speaker="blinken", facet="kind")
    posted = client.post(
        "/v1/quotes",
        json={"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova"},
        headers=key,
    )
    assert posted.status_code == 201, posted.text
    after = facets(client, speaker="blinken", facet="kind")
    assert after["counted"] == before["counted"] + 1
    deleted = client.delete(f"/v1/quotes/{posted.json()['id']}", headers=key)
    assert deleted.status_code == 204, deleted.text
    assert facets(client, speaker="blinken", facet="kind") == before


def test_past_the_scan_counts_are_of_the_newest_and_say_so(settings: Settings, seeded: Any) -> None:
    with TestClient(create_app(settings.model_copy(update={"facet_scan": 5}))) as client:
        found = facets(client, facet="month")
    assert found["exact"] is False
    assert found["counted"] == 5
    assert found["facets"]["month"]["exact"] is False
    assert sum(v["count"] for v in found["facets"]["month"]["values"]) == 5


def test_two_stores_alike_are_never_taken_for_each_other(tmp_path: Any) -> None:
    """What is remembered is keyed by the store as well as its version: two stores seeded
    alike stand at the same ids, and a process (tests, a copy) may hold both."""
    from sqlmodel import Session

    from app.db import make_engine
    from app.queries.store_version import store_version
    from tests.conftest import seeded_store_with_key

    versions = []
    for name in ("one", "two"):
        folder = tmp_path / name
        folder.mkdir()
        settings, _ = seeded_store_with_key(folder, "k")
        engine = make_engine(settings)
        with Session(engine) as session:
            versions.append(store_version(session))
        engine.dispose()
    assert versions[0][1:] == versions[1][1:]
    assert versions[0] != versions[1]
