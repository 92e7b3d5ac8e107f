"""Atom feeds of any search, read back with feedparser as a feed reader would."""

from typing import Any

import feedparser
from fastapi.testclient import TestClient

from tests.api.conftest import assert_problem


def feed(client: TestClient, url: str, **headers: str) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    return parsed


def test_a_speakers_feed_holds_their_quotes_newest_first(api: TestClient) -> None:
    parsed = feed(api, "/v1/quotes.atom?speaker=blinken")
    listed = api.get("/v1/quotes", params={"speaker": "blinken"}).json()["items"]
    assert [e.link for e in parsed.entries] == [
        f"http://testserver/quotes/{q['id']}" for q in listed
    ]
    first, quote = parsed.entries[0], listed[0]
    assert first.id == first.link
    assert first.author == "Antony Blinken"
    assert first.title.startswith("Antony Blinken: ")
    assert quote["text"] in first.summary
    assert quote["article"]["title"] in first.content[0].value
    assert "/articles/1" in first.content[0].value
    dates = [e.published_parsed for e in parsed.entries]
    assert dates == sorted(dates, reverse=True)
    assert "blinken" in parsed.feed.title
    alternate = [link.href for link in parsed.feed.links if link.rel == "alternate"]
    assert alternate == ["http://testserver/?speaker=blinken"]


def test_accept_header_gives_the_same_feed(api: TestClient) -> None:
    by_path = feed(api, "/v1/quotes.atom?outlet=cbs-news&limit=5")
    by_accept = feed(api, "/v1/quotes?outlet=cbs-news&limit=5", Accept="application/atom+xml")
    assert [e.id for e in by_accept.entries] == [e.id for e in by_path.entries]
    assert by_path.entries


def test_a_search_feed_follows_the_filters_and_limit(api: TestClient) -> None:
    parsed = feed(api, "/v1/quotes.atom?q=escalation&kind=direct&kind=partial&limit=1")
    assert len(parsed.entries) == 1
    assert "escalation" in parsed.entries[0].summary.lower()
    assert "escalation" in parsed.feed.title


def test_a_feed_with_nothing_in_it_is_still_a_feed(api: TestClient) -> None:
    parsed = feed(api, "/v1/quotes.atom?q=zzzyzzx")
    assert parsed.entries == []


def test_feed_filters_are_checked_as_the_list_checks_them(api: TestClient) -> None:
    assert assert_problem(api.get("/v1/quotes.atom?speaker=Blinkin"), 422)["suggestions"]
    assert assert_problem(api.get("/v1/quotes.atom?limit=500"), 422)["parameter"] == "limit"
    assert assert_problem(api.get("/v1/quotes.atom?speker=x"), 422)["parameter"] == "speker"


def test_pages_link_their_feeds(api: TestClient) -> None:
    for page, feed_url in [
        ("/speakers/antony-blinken", "/v1/quotes.atom?speaker=antony-blinken"),
        ("/outlets/cbs-news", "/v1/quotes.atom?outlet=cbs-news"),
        ("/?q=escalation", "/v1/quotes.atom?q=escalation"),
    ]:
        html = api.get(page).text
        assert '<link rel="alternate" type="application/atom+xml"' in html
        assert f'href="{feed_url}"' in html
        assert feed(api, feed_url).entries
