"""``GET /v1/quotes``: every filter, search, sort, keyset pages, and exports, on the seed."""

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.db import session_scope
from app.models import Article
from app.quotes.store import add_quote


def ids(client: TestClient, **params: Any) -> list[int]:
    response = client.get("/v1/quotes", params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def speakers(client: TestClient, **params: Any) -> set[str]:
    response = client.get("/v1/quotes", params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return {item["speaker"]["id"] for item in response.json()["items"]}


def test_list_is_newest_date_first_then_newest_id(api: TestClient) -> None:
    assert ids(api) == [16, 15, 14, 5, 4, 3, 2, 1, 10, 9, 8, 7, 6, 13, 12, 11]


def test_quote_shape_embeds_speaker_outlet_article_and_spans(api: TestClient) -> None:
    quote = api.get("/v1/quotes/2").json()
    assert quote["speaker"] == {
        "id": "unnamed-us-official", "name": "unnamed U.S. official", "kind": "anonymous",
        "role": "U.S. official",
    }  # fmt: skip
    assert quote["outlet"] == {"id": "cbs-news", "name": "CBS News"}
    assert quote["article"]["publisher"] == {"id": "upi", "name": "UPI"}
    assert quote["article"]["published_on"] == "2024-05-31"
    assert (quote["said_on"], quote["said_on_precision"], quote["date"]) == (
        None,
        None,
        "2024-05-31",
    )
    assert quote["cue"] == "a U.S. official told CBS News"
    text = api.get("/v1/articles/1").json()["text"]
    assert text[quote["span"]["start"] : quote["span"]["end"]] == quote["text"]
    assert text[quote["speaker_span"]["start"] : quote["speaker_span"]["end"]] == "a U.S. official"


@pytest.mark.parametrize(
    "name",
    [
        "blinken",
        "BLINKEN",
        "Antony Blinken",
        "antony-blinken",
        "Secretary of State Antony Blinken",
        "  antony   blinken ",
    ],
)
def test_speaker_filter_takes_id_name_or_alias_in_any_case(api: TestClient, name: str) -> None:
    assert ids(api, speaker=name) == [10, 9, 8, 7, 6]


def test_speaker_filter_repeated_means_any_of_them(api: TestClient) -> None:
    assert speakers(api, speaker=["Peskov", "Lord Cameron"]) == {"dmitry-peskov", "david-cameron"}


def test_anonymous_officials_are_one_speaker(api: TestClient) -> None:
    assert ids(api, speaker="unnamed U.S. official") == [5, 4, 3, 2, 1]
    assert ids(api, speaker="a U.S. official") == [5, 4, 3, 2, 1]


def test_outlet_filter_finds_what_was_told_to_an_outlet(api: TestClient) -> None:
    assert ids(api, outlet="CBS News") == [4, 2]
    assert ids(api, outlet="washington post") == [3]
    assert ids(api, outlet=["cbs-news", "WaPo"]) == [4, 3, 2]


def test_unnamed_officials_told_cbs_news_in_may_2024(api: TestClient) -> None:
    params = {"speaker": "unnamed-us-official", "outlet": "cbs-news",
              "since": "2024-05-01", "until": "2024-05-31"}  # fmt: skip
    assert ids(api, **params) == [4, 2]


def test_publisher_filter_uses_the_article_publisher(api: TestClient) -> None:
    assert len(ids(api, publisher="United Press International")) == 16
    assert ids(api, publisher="upi") == ids(api)


def test_date_range_is_inclusive_on_the_effective_date(api: TestClient) -> None:
    assert ids(api, since="2024-05-29", until="2024-05-29") == [10, 9, 8, 7, 6]
    assert ids(api, until="2024-05-02") == [13, 12, 11]
    assert ids(api, since="2024-06-01") == []


def test_kind_filter_is_repeatable(api: TestClient) -> None:
    assert ids(api, kind="indirect") == [15, 1, 11]
    assert sorted(ids(api, kind=["direct", "indirect"])) == [1, 2, 4, 8, 9, 10, 11, 12, 15, 16]


def test_article_filter(api: TestClient) -> None:
    assert len(ids(api, article=1)) == 16
    assert api.get("/v1/quotes", params={"article": 999}).status_code == 422


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("escalation", [16, 10, 7]),
        ('"direct escalation"', [16]),
        ("“direct escalation”", [16]),
        ("escalat*", [16, 10, 7]),
        ("strikes Russia", [4, 1]),
        ('"Russia strikes"', []),
        ("haven't", [8]),
        ("U.S.-supplied", [2]),
        ("ARMY tactical", [4]),
    ],
)
def test_full_text_search_words_phrases_and_prefixes(
    api: TestClient, q: str, expected: list[int]
) -> None:
    assert ids(api, q=q) == expected


@pytest.mark.parametrize(
    "q",
    [
        '"',
        '"unclosed phrase',
        "NEAR(a b)",
        "text:escalation",
        "a OR",
        "*",
        "-",
        "()",
        "^escalation",
        "AND AND",
        "'; DROP TABLE quote; --",
        "😀",
        "a" * 1000,
    ],
)
def test_search_syntax_errors_are_read_as_plain_words(api: TestClient, q: str) -> None:
    response = api.get("/v1/quotes", params={"q": q, "limit": 100})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])  # an answer, counted as it lists
    assert body["total"] <= len(ids(api, limit=100))


def test_a_blank_search_is_no_search(api: TestClient) -> None:
    assert ids(api, q="   ") == ids(api)


@pytest.mark.parametrize("path", ["/v1/quotes", "/v1/quotations", "/v1/quotes/facets"])
def test_every_route_reads_a_blank_search_as_no_search(api: TestClient, path: str) -> None:
    blank = api.get(path, params={"q": "  "})
    none = api.get(path)
    assert blank.status_code == none.status_code == 200
    assert blank.json() == none.json()


def test_search_for_plain_words_inside_operators_still_finds_them(api: TestClient) -> None:
    assert ids(api, q="text:escalation") == []  # "text escalation" is not a phrase in the seed
    assert ids(api, q='"direct escalation') == [16]


def test_relevance_sort_puts_the_best_match_first(api: TestClient) -> None:
    got = ids(api, q="escalation", sort="relevance")
    assert got[0] == 7  # the shortest quote with the word ranks highest under BM25
    assert sorted(got) == [7, 10, 16]


def test_relevance_sort_without_a_search_is_refused(api: TestClient) -> None:
    response = api.get("/v1/quotes", params={"sort": "relevance"})
    assert response.status_code == 422
    assert response.json()["parameter"] == "sort"


def test_oldest_first_sort(api: TestClient) -> None:
    assert ids(api, sort="date") == list(reversed(ids(api)))


def test_total_counts_every_match_not_the_page(api: TestClient) -> None:
    body = api.get("/v1/quotes", params={"limit": 2, "speaker": "blinken"}).json()
    assert (len(body["items"]), body["total"]) == (2, 5)


@pytest.mark.parametrize("sort", ["-date", "date"])
@pytest.mark.parametrize("limit", [1, 3, 16, 20])
def test_following_cursors_returns_every_match_once_in_order(
    api: TestClient, sort: str, limit: int
) -> None:
    seen: list[int] = []
    params: dict[str, Any] = {"sort": sort, "limit": limit}
    while True:
        body = api.get("/v1/quotes", params=params).json()
        seen += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == ids(api, sort=sort)


def test_relevance_pages_walk_every_match_once(api: TestClient) -> None:
    params: dict[str, Any] = {"q": "escalation", "sort": "relevance", "limit": 1}
    seen = []
    while True:
        body = api.get("/v1/quotes", params=params).json()
        seen += [item["id"] for item in body["items"]]
        if not body["next_cursor"]:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == ids(api, q="escalation", sort="relevance")


def test_cursor_pages_stay_exact_while_quotes_are_added(client: TestClient, seeded: Engine) -> None:
    first = client.get("/v1/quotes", params={"limit": 5}).json()
    expected_rest = ids(client)[5:]
    with session_scope(seeded) as session:  # a newer quote and an older one arrive mid-walk
        article = session.get(Article, 1)
        assert article is not None
        for said_on in (dt.date(2024, 6, 30), dt.date(2020, 1, 1)):
            add_quote(session=session, article=article, speaker_id="russia",
                           kind="partial", span=(4442, 4470), said_on=said_on)  # fmt: skip
    seen, cursor = [], first["next_cursor"]
    while cursor:
        body = client.get("/v1/quotes", params={"limit": 5, "cursor": cursor}).json()
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
    assert seen[: len(expected_rest)] == expected_rest
    assert seen[len(expected_rest) :] == [18]  # the older newcomer, in its place at the end


def test_a_cursor_from_another_query_is_refused(api: TestClient) -> None:
    cursor = api.get("/v1/quotes", params={"limit": 1}).json()["next_cursor"]
    response = api.get("/v1/quotes", params={"limit": 1, "cursor": cursor, "kind": "direct"})
    assert response.status_code == 422
    assert response.json()["parameter"] == "cursor"


def test_one_quote_by_id_and_unknown_ids(api: TestClient) -> None:
    assert api.get("/v1/quotes/16").json()["speaker"]["id"] == "dmitry-peskov"
    # An id no quote has is a 404; one outside the id range names no row at all: bad input.
    for missing, status in (("17", 404), ("0", 422), ("99999999999999999999999999", 422)):
        response = api.get(f"/v1/quotes/{missing}")
        assert response.status_code == status, missing
        assert response.headers["content-type"] == "application/problem+json"


def test_csv_export_streams_every_match_past_the_page_limit(api: TestClient) -> None:
    response = api.get("/v1/quotes", params={"limit": 1}, headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [int(row["id"]) for row in rows] == ids(api)
    peskov = rows[0]
    assert (peskov["speaker_name"], peskov["date"], peskov["span_start"]) == (
        "Dmitry Peskov", "2024-05-31", "4517",
    )  # fmt: skip
    assert rows[[int(r["id"]) for r in rows].index(4)]["text"].startswith("Our policy with respect")


def test_csv_export_keeps_the_filters(api: TestClient) -> None:
    response = api.get("/v1/quotes", params={"speaker": "cameron", "format": "csv"})
    assert [row["id"] for row in csv.DictReader(io.StringIO(response.text))] == ["13", "12", "11"]
    assert "attachment" in response.headers["content-disposition"]


def test_ndjson_export_is_one_quote_per_line_in_the_api_shape(api: TestClient) -> None:
    response = api.get("/v1/quotes", headers={"Accept": "application/x-ndjson"},
                       params={"outlet": "cbs-news"})  # fmt: skip
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert lines == [api.get("/v1/quotes/4").json(), api.get("/v1/quotes/2").json()]


def test_export_of_a_bad_filter_is_a_problem_not_a_broken_stream(api: TestClient) -> None:
    response = api.get("/v1/quotes", params={"speaker": "nobody"}, headers={"Accept": "text/csv"})
    assert response.status_code == 422
    assert response.json()["parameter"] == "speaker"


def test_export_batches_do_not_lose_or_repeat_rows(client: TestClient) -> None:
    client.app.state.settings.export_batch_size = 3  # type: ignore[attr-defined]
    response = client.get("/v1/quotes", params={"format": "ndjson"})
    assert [json.loads(line)["id"] for line in response.text.splitlines()] == ids(client)


def test_csv_cells_a_spreadsheet_would_run_are_kept_as_text(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    text = 'The memo read =HYPERLINK("http://x.example") and -5 percent, he said.'
    posted = client.post(
        "/v1/articles",
        json={"title": "Memo", "publisher": "Gazette", "published_on": "2024-06-01", "text": text},
        headers=key,
    ).json()
    for words in ('=HYPERLINK("http://x.example")', "-5 percent"):
        body = {"article": posted["id"], "speaker": "blinken", "kind": "partial", "text": words}
        assert client.post("/v1/quotes", json=body, headers=key).status_code == 201
    rows = list(csv.DictReader(io.StringIO(
        client.get("/v1/quotes", params={"article": posted["id"], "format": "csv"}).text
    )))  # fmt: skip
    assert sorted(row["text"] for row in rows) == [
        "'-5 percent",
        '\'=HYPERLINK("http://x.example")',
    ]
    lines = client.get("/v1/quotes", params={"article": posted["id"], "format": "ndjson"}).text
    assert '"text":"=HYPERLINK(\\"http://x.example\\")"' in lines  # NDJSON keeps the words exact


@pytest.mark.parametrize("q", ["escalation", '"direct escalation"', "Russia", "escal*"])
def test_a_search_answers_alike_listed_first_or_walked_in_date_order(
    api: TestClient, q: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On PostgreSQL a search's few matches are listed before the page is read; past
    # PG_LISTED it walks the date order instead. Both plans give the same answer.
    import app.queries.quotes

    listed = api.get("/v1/quotes", params={"q": q, "limit": 2}).json()
    monkeypatch.setattr(app.queries.quotes, "PG_LISTED", 0)
    walked = api.get("/v1/quotes", params={"q": q, "limit": 2}).json()
    assert walked == listed and listed["total"] > 0


def test_csv_rows_carry_the_permalink_and_the_articles(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    text = "“We will not be moved,” the mayor said on Tuesday. " * 2
    posted = client.post(
        "/v1/articles",
        json={"title": "Mayor", "publisher": "Gazette", "published_on": "2024-06-01",
              "text": text, "url": "https://gazette.example/mayor"},
        headers=key,
    )  # fmt: skip
    assert posted.status_code == 201, posted.text
    article = posted.json()["id"]
    assert posted.json()["quotes"], "the mayor's words are extracted"
    rows = list(csv.DictReader(io.StringIO(
        client.get("/v1/quotes", params={"format": "csv"}).text
    )))  # fmt: skip
    assert rows
    for row in rows:
        assert row["permalink"] == f"http://testserver/quotes/{row['id']}"
        assert row["article_page"] == f"http://testserver/articles/{row['article_id']}"
    by_article = {row["article_id"]: row["article_url"] for row in rows}
    assert by_article["1"] == (client.get("/v1/articles/1").json()["url"] or "")
    assert by_article[str(article)] == "https://gazette.example/mayor"


def test_csv_filename_names_the_search(api: TestClient) -> None:
    response = api.get(
        "/v1/quotes",
        params={"speaker": "Antony Blinken", "q": "hallmark", "since": "2024-05-01",
                "format": "csv"},
    )  # fmt: skip
    disposition = response.headers["content-disposition"]
    assert disposition == (
        'attachment; filename="quotes-antony-blinken-hallmark-2024-05-01-to-now.csv"'
    )
    plain = api.get("/v1/quotes", params={"format": "csv"}).headers["content-disposition"]
    assert plain == 'attachment; filename="quotes.csv"'


def test_excel_csv_starts_with_a_byte_order_mark(api: TestClient) -> None:
    response = api.get("/v1/quotes", params={"excel": "true", "speaker": "peskov"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["text"].startswith("This is a direct escalation")
    assert not api.get("/v1/quotes", params={"format": "csv"}).content.startswith(b"\xef\xbb\xbf")
    refused = api.get("/v1/quotes", params={"excel": "true", "format": "ndjson"})
    assert refused.status_code == 422
    assert refused.json()["parameter"] == "excel"


@pytest.mark.parametrize("order", ["speaker", "-speaker", "outlet", "-outlet", "publisher"])
def test_a_list_by_a_name_pages_through_every_quote_once_in_name_order(
    api: TestClient, order: str
) -> None:
    field = order.lstrip("-")
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {
            "sort": order,
            "limit": 3,
            **({"cursor": cursor} if cursor else {}),
        }
        answer = api.get("/v1/quotes", params=params)
        assert answer.status_code == 200, answer.text
        seen += answer.json()["items"]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            break
    every = api.get("/v1/quotes", params={"limit": 100}).json()
    assert sorted(q["id"] for q in seen) == sorted(q["id"] for q in every["items"])

    def name(quote: dict[str, Any]) -> str:
        if field == "speaker":
            return str(quote["speaker"]["name"])
        if field == "outlet":
            return str(quote["outlet"]["name"]) if quote["outlet"] else ""
        return str(quote["article"]["publisher"]["name"])

    keys = [(name(q), q["date"], q["id"]) for q in seen]
    assert keys == sorted(keys, reverse=order.startswith("-"))
