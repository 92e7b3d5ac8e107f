"""Every error is an RFC 9457 problem naming what was wrong; nothing a client sends is a 500."""

from urllib.parse import quote

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.config import Settings
from app.main import create_app
from tests.api.conftest import HOSTILE, assert_problem


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"since": "2024-13-01"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"kind": "rumour"}, "kind"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "eyJmIjoxfQ"}, "cursor"),
        ({"cursor": "W10"}, "cursor"),
        ({"sort": "popularity"}, "sort"),
        ({"article": "-1"}, "article"),
        ({"article": "1e99"}, "article"),
        ({"speaker": "nobody at all"}, "speaker"),
        ({"outlet": "the daily planet"}, "outlet"),
        ({"publisher": "nobody"}, "publisher"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_quote_parameters_are_422_naming_the_parameter(
    api: TestClient, params: dict[str, str], parameter: str
) -> None:
    body = assert_problem(api.get("/v1/quotes", params=params), 422)
    assert body["parameter"] == parameter
    assert body["invalid_params"][0]["name"] == parameter


def test_a_tampered_cursor_position_is_refused(api: TestClient) -> None:
    import base64
    import json

    good = api.get("/v1/quotes", params={"limit": 1}).json()["next_cursor"]
    payload = json.loads(base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)))
    for position in (["not a date", 1], ["2024-05-31", "x"], ["2024-05-31", 2**70], [None, None]):
        forged = base64.urlsafe_b64encode(json.dumps({**payload, "p": position}).encode()).decode()
        body = assert_problem(api.get("/v1/quotes", params={"limit": 1, "cursor": forged}), 422)
        assert body["parameter"] == "cursor"


def test_unknown_routes_and_methods_are_problems(api: TestClient) -> None:
    assert_problem(api.get("/v2/quotes"), 404)
    assert_problem(api.delete("/health"), 405)


def test_a_405_names_every_method_of_the_path_across_routers(api: TestClient) -> None:
    # GET /v1/quotes reads and POST /v1/quotes writes live on two routers.
    answer = api.put("/v1/quotes")
    assert_problem(answer, 405)
    assert answer.headers["allow"] == "GET, HEAD, POST"


def test_path_ids_that_are_not_numbers_are_422(api: TestClient) -> None:
    body = assert_problem(api.get("/v1/quotes/abc"), 422)
    assert body["parameter"] == "quote_id"


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    "param", ["q", "speaker", "outlet", "publisher", "since", "kind", "cursor", "limit", "sort"]
)
def test_hostile_query_values_never_cause_a_server_error(
    api: TestClient, param: str, value: str
) -> None:
    response = api.get("/v1/quotes", params={param: value})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert_problem(response, response.status_code)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    "path", ["/v1/quotes/{}", "/v1/speakers/{}", "/v1/outlets/{}", "/v1/articles/{}"]
)
def test_hostile_path_values_never_cause_a_server_error(
    api: TestClient, path: str, value: str
) -> None:
    response = api.get(path.format(quote(value, safe="")))
    assert response.status_code < 500, response.text


@pytest.mark.parametrize(
    "raw_query", ["q=%FF%FE", "speaker=%C3%28", "limit=%FF", "cursor=%00", "q=%E2%80", "since=%F0"]
)
def test_invalid_utf8_in_the_query_string_is_not_a_server_error(
    api: TestClient, raw_query: str
) -> None:
    response = api.get(f"/v1/quotes?{raw_query}")
    assert response.status_code < 500, response.text


@pytest.mark.parametrize(
    ("path", "params", "parameter"),
    [
        ("/v1/quotes", {"q": "a\x00b"}, "q"),
        ("/v1/quotes", {"speaker": "\x00"}, "speaker"),
        ("/v1/speakers/a%00b", {}, "path"),
        ("/v1/quotes/1%00", {}, "path"),
    ],
)
def test_a_nul_character_is_refused_naming_where_it_was(
    api: TestClient, path: str, params: dict[str, str], parameter: str
) -> None:
    # PostgreSQL cannot store one; both stores refuse it alike.
    body = assert_problem(api.get(path, params=params), 422)
    assert body["parameter"] == parameter


def test_a_nul_character_in_a_body_is_refused_naming_the_field(
    writer: tuple[TestClient, dict[str, str]],
) -> None:
    client, key = writer
    quote = {"article": 1, "speaker": "blinken", "kind": "partial", "text": "Moldova\x00"}
    body = assert_problem(client.post("/v1/quotes", json=quote, headers=key), 422)
    assert body["parameter"] == "text"


def test_an_unexpected_failure_is_a_500_problem_without_a_trace(
    settings: Settings, seeded: Engine
) -> None:
    app = create_app(settings)
    router = APIRouter()

    @router.get("/v1/_boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/v1/_boom")
    body = assert_problem(response, 500)
    assert "secret internals" not in response.text
    assert body["type"] == "/problems/internal"


def test_a_body_too_large_is_the_same_problem_at_the_door_and_in_the_route(
    writer: tuple[TestClient, dict[str, str]], settings: Settings
) -> None:
    """One writer of problems: the door refusing a declared length, the framework stopping a
    chunked body and a route refusing a batch too long all answer alike."""
    client, key = writer
    declared = client.post(
        "/v1/articles", content=b"x" * (settings.max_body_bytes + 1), headers=key
    )
    chunked = client.post(
        "/v1/articles",
        content=iter([b"x" * settings.max_body_bytes, b"x"]),
        headers={**key, "Content-Type": "application/json"},
    )
    lines = b"\n".join(b'{"text": "a", "title": "t", "publisher": "p"}' for _ in range(1001))
    batch = client.post(
        "/v1/articles/batch",
        content=lines,
        headers={**key, "Content-Type": "application/x-ndjson"},
    )
    answers = [assert_problem(answer, 413) for answer in (declared, chunked, batch)]
    assert {(a["type"], a["title"]) for a in answers} == {
        ("/problems/too-large", "Content Too Large")
    }
