"""Articles nobody knows the date of: accepted, stored undated, nothing in them dated from
them, listed after every dated article, and shown and cited as undated."""

import datetime as dt
import json

from tests.api.conftest import article

UNDATED = (
    "The county opened the new ferry terminal on Wednesday after two years of work.\n"
    "“The boats will run every twenty minutes,” harbour master Ines Varga said on Wednesday.\n"
    "Varga said the old pier would become a park."
)


def post_undated(client, key, text: str = UNDATED):  # type: ignore[no-untyped-def]
    fields = article(text)
    del fields["published_on"]
    response = client.post("/v1/articles", json=fields, headers=key)
    assert response.status_code == 201, response.text
    return response.json()


def test_an_article_without_a_date_is_stored_undated_and_dates_nothing(writer) -> None:
    client, key = writer
    body = post_undated(client, key)
    assert body["published_on"] is None
    assert body["quotes"], "its quotes are still attributed"
    today = dt.datetime.now(dt.UTC).date().isoformat()
    for quote in body["quotes"]:
        # "on Wednesday" with no publication date is no date at all.
        assert quote["said_on"] is None and quote["article"]["published_on"] is None
        assert quote["date"] == today  # sorted and filtered by the day it was stored
    assert client.get(f"/v1/articles/{body['id']}").json()["published_on"] is None


def test_undated_articles_list_after_every_dated_one_across_pages(writer) -> None:
    client, key = writer
    first = post_undated(client, key)
    second = post_undated(client, key, UNDATED + "\nThe ferry will run all winter, Varga said.")
    dated = client.post(
        "/v1/articles", json=article(UNDATED + "\nA dated copy."), headers=key
    ).json()
    seen, cursor = [], None
    while True:
        params = {"limit": "1", **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/articles", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [dated["id"], 1, second["id"], first["id"]]
    # A date range leaves undated articles out: nobody knows they fall in it.
    ranged = client.get("/v1/articles", params={"since": "2000-01-01"}).json()
    assert first["id"] not in [item["id"] for item in ranged["items"]]


def test_an_undated_article_is_shown_and_cited_as_undated(writer) -> None:
    client, key = writer
    body = post_undated(client, key)
    quote_id = body["quotes"][0]["id"]
    page = client.get(f"/articles/{body['id']}")
    assert page.status_code == 200 and "undated" in page.text
    cited = client.get(f"/v1/quotes/{quote_id}", headers={"Accept": "text/plain"})
    assert cited.status_code == 200 and "n.d." in cited.text
    csl = client.get(
        f"/v1/quotes/{quote_id}", headers={"Accept": "application/vnd.citationstyles.csl+json"}
    )
    assert csl.status_code == 200
    (item,) = json.loads(csl.content)
    assert "issued" not in item and item["custom"]["said_on"] is None
