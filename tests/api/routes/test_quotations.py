"""``/v1/quotations`` and quotations on quotes: one item per quotation, its reports, the
filters of quotes on its reports, keyset pages, corrections by a person."""

from typing import Any

from fastapi.testclient import TestClient

Writer = tuple[TestClient, dict[str, str]]
# The seed's Blinken quotation: his full words and a partial quote of them.
BLINKEN_PARTIAL = 7
BLINKEN_FULL = 10
WORDS = (
    "We will keep the border crossings open for aid convoys as long as the fighting lasts, "
    "and we will not ask anyone for permission"
)


def post_article(client: TestClient, key: dict[str, str], publisher: str, text: str) -> Any:
    body = {"title": f"Aid in {publisher}", "publisher": publisher,
            "published_on": "2024-06-20", "text": text}  # fmt: skip
    answer = client.post("/v1/articles", json=body, headers=key)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_every_quote_names_its_quotation_and_reports_of_the_same_words_share_it(
    api: TestClient,
) -> None:
    partial = api.get(f"/v1/quotes/{BLINKEN_PARTIAL}").json()
    full = api.get(f"/v1/quotes/{BLINKEN_FULL}").json()
    assert partial["quotation"] == full["quotation"] is not None
    listed = api.get("/v1/quotes", params={"speaker": "blinken", "limit": 100}).json()["items"]
    assert all(isinstance(item["quotation"], int) for item in listed)


def test_a_quotation_lists_every_report_oldest_first_with_its_own_words(api: TestClient) -> None:
    quotation_id = api.get(f"/v1/quotes/{BLINKEN_FULL}").json()["quotation"]
    answer = api.get(f"/v1/quotations/{quotation_id}")
    assert answer.status_code == 200 and answer.headers["etag"]
    quotation = answer.json()
    assert quotation["speaker"]["id"] == "antony-blinken"
    assert quotation["reports"] == 2 and quotation["publishers"] == 1
    assert quotation["text"] == api.get(f"/v1/quotes/{BLINKEN_FULL}").json()["text"]
    assert {r["quote"] for r in quotation["items"]} == {BLINKEN_PARTIAL, BLINKEN_FULL}
    partial = next(r for r in quotation["items"] if r["quote"] == BLINKEN_PARTIAL)
    assert partial["text"] == "pursuing its aggression, escalation" and partial["kind"] == "partial"
    assert partial["article"]["publisher"]["id"] == "upi"
    assert quotation["first_said"] == "2024-05-29" and quotation["first_reported"] == "2024-05-31"


def test_quotations_sorted_by_reports_put_the_most_carried_first(api: TestClient) -> None:
    items = api.get("/v1/quotations", params={"sort": "reports", "limit": 100}).json()["items"]
    counts = [item["reports"] for item in items]
    assert counts == sorted(counts, reverse=True) and counts[0] == 2


def test_following_cursors_returns_every_quotation_once_in_each_order(api: TestClient) -> None:
    total = api.get("/v1/quotations").json()["total"]
    for sort in ("-date", "date", "reports"):
        seen: list[int] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"sort": sort, "limit": 3}
            if cursor:
                params["cursor"] = cursor
            page = api.get("/v1/quotations", params=params).json()
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == total, sort


def test_the_filters_of_quotes_apply_to_a_quotations_reports(api: TestClient) -> None:
    def ids(**params: Any) -> set[int]:
        answer = api.get("/v1/quotations", params={**params, "limit": 100})
        assert answer.status_code == 200, answer.text
        return {item["id"] for item in answer.json()["items"]}

    everything = ids()
    blinken = ids(speaker="blinken")
    assert blinken and blinken < everything
    assert all(
        api.get(f"/v1/quotations/{i}").json()["speaker"]["id"] == "antony-blinken" for i in blinken
    )
    to_cbs = ids(outlet="CBS News")
    assert to_cbs and all(
        any(r["outlet"] and r["outlet"]["id"] == "cbs-news"
            for r in api.get(f"/v1/quotations/{i}").json()["items"])
        for i in to_cbs
    )  # fmt: skip
    assert ids(q='"direct escalation"') == {
        api.get("/v1/quotes", params={"q": '"direct escalation"'}).json()["items"][0]["quotation"]
    }
    assert ids(kind="partial") and ids(kind="partial") < everything
    assert ids(publisher="upi") == everything
    assert ids(until="2024-05-10") == ids(speaker="david-cameron")
    assert ids(since="2024-06-01") == set()


def test_bad_quotation_queries_are_named_problems(api: TestClient) -> None:
    for params, name in [
        ({"speaker": "nobody at all"}, "speaker"),
        ({"sort": "loudest"}, "sort"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
        ({"limit": 0}, "limit"),
        ({"since": "yesterday"}, "since"),
    ]:
        answer = api.get("/v1/quotations", params=params)
        assert answer.status_code == 422, (params, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["parameter"] == name
    page = api.get("/v1/quotations", params={"limit": 1}).json()
    mixed = api.get("/v1/quotations", params={"limit": 1, "sort": "reports",
                                              "cursor": page["next_cursor"]})  # fmt: skip
    assert mixed.status_code == 422
    assert api.get("/v1/quotations/999999").status_code == 404
    assert api.get("/v1/quotations/0").status_code == 422


def test_a_new_article_repeating_stored_words_joins_their_quotation(writer: Writer) -> None:
    client, key = writer
    post_article(client, key, "Border Gazette",
                 f"\u201c{WORDS},\u201d Interior Minister Ana Duarte said on Monday.")  # fmt: skip
    second = post_article(
        client, key, "Northern Wire",
        "Interior Minister Ana Duarte said the crossings would stay open. \u201cWe will keep the "
        "border crossings open for aid convoys as long as the fighting lasts,\u201d she said.",
    )  # fmt: skip
    quote = next(q for q in second["quotes"] if q["kind"] == "direct")
    quotation = client.get(f"/v1/quotations/{quote['quotation']}").json()
    assert quotation["reports"] == 2 and quotation["publishers"] == 2
    assert quotation["text"] == WORDS
    # Her reported words in the second article are another statement.
    listed = client.get("/v1/quotations", params={"speaker": "Ana Duarte", "sort": "reports"})
    assert [item["reports"] for item in listed.json()["items"]] == [2, 1]


def test_a_person_can_take_a_report_out_of_its_quotation_and_put_it_back(writer: Writer) -> None:
    client, key = writer
    together = client.get(f"/v1/quotes/{BLINKEN_PARTIAL}").json()["quotation"]
    detached = client.patch(f"/v1/quotes/{BLINKEN_PARTIAL}", json={"quotation": None}, headers=key)
    assert detached.status_code == 200, detached.text
    alone = detached.json()["quotation"]
    assert alone != together
    assert client.get(f"/v1/quotations/{together}").json()["reports"] == 1
    back = client.patch(f"/v1/quotes/{BLINKEN_PARTIAL}", json={"quotation": together}, headers=key)
    assert back.status_code == 200 and back.json()["quotation"] == together
    assert client.get(f"/v1/quotations/{alone}").status_code == 404
    history = client.get(f"/v1/quotes/{BLINKEN_PARTIAL}/history").json()["revisions"]
    assert [r["changes"]["quotation"] for r in history[-2:]] == [
        {"before": together, "after": alone},
        {"before": alone, "after": together},
    ]


def test_a_quotation_of_another_speaker_or_none_at_all_is_refused(writer: Writer) -> None:
    client, key = writer
    peskov = client.get("/v1/quotes", params={"speaker": "peskov"}).json()["items"][0]
    before = client.get(f"/v1/quotes/{BLINKEN_PARTIAL}").json()
    for value in (peskov["quotation"], 999999, "7", 0):
        answer = client.patch(
            f"/v1/quotes/{BLINKEN_PARTIAL}", json={"quotation": value}, headers=key
        )
        assert answer.status_code == 422, (value, answer.text)
        assert answer.json()["parameter"].endswith("quotation")
    assert client.get(f"/v1/quotes/{BLINKEN_PARTIAL}").json() == before


def test_a_corrected_text_or_speaker_is_grouped_again(writer: Writer) -> None:
    client, key = writer
    cameron = client.get("/v1/quotes", params={"speaker": "cameron"}).json()["items"]
    quote = cameron[0]
    moved = client.patch(f"/v1/quotes/{quote['id']}", json={"speaker": "blinken"}, headers=key)
    assert moved.status_code == 200, moved.text
    quotation = client.get(f"/v1/quotations/{moved.json()['quotation']}").json()
    assert quotation["speaker"]["id"] == "antony-blinken"
    assert client.get(f"/v1/quotations/{quote['quotation']}").status_code in (200, 404)
    if client.get(f"/v1/quotations/{quote['quotation']}").status_code == 200:
        old = client.get(f"/v1/quotations/{quote['quotation']}").json()
        assert quote["id"] not in [r["quote"] for r in old["items"]]


def test_deleting_a_report_updates_its_quotation(writer: Writer) -> None:
    client, key = writer
    quotation_id = client.get(f"/v1/quotes/{BLINKEN_FULL}").json()["quotation"]
    assert client.delete(f"/v1/quotes/{BLINKEN_FULL}", headers=key).status_code == 204
    quotation = client.get(f"/v1/quotations/{quotation_id}").json()
    assert quotation["reports"] == 1 and quotation["text"] == "pursuing its aggression, escalation"


def test_a_speakers_quotations_follow_a_merge(writer: Writer, seeded: Any) -> None:
    from app.db import session_scope
    from app.keys import create_key

    client, _ = writer
    with session_scope(seeded) as session:
        admin = {"Authorization": f"Bearer {create_key(session, 'chief', admin=True).token}"}
    before = client.get("/v1/quotations", params={"speaker": "russia"}).json()["total"]
    answer = client.post("/v1/speakers/russia/merge", json={"into": "peskov"}, headers=admin)
    assert answer.status_code == 200, answer.text
    peskov = client.get("/v1/quotations", params={"speaker": "peskov"}).json()
    assert peskov["total"] == 1 + before
    assert all(item["speaker"]["id"] == "dmitry-peskov" for item in peskov["items"])


def test_the_quote_page_lists_the_other_reports(api: TestClient) -> None:
    page = api.get(f"/quotes/{BLINKEN_PARTIAL}")
    assert page.status_code == 200
    assert "Reported 2 times" in page.text and f'href="/quotes/{BLINKEN_FULL}"' in page.text
    alone = api.get("/v1/quotes", params={"speaker": "peskov"}).json()["items"][0]["id"]
    assert "Reported once" in api.get(f"/quotes/{alone}").text
