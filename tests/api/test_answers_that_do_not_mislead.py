"""A request that cannot mean what it says is refused, naming the mistake and the likely fix,
instead of an answer that looks like "nobody said anything"."""

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import assert_problem


@pytest.mark.parametrize(
    ("path", "wrong", "meant"),
    [
        ("/v1/quotes?speker=blinken", "speker", "speaker"),
        ("/v1/quotes?q=escalation&untill=2024-05-01", "untill", "until"),
        ("/v1/quotations?speeker=peskov", "speeker", "speaker"),
        ("/v1/speakers?kinds=person", "kinds", "kind"),
        ("/v1/articles?publisherr=upi", "publisherr", "publisher"),
    ],
)
def test_unknown_query_parameter_is_named_with_the_closest_known(
    api: TestClient, path: str, wrong: str, meant: str
) -> None:
    body = assert_problem(api.get(path), 422)
    assert body["parameter"] == wrong
    assert f"did you mean {meant!r}" in body["detail"]
    assert body["suggestions"] == [{"id": meant, "name": meant}]


def test_unknown_parameter_unlike_any_is_named_without_a_guess(api: TestClient) -> None:
    body = assert_problem(api.get("/v1/quotes?zzzzzz=1"), 422)
    assert body["parameter"] == "zzzzzz"
    assert body["suggestions"] == []


def test_known_parameters_still_answer(api: TestClient) -> None:
    response = api.get("/v1/quotes", params={"speaker": "blinken", "kind": "direct", "limit": 2})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/v1/quotes", "/v1/quotations", "/v1/articles"])
def test_since_after_until_is_refused(api: TestClient, path: str) -> None:
    body = assert_problem(api.get(path, params={"since": "2024-06-01", "until": "2024-05-01"}), 422)
    assert body["parameter"] == "since"
    assert "after until" in body["detail"]


def test_same_day_since_and_until_is_a_range(api: TestClient) -> None:
    response = api.get("/v1/quotes", params={"since": "2024-05-29", "until": "2024-05-29"})
    assert response.status_code == 200


def test_unknown_article_filter_names_the_filter(api: TestClient) -> None:
    body = assert_problem(api.get("/v1/quotes?article=999"), 422)
    assert body["parameter"] == "article"
    assert "no article 999" in body["detail"]
    assert api.get("/v1/quotes?article=1").json()["total"] > 0


@pytest.mark.parametrize(
    ("params", "parameter", "suggested"),
    [
        ({"speaker": "Blinkin"}, "speaker", "antony-blinken"),
        ({"speaker": "Dmitri Peskoff"}, "speaker", "dmitry-peskov"),
        ({"outlet": "CBS Newz"}, "outlet", "cbs-news"),
    ],
)
def test_unknown_name_is_refused_with_the_closest_stored_ones(
    api: TestClient, params: dict[str, str], parameter: str, suggested: str
) -> None:
    body = assert_problem(api.get("/v1/quotes", params=params), 422)
    assert body["parameter"] == parameter
    assert body["suggestions"][0]["id"] == suggested
    assert "did you mean" in body["detail"]
    # The suggestion is a value the filter takes.
    assert api.get("/v1/quotes", params={parameter: suggested}).json()["total"] > 0


def test_a_name_like_nothing_stored_gets_no_suggestions(api: TestClient) -> None:
    body = assert_problem(api.get("/v1/quotes", params={"speaker": "Xqzvw Plorth"}), 422)
    assert body["suggestions"] == []
    assert "did you mean" not in body["detail"]


def test_check_of_an_unknown_speaker_suggests_too(api: TestClient) -> None:
    body = assert_problem(
        api.get("/v1/check", params={"text": "escalation", "speaker": "Peskof"}), 422
    )
    assert body["suggestions"][0]["id"] == "dmitry-peskov"


def test_speaker_search_finds_a_misspelt_name(api: TestClient) -> None:
    found = api.get("/v1/speakers", params={"q": "Blinkin"}).json()
    assert [s["id"] for s in found["items"]] == ["antony-blinken"]
    # A name that is there is found as before, by the words it holds.
    assert "david-cameron" in [s["id"] for s in api.get("/v1/speakers?q=cam").json()["items"]]
    assert api.get("/v1/speakers", params={"q": "Xqzvw Plorth"}).json()["items"] == []


def test_malformed_json_names_the_line_and_column(
    writer: tuple[TestClient, dict[str, str]],
) -> None:
    client, auth = writer
    sent = '{"text": "direct escalation",\n  "speaker": }'
    response = client.post(
        "/v1/check", content=sent, headers={**auth, "Content-Type": "application/json"}
    )
    body = assert_problem(response, 422)
    assert body["parameter"] == "body"
    assert "line 2, column 14" in body["detail"]
    assert '"9"' not in response.text


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/v1/check", "text/plain"),
        ("/v1/quotes", "application/x-www-form-urlencoded"),
        ("/v1/articles", "multipart/form-data; boundary=x"),
    ],
)
def test_a_body_that_is_not_json_is_415(
    writer: tuple[TestClient, dict[str, str]], path: str, content_type: str
) -> None:
    client, auth = writer
    response = client.post(
        path, content=b"text=hello", headers={**auth, "Content-Type": content_type}
    )
    body = assert_problem(response, 415)
    assert content_type.split(";")[0] in body["detail"]
    assert body["type"] == "/problems/unsupported-media-type"


def test_json_with_a_structured_suffix_is_json(writer: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = writer
    response = client.post(
        "/v1/check",
        content=b'{"text": "direct escalation"}',
        headers={**auth, "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text


def test_unknown_page_address_is_the_html_404_page(api: TestClient) -> None:
    response = api.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Nothing is published at /no-such-page" in response.text
    assert "Content-Security-Policy" in response.headers


def test_unknown_api_address_stays_a_problem(api: TestClient) -> None:
    assert_problem(api.get("/v1/no-such-thing", headers={"Accept": "text/html"}), 404)
    assert_problem(api.get("/no-such-page", headers={"Accept": "application/json"}), 404)


def test_favicon_is_served(api: TestClient) -> None:
    response = api.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")
    assert 'rel="icon"' in api.get("/").text
