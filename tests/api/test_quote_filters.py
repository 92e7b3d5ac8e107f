"""Filters defined once in ``app/queries/quote_filters.py`` reach every quote route, the direct
path and ``/v1/quotations``: pinned here through ``speaker_kind``, the filter added last."""

import csv
import io

import pytest
from fastapi.testclient import TestClient

from app.queries.quote_filters import FILTERS


def _all_quotes(api: TestClient) -> list[dict[str, object]]:
    return list(api.get("/v1/quotes", params={"limit": 100}).json()["items"])


@pytest.mark.parametrize("kind", ["anonymous", "person", "organization"])
def test_speaker_kind_keeps_the_quotes_of_that_kind_of_speaker(api: TestClient, kind: str) -> None:
    expected = {q["id"] for q in _all_quotes(api) if q["speaker"]["kind"] == kind}  # type: ignore[index]
    answer = api.get("/v1/quotes", params={"speaker_kind": kind, "limit": 100})
    assert answer.status_code == 200
    found = {q["id"] for q in answer.json()["items"]}
    assert found == expected
    assert answer.json()["total"] == len(expected)


def test_speaker_kinds_repeated_are_any_of_them(api: TestClient) -> None:
    quotes = _all_quotes(api)
    either = [("speaker_kind", "anonymous"), ("speaker_kind", "organization"), ("limit", "100")]
    answer = api.get("/v1/quotes", params=either)
    named = sum(q["speaker"]["kind"] == "person" for q in quotes)  # type: ignore[index]
    assert answer.json()["total"] == len(quotes) - named


def test_speaker_kind_narrows_facets_feeds_exports_and_quotations(api: TestClient) -> None:
    anonymous = [q for q in _all_quotes(api) if q["speaker"]["kind"] == "anonymous"]  # type: ignore[index]
    assert anonymous, "the seed quotes unnamed officials"
    facets = api.get("/v1/quotes/facets", params={"speaker_kind": "anonymous"}).json()
    assert facets["counted"] == len(anonymous)
    speakers = {q["speaker"]["id"] for q in anonymous}  # type: ignore[index]
    assert {v["value"] for v in facets["facets"]["speaker"]["values"]} == speakers
    feed = api.get("/v1/quotes.atom", params={"speaker_kind": "anonymous", "limit": 50})
    assert feed.text.count("<entry>") == len(anonymous)
    exported = api.get("/v1/quotes", params={"speaker_kind": "anonymous", "format": "csv"})
    assert len(list(csv.DictReader(io.StringIO(exported.text)))) == len(anonymous)
    quotations = api.get("/v1/quotations", params={"speaker_kind": "anonymous"}).json()
    assert quotations["total"] == len({q["quotation"] for q in anonymous})
    assert {t["speaker"]["kind"] for t in quotations["items"]} == {"anonymous"}


def test_an_unknown_speaker_kind_is_a_problem_naming_the_parameter(api: TestClient) -> None:
    answer = api.get("/v1/quotes", params={"speaker_kind": "ghost"})
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["parameter"] == "speaker_kind"


@pytest.mark.parametrize("path", ["/v1/quotes", "/v1/quotes/facets", "/v1/quotes.atom"])
def test_every_filter_is_a_documented_parameter_of_every_quote_route(
    api: TestClient, path: str
) -> None:
    documented = {
        p["name"]: p for p in api.get("/openapi.json").json()["paths"][path]["get"]["parameters"]
    }
    for each in FILTERS:
        assert documented[each.param]["description"] == each.description
    assert "q" in documented


def test_quotations_document_every_filter_on_reports_and_their_own(api: TestClient) -> None:
    operation = api.get("/openapi.json").json()["paths"]["/v1/quotations"]["get"]
    documented = {p["name"] for p in operation["parameters"]}
    assert {f.param for f in FILTERS if f.on_reports} <= documented
    assert {"speaker", "since", "until", "q", "sort", "limit", "cursor"} <= documented
    assert "article" not in documented


@pytest.mark.parametrize(("params", "reviewed"), [({"reviewed": "true"}, True),
                                                  ({"reviewed": "false"}, False)])  # fmt: skip
def test_quotations_keep_those_with_a_report_of_the_review_asked(
    api: TestClient, params: dict[str, str], reviewed: bool
) -> None:
    quotes = _all_quotes(api)
    expected = {q["quotation"] for q in quotes if q["reviewed"] is reviewed}
    answer = api.get("/v1/quotations", params={**params, "limit": 100})
    assert answer.status_code == 200
    assert {t["id"] for t in answer.json()["items"]} == expected


def test_quotations_keep_those_with_a_report_from_the_origin_asked(api: TestClient) -> None:
    quotes = _all_quotes(api)
    seeded = {q["quotation"] for q in quotes if q["origin"] == "seed"}
    assert seeded, "the seed's quotes are of origin seed"
    found = api.get("/v1/quotations", params={"origin": "seed", "limit": 100}).json()
    assert {t["id"] for t in found["items"]} == seeded
    assert api.get("/v1/quotations", params={"origin": "manual"}).json()["total"] == 0
