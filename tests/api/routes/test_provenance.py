"""Every quote says where it came from, by which rule, how far to trust it, and whether a
person has checked it; people can confirm it, and ask for what is still unchecked."""

from fastapi.testclient import TestClient

ARTICLE = {
    "title": "Council approves bridge",
    "publisher": "UPI",
    "published_on": "2024-06-03",
    "text": "“This bridge will carry the city for a century,” Mayor Ann Reyes told NBC News "
    "on Monday.\nCouncil member Tom Price said the vote was rushed.",
}


def test_seed_quotes_are_curated_and_reviewed(client: TestClient) -> None:
    quote = client.get("/v1/quotes/1").json()
    assert (quote["origin"], quote["reviewed"], quote["basis"]) == ("seed", True, None)


def test_extracted_quotes_carry_their_rule_and_a_confidence_and_are_unreviewed(
    writer: tuple[TestClient, dict[str, str]],
) -> None:
    client, key = writer
    quotes = client.post("/v1/articles", json=ARTICLE, headers=key).json()["quotes"]
    assert {q["origin"] for q in quotes} == {"extracted"}
    assert not any(q["reviewed"] for q in quotes)
    assert all(q["basis"] and 0 < q["confidence"] <= 1 for q in quotes)
    assert quotes[0]["basis"] == "direct, named person"


def test_unreviewed_filter_and_a_confirming_patch(
    writer: tuple[TestClient, dict[str, str]],
) -> None:
    client, key = writer
    quotes = client.post("/v1/articles", json=ARTICLE, headers=key).json()["quotes"]
    unchecked = client.get("/v1/quotes", params={"reviewed": "false"}).json()
    assert {q["id"] for q in unchecked["items"]} == {q["id"] for q in quotes}
    first = quotes[0]["id"]
    confirmed = client.patch(f"/v1/quotes/{first}", json={"reviewed": True}, headers=key)
    assert confirmed.status_code == 200
    assert confirmed.json()["reviewed"] is True
    assert confirmed.json()["text"] == quotes[0]["text"]
    history = client.get(f"/v1/quotes/{first}/history").json()
    assert history["revisions"][-1]["changes"] == {"reviewed": {"before": False, "after": True}}
    left = client.get("/v1/quotes", params={"reviewed": "false", "origin": "extracted"}).json()
    assert first not in {q["id"] for q in left["items"]}
    assert client.get("/v1/quotes", params={"origin": "seed"}).json()["total"] == 16


def test_a_bad_origin_is_a_problem_naming_it(client: TestClient) -> None:
    response = client.get("/v1/quotes", params={"origin": "guessed"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "origin" in response.text


def test_the_page_says_a_machine_attributed_an_unreviewed_quote(
    writer: tuple[TestClient, dict[str, str]],
) -> None:
    client, key = writer
    quotes = client.post("/v1/articles", json=ARTICLE, headers=key).json()["quotes"]
    page = client.get("/", params={"q": "bridge"}).text
    assert "Attributed by machine" in page
    client.patch(f"/v1/quotes/{quotes[0]['id']}", json={"reviewed": True}, headers=key)
    assert "Attributed by machine" not in client.get("/", params={"q": "bridge"}).text
    assert "checked by a person" in client.get(f"/quotes/{quotes[0]['id']}").text
    unchecked = client.get(f"/quotes/{quotes[1]['id']}").text
    assert "attributed by machine, not yet checked by a person" in unchecked
    assert "curated by hand" in client.get("/quotes/1").text


def test_exports_carry_provenance(writer: tuple[TestClient, dict[str, str]]) -> None:
    import csv
    import io

    client, key = writer
    client.post("/v1/articles", json=ARTICLE, headers=key)
    text = client.get("/v1/quotes", params={"origin": "extracted", "format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {r["origin"] for r in rows} == {"extracted"}
    assert {r["reviewed"] for r in rows} == {"False"}
    assert all(r["basis"] and 0 < float(r["confidence"]) <= 1 for r in rows)
