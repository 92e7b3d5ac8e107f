"""The OpenAPI document is the manual: every parameter says what it means and shows an example."""

from typing import Any

from fastapi.testclient import TestClient


def operations(api: TestClient) -> list[tuple[str, dict[str, Any]]]:
    spec = api.get("/openapi.json").json()
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_parameter_has_a_description_and_an_example(api: TestClient) -> None:
    missing = []
    for name, operation in operations(api):
        for parameter in operation.get("parameters", []):
            if not parameter.get("description"):
                missing.append(f"{name} {parameter['name']}: description")
            if not (parameter.get("examples") or parameter.get("schema", {}).get("examples")):
                if parameter["name"] != "slug":
                    missing.append(f"{name} {parameter['name']}: example")
    assert missing == []


def test_every_documented_route_of_the_contract_is_there(api: TestClient) -> None:
    names = {name for name, _ in operations(api)}
    assert {
        "GET /v1/quotes", "GET /v1/quotes/{quote_id}", "GET /v1/speakers",
        "GET /v1/speakers/{speaker}", "GET /v1/outlets", "GET /v1/outlets/{outlet}",
        "GET /v1/articles", "GET /v1/articles/{article_id}", "GET /health",
    } <= names  # fmt: skip


def test_the_interactive_docs_are_served(api: TestClient) -> None:
    response = api.get("/docs")
    assert response.status_code == 200 and "swagger" in response.text.lower()
