"""``/v1/check`` and the /check page: did this person say these words, and where?"""

from typing import Any

from fastapi.testclient import TestClient

from app.models.public import MAX_CHECK_TEXT

PESKOV = (
    "This is a direct escalation of tension around the Ukrainian conflict, which would "
    "potentially pose a threat to European security"
)


def check(api: TestClient, **body: Any) -> Any:
    answer = api.post("/v1/check", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_words_as_stored_are_exact_with_where_they_were_reported(api: TestClient) -> None:
    result = check(api, text=PESKOV.upper().replace(",", ""), speaker="Peskov")
    assert result["verdict"] == "exact" and result["said_by_others"] == []
    best = result["matches"][0]
    assert best["verdict"] == "exact" and best["same_speaker"] is True and not best["fragment"]
    assert best["quotation"]["speaker"]["id"] == "dmitry-peskov"
    assert best["quotation"]["first_reported"] == "2024-05-31"
    reports = api.get(f"/v1/quotations/{best['quotation']['id']}").json()["items"]
    assert reports[0]["article"]["publisher"]["id"] == "upi"


def test_part_of_the_words_is_exact_and_marked_a_fragment(api: TestClient) -> None:
    result = check(api, text="\u201ca direct escalation of tension\u201d")
    assert result["verdict"] == "exact" and result["matches"][0]["fragment"] is True
    assert result["speaker"] is None and result["matches"][0]["same_speaker"] is None


def test_changed_words_are_close_with_what_was_added_dropped_and_changed(api: TestClient) -> None:
    result = check(
        api,
        text="This is a clear escalation of tension around the conflict, which would pose a "
        "grave threat to European security",
        speaker="dmitry-peskov",
    )
    assert result["verdict"] == "close"
    diff = result["matches"][0]["diff"]
    assert {"op": "changed", "words": "clear", "stored": "direct"} in diff
    assert {"op": "dropped", "words": "", "stored": "ukrainian"} in diff
    assert {"op": "added", "words": "grave", "stored": ""} in diff
    assert 0.6 <= result["matches"][0]["similarity"] < 1


def test_a_changed_number_is_never_exact(writer: Any) -> None:
    client, key = writer
    text = "\u201cWe will send 1,200 more engineers to the front by March,\u201d Lopez said."
    body = {"title": "Engineers", "publisher": "Wire", "published_on": "2024-06-01", "text": text}
    assert client.post("/v1/articles", json=body, headers=key).status_code == 201
    result = client.post(
        "/v1/check", json={"text": "We will send 2,000 more engineers to the front by March"}
    ).json()
    assert result["verdict"] == "close"
    assert {"op": "changed", "words": "2000", "stored": "1200"} in result["matches"][0]["diff"]


def test_words_stored_under_someone_else_name_that_speaker(api: TestClient) -> None:
    result = check(api, text=PESKOV, speaker="Blinken")
    assert result["verdict"] == "not_found"
    assert [s["id"] for s in result["said_by_others"]] == ["dmitry-peskov"]
    assert result["matches"][0]["same_speaker"] is False


def test_words_no_one_said_are_not_found(api: TestClient) -> None:
    result = check(api, text="The ferry timetable changes on Sunday with fewer late crossings")
    assert result == {
        "text": "The ferry timetable changes on Sunday with fewer late crossings",
        "speaker": None,
        "verdict": "not_found",
        "matches": [],
        "said_by_others": [],
    }


def test_the_get_form_answers_as_the_post_does(api: TestClient) -> None:
    asked = {"text": "a direct escalation of tension", "speaker": "peskov"}
    assert api.get("/v1/check", params=asked).json() == check(api, **asked)


def test_bad_checks_are_named_problems(api: TestClient) -> None:
    for body, name in [
        ({"text": ""}, "text"),
        ({"text": "x" * (MAX_CHECK_TEXT + 1)}, "text"),
        ({"text": "... \u2014 !!"}, "text"),
        ({"text": "direct escalation", "speaker": "nobody we know"}, "speaker"),
        ({"text": "direct escalation", "speaker": "   "}, "speaker"),
        ({"text": 42}, "text"),
        ({"words": "direct escalation"}, "text"),
        ({"text": "direct escalation", "extra": 1}, "extra"),
        ({"text": "nul \x00 here"}, "text"),
    ]:
        answer = api.post("/v1/check", json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["parameter"].endswith(name), (body, answer.json())
    assert api.get("/v1/check").status_code == 422
    assert api.get("/v1/check", params={"text": "x" * (MAX_CHECK_TEXT + 1)}).status_code == 422


def test_the_check_page_shows_the_verdict_and_marks_the_differences(api: TestClient) -> None:
    page = api.get("/check", params={"text": "a clear escalation of tension", "speaker": "Peskov"})
    assert page.status_code == 200
    assert "Close, with differences" in page.text
    assert '<del><span class="visually-hidden">changed from: </span>direct</del>' in page.text
    assert '<ins><span class="visually-hidden">to: </span>clear</ins>' in page.text
    other = api.get("/check", params={"text": PESKOV, "speaker": "Cameron"})
    assert "Stored under" in other.text and "Dmitry Peskov" in other.text
    assert api.get("/check", params={"text": "hi", "speaker": "nobody we know"}).status_code == 422
    assert 'href="/check"' in api.get("/").text  # from every page's header
