"""The HTML pages over the seeded store: what a journalist sees, and that hostile input is
shown as text, never run."""

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient


def post_to_harbor_ledger(
    client: TestClient, key: dict[str, str], title: str, published_on: str, text: str
) -> None:
    """Stores an article of the team's own through the API, as a newsroom would post it."""
    article = {"title": title, "publisher": "Harbor Ledger", "published_on": published_on,
               "text": text}  # fmt: skip
    assert client.post("/v1/articles", json=article, headers=key).status_code == 201


def mark_reviewed(client: TestClient, key: dict[str, str], quote_id: int) -> None:
    answer = client.patch(
        f"/v1/quotes/{quote_id}", json={"reviewed": True}, headers={**key, "If-Match": "*"}
    )
    assert answer.status_code == 200, answer.text


class Elements(HTMLParser):
    """Every start tag with its attributes, to check labels, links and assets."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


def test_the_front_page_lists_the_most_quoted_with_their_pages(api: TestClient) -> None:
    page = api.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<a href="/speakers/david-cameron">David Cameron</a>' in page.text
    assert '<a href="/outlets/cbs-news">CBS News</a>' in page.text
    assert "16 quotes, newest first" in page.text


def test_a_phrase_search_highlights_the_words(api: TestClient) -> None:
    page = api.get("/", params={"q": '"direct escalation"'})
    assert "1 quote found" in page.text
    assert "<mark>direct escalation</mark>" in page.text
    assert '<a href="/speakers/dmitry-peskov">Dmitry Peskov</a>' in page.text


def test_filters_narrow_the_results_and_the_csv_link_keeps_them(api: TestClient) -> None:
    params = {"speaker": "Lord Cameron", "kind": ["direct", "partial"], "since": "2024-05-01"}
    page = api.get("/", params=params)
    assert "2 quotes found" in page.text
    link = re.search(r'href="(/v1/quotes\?[^"]+)" download', page.text)
    assert link is not None
    csv = api.get(link.group(1).replace("&amp;", "&"))
    assert csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.strip().splitlines()) == 3  # header and two quotes


def test_results_come_in_pages_with_a_next_link(api: TestClient) -> None:
    first = api.get("/", params={"limit": 10}).text
    next_link = re.search(r'href="([^"]+)" rel="next"', first)
    assert next_link is not None
    second = api.get(next_link.group(1).replace("&amp;", "&")).text

    def ids(html: str) -> set[str]:
        return {i for found in re.findall(r'data-matched="([^"]*)"', html) for i in found.split()}

    assert ids(first) and ids(second) and not ids(first) & ids(second)
    assert len(ids(first) | ids(second)) == 16


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"since": "31 May"}, "is not a date"),
        ({"speaker": "nobody at all"}, "nobody at all"),
        ({"cursor": "garbage"}, "first page"),
        ({"article": "one"}, "by its number"),
    ],
)
def test_a_bad_search_is_explained_on_the_page(
    api: TestClient, params: dict[str, str], message: str
) -> None:
    page = api.get("/", params=params)
    assert page.status_code == 422
    assert 'role="alert"' in page.text and message in page.text


def test_hostile_input_is_shown_as_text(api: TestClient) -> None:
    hostile = '"><script>alert(1)</script>'
    page = api.get("/", params={"q": hostile, "speaker": hostile})
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text


def test_a_quote_has_a_permalink_with_its_context_and_citation(api: TestClient) -> None:
    blinken = api.get("/v1/quotes", params={"speaker": "blinken", "q": "hallmark"}).json()
    quote_id = blinken["items"][0]["id"]
    page = api.get(f"/quotes/{quote_id}")
    assert page.status_code == 200
    assert '<mark id="quote">Another hallmark of our support' in page.text
    assert '<strong class="cue">Blinken</strong>' in page.text
    assert "” Antony Blinken, U.S. Secretary of State, 29 May 2024. In “" in page.text
    assert f"http://testserver/quotes/{quote_id} Accessed " in page.text
    assert "Copy citation" in page.text


def test_the_citation_names_the_outlet_the_words_were_given_to(api: TestClient) -> None:
    found = api.get("/v1/quotes", params={"outlet": "cbs-news", "sort": "date"}).json()
    page = api.get(f"/quotes/{found['items'][0]['id']}")
    assert "unnamed U.S. official, U.S. official, to CBS News" not in page.text
    assert "unnamed U.S. official, to CBS News, 31 May 2024. In “" in page.text


def test_a_speaker_page_shows_role_aliases_and_quotes_over_time(api: TestClient) -> None:
    page = api.get("/speakers/Lord Cameron")
    assert page.status_code == 200
    assert "<h1>David Cameron</h1>" in page.text
    assert "British Foreign Secretary" in page.text
    assert "Lord Cameron" in page.text
    assert "May 2024: 3 quotes" in page.text  # the timeline, bar and table
    assert page.text.count('class="quote"') == 3


def test_an_outlet_page_lists_the_quotes_given_to_it(api: TestClient) -> None:
    page = api.get("/outlets/CBS")
    assert "<h1>CBS News</h1>" in page.text
    assert page.text.count('class="quote"') == 2


@pytest.mark.parametrize(
    "path", ["/quotes/999", "/quotes/abc", "/speakers/nobody", "/outlets/nobody"]
)
def test_unknown_things_are_a_404_page(api: TestClient, path: str) -> None:
    page = api.get(path)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    "path", ["/", "/?q=escalation", "/quotes/1", "/speakers/antony-blinken", "/outlets/upi"]
)
def test_every_page_is_self_contained_labelled_and_guarded(api: TestClient, path: str) -> None:
    page = api.get(path)
    tags = elements(page.text)
    for tag, attrs in tags:
        for attribute in ("src", "href", "action"):
            value = attrs.get(attribute)
            if value and not (tag == "a" and attribute == "href"):
                assert value.startswith("/") or value == "#", (tag, value)
        assert "style" not in attrs, tag
    labelled = {attrs.get("for") for tag, attrs in tags if tag == "label"}
    for tag, attrs in tags:
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden"}:
            has_label = (
                attrs.get("id") in labelled or tag == "input" and attrs.get("type") in {"checkbox"}
            )
            assert has_label, attrs
    assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in tags
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"


def test_the_assets_are_served_by_saidwho(api: TestClient) -> None:
    assert api.get("/static/saidwho.css").headers["content-type"].startswith("text/css")
    assert "javascript" in api.get("/static/saidwho.js").headers["content-type"]


def test_a_deleted_quote_page_says_so_with_410(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    assert client.delete("/v1/quotes/16", headers=key).status_code == 204
    page = client.get("/quotes/16")
    assert page.status_code == 410 and page.headers["content-type"].startswith("text/html")
    assert "was deleted" in page.text and "/v1/quotes/16/history" in page.text


def test_the_pages_offer_the_closest_names(api: TestClient) -> None:
    search = api.get("/", params={"speaker": "Camron"})
    assert search.status_code == 422
    assert "Did you mean" in search.text and "speaker=david-cameron" in search.text
    check = api.get("/check", params={"text": "direct escalation", "speaker": "Peskof"})
    assert check.status_code == 422
    assert "speaker=dmitry-peskov" in check.text
    missing = api.get("/speakers/Blinkin")
    assert missing.status_code == 404
    assert "Did you mean Antony Blinken (/speakers/antony-blinken)?" in missing.text


def test_an_empty_search_names_the_filter_that_emptied_it(api: TestClient) -> None:
    alone = api.get("/", params={"q": "zzyzx", "speaker": "cameron"}).text
    assert "No stored quote matches the words “zzyzx”, even with no other filter." in alone
    together = api.get("/", params={"q": "escalation", "speaker": "cameron"}).text
    assert "Each filter matches quotes on its own" in together
    assert "the speaker &#39;cameron&#39;: 3" in together


def test_the_heading_says_the_order_it_lists_in(api: TestClient) -> None:
    assert "16 quotes, newest first" in api.get("/").text
    assert "16 quotes, oldest first" in api.get("/", params={"sort": "date"}).text


def test_a_search_folds_its_filters_and_says_which_are_set(api: TestClient) -> None:
    front = api.get("/").text
    assert '<details class="more-filters" open>' in front
    searched = api.get("/", params={"q": "weapons", "speaker": "Cameron", "kind": "indirect"})
    assert '<details class="more-filters">' in searched.text
    assert "Filters: speaker Cameron · indirect" in searched.text
    assert 'action="/check"' not in searched.text  # the check has a page of its own


def test_each_answer_of_the_check_leads_to_its_quote_and_article(api: TestClient) -> None:
    page = api.get(
        "/check", params={"text": "This is a clear escalation of tension", "speaker": "Peskov"}
    ).text
    answers = page[page.index('<ol class="matches">') :]
    quote = re.search(r'<a href="/quotes/(\d+)">The quote</a>', answers)
    article = re.search(r'<a href="/articles/(\d+)"><cite>', answers)
    assert quote and article
    shown = api.get(f"/v1/quotes/{quote.group(1)}").json()
    assert "escalation" in shown["text"] and shown["article"]["id"] == int(article.group(1))


def test_a_quote_over_three_paragraphs_is_one_card_in_reading_order(api: TestClient) -> None:
    page = api.get("/", params={"q": "battlefield"}).text
    cards = re.findall(r'<li class="quote" data-matched="[^"]*">(.*?)</li>', page, flags=re.S)
    assert len(cards) == 1
    card = cards[0]
    parts = [card.index(words) for words in ("strikes", "hallmark", "battlefield")]
    assert parts == sorted(parts)  # first part first, whatever the search matched
    assert card.count('class="break"') == 2


def test_a_speaker_page_shows_each_quotation_once(api: TestClient) -> None:
    page = api.get("/speakers/antony-blinken").text
    assert page.count("Another hallmark of our support") == 1


def test_a_card_says_how_many_other_publishers_reported_the_words(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    post_to_harbor_ledger(
        client,
        key,
        "Kremlin on strikes",
        "2024-06-01",
        "“This is a direct escalation of tension around the conflict,” Dmitry Peskov said.",
    )
    page = client.get("/", params={"q": '"direct escalation"', "publisher": "upi"}).text
    assert "also reported by 1 other publisher" in page


def test_machine_made_quotes_carry_a_mark_and_the_page_one_legend(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    post_to_harbor_ledger(
        client,
        key,
        "Bridge vote",
        "2024-06-03",
        "“The bridge will carry the city for a century,” Mayor Ann Reyes said.\n"
        "Council member Tom Price said the vote was rushed.",
    )
    page = client.get("/", params={"publisher": "harbor-ledger"}).text
    assert page.count('class="legend provenance"') == 1
    assert page.count('<span class="mark machine"') == 2 + 1  # two cards and the legend
    assert "not yet checked by a person; right" in page  # said to screen readers too
    assert "Attributed by machine, not yet checked" not in page  # no paragraph per card


def test_reviewed_only_lists_what_a_person_checked(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    post_to_harbor_ledger(
        client,
        key,
        "Ferry vote",
        "2024-06-04",
        "Council member Tom Price said the ferry vote was rushed.\n"
        "Mayor Ann Reyes said the ferry would run all winter.",
    )
    mine = {"publisher": "harbor-ledger"}
    assert "2 quotes found" in client.get("/", params=mine).text
    assert "0 quotes found" in client.get("/", params={**mine, "reviewed": "true"}).text
    quote = client.get("/v1/quotes", params=mine).json()["items"][0]
    mark_reviewed(client, key, quote["id"])
    page = client.get("/", params={**mine, "reviewed": "true"}).text
    assert "1 quote found" in page and "✓ reviewed" in page
    assert "Filters: published by harbor-ledger · checked by a person" in page


def test_words_with_no_order_chosen_come_best_match_first(api: TestClient) -> None:
    page = api.get("/", params={"q": "escalation"}).text
    assert '<option value="relevance" selected>' in page
    assert '<option value="-date" selected>' in api.get("/").text


def test_the_table_view_keeps_its_columns_and_sort_in_its_address(api: TestClient) -> None:
    page = api.get(
        "/", params={"view": "table", "columns": "speaker,date,kind", "sort": "-speaker"}
    ).text
    table = page[page.index('<table class="quotes">') : page.index("</table>")]
    headings = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, flags=re.S)
    assert [re.sub(r"<[^>]+>|[↑↓]", "", h).strip() for h in headings] == ["Said", "Speaker", "Kind"]
    assert 'aria-sort="descending"' in table
    # The heading leads to the other direction; the links keep the view and the columns.
    assert 'href="/?sort=speaker&amp;view=table&amp;columns=date%2Cspeaker%2Ckind"' in table
    rows = re.findall(r'<tr data-quote="(\d+)">(.*?)</tr>', table, flags=re.S)
    names = [re.search(r'/speakers/[^"]+">([^<]+)<', row).group(1) for _, row in rows]  # type: ignore[union-attr]
    assert names == sorted(names, reverse=True) and len(rows) == 16
    assert 'href="/v1/quotes?sort=-speaker&amp;format=csv"' in page  # the same search as CSV
    exported = api.get("/v1/quotes?sort=-speaker&format=csv")
    assert exported.status_code == 200
    first_names = [row[4] for row in csv.reader(io.StringIO(exported.text))][1:]
    assert first_names and first_names[0] == names[0]


def test_the_table_view_names_only_known_columns(api: TestClient) -> None:
    page = api.get("/", params={"view": "table", "columns": "nonsense"}).text
    table = page[page.index('<table class="quotes">') : page.index("</table>")]
    assert table.count('<th scope="col"') == 5  # the usual five


def test_the_front_page_counts_what_a_person_checked_or_a_reliable_rule_found(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    post_to_harbor_ledger(
        client,
        key,
        "Hall talk",
        "2024-06-05",
        "Ines Moreau spoke at the hall on Tuesday.\n“The bridge is older than me,” she said.",
    )
    quote = client.get("/v1/quotes", params={"publisher": "harbor-ledger"}).json()["items"][0]
    assert quote["confidence"] < 0.85  # a pronoun's quote: right three times in four

    def most_quoted() -> str:
        page = client.get("/").text
        start = page.index('id="speakers-heading"')
        return page[start : page.index("</ul>", start)]

    assert "Ines Moreau" not in most_quoted()
    mark_reviewed(client, key, quote["id"])
    assert "Ines Moreau" in most_quoted()


def test_quotes_said_the_same_day_in_one_article_read_in_its_order(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    post_to_harbor_ledger(
        client,
        key,
        "Pier vote",
        "2024-06-06",
        "Mayor Ines Moreau said the pier would reopen in July.\n"
        "The council met for three hours.\n"
        "Moreau said the repairs had cost less than planned.\n"
        "Moreau also said the ferry would run all winter.",
    )
    page = client.get("/speakers/ines-moreau").text
    shown = [page.index(words) for words in ("pier would reopen", "repairs", "ferry")]
    assert shown == sorted(shown)


def test_the_form_offers_the_publisher_and_recent_dates(api: TestClient) -> None:
    page = api.get("/", params={"q": "weapons", "publisher": "upi"}).text
    assert '<input id="publisher" name="publisher" value="upi"' in page
    week = re.search(r'href="([^"]+)">week</a>', page)
    assert week is not None
    since = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=7)).isoformat()
    assert f"since={since}" in week.group(1) and "q=weapons" in week.group(1)
    assert "1 quote" not in api.get(week.group(1).replace("&amp;", "&")).text  # May 2024 is old


def test_articles_and_a_publisher_have_pages(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    for day in range(1, 24):
        article = {
            "title": f"Ferry notes {day}", "publisher": "Harbor Ledger",
            "published_on": f"2024-07-{day:02d}",
            "text": f"Ines Moreau said crossing {day} ran late.",
        }  # fmt: skip
        assert client.post("/v1/articles", json=article, headers=key).status_code == 201
    listed = client.get("/articles").text
    assert "24 articles, newest first" in listed
    assert listed.index("Ferry notes 23") < listed.index("Ferry notes 22")
    assert 'href="/publishers/harbor-ledger">Harbor Ledger</a>' in listed
    later = re.search(r'href="([^"]+)" rel="next"', listed)
    assert later is not None
    assert "U.S. lets Ukraine strike" in client.get(later.group(1).replace("&amp;", "&")).text
    publisher = client.get("/publishers/harbor-ledger").text
    assert "23 articles it published" in publisher
    assert 'href="/?publisher=harbor-ledger">The quotes it published</a>' in publisher
    assert client.get("/publishers/nobody-at-all").status_code == 404
    assert client.get("/articles", params={"cursor": "garbage"}).status_code == 422


def test_a_card_shows_the_sentence_around_the_quoted_words(api: TestClient) -> None:
    page = api.get("/", params={"q": '"direct escalation"'}).text
    start = page.index('<li class="quote"')
    card = page[start : page.index("</li>", start)]
    around = re.search(r'<p class="around">(.*?)</p>', card, flags=re.S)
    assert around is not None and "said Kremlin spokesman Dmitry Peskov" in around.group(1)


def test_the_sentence_around_stops_at_its_sentence_and_paragraph() -> None:
    from app.web.cards import AROUND, sentence_around

    text = "First one. Then Lee said “the words” to us, later. Next one.\nOther paragraph."
    start = text.index("the words")
    assert sentence_around(text, start, start + len("the words")) == (
        "Then Lee said “",
        "” to us, later.",
    )
    long = "x " * 200 + "Lee said it"
    before, _ = sentence_around(long, len(long) - 2, len(long))
    assert before.startswith("…") and len(before) <= AROUND + 1
