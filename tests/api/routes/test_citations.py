"""Citing a quote: one plain line, and CSL-JSON that reference managers read."""

import datetime as dt
import json

from fastapi.testclient import TestClient

from tests.api.conftest import assert_problem

CSL = "application/vnd.citationstyles.csl+json"


def test_plain_citation_carries_words_speaker_date_article_and_permalink(api: TestClient) -> None:
    quote = api.get("/v1/quotes/4").json()
    response = api.get("/v1/quotes/4", headers={"Accept": "text/plain"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    line = response.text.strip()
    assert "\n" not in line
    assert f"“{quote['text']}”" in line
    assert quote["speaker"]["name"] in line
    assert quote["article"]["title"] in line
    assert quote["article"]["publisher"]["name"] in line
    assert "31 May 2024" in line
    assert line.endswith("http://testserver/quotes/4")
    assert response.headers["etag"] == api.get("/v1/quotes/4").headers["etag"]


def test_csl_json_is_an_item_a_reference_manager_reads(api: TestClient) -> None:
    quote = api.get("/v1/quotes/5").json()
    response = api.get("/v1/quotes/5", headers={"Accept": CSL})
    assert response.status_code == 200
    assert response.headers["content-type"] == CSL
    items = json.loads(response.content)
    assert isinstance(items, list) and len(items) == 1
    item = items[0]
    # The fields CSL processors require of an item, with the kinds of value they expect.
    assert item["id"] == "saidwho-quote-5"
    assert item["type"] == "article-newspaper"
    assert item["title"] == quote["article"]["title"]
    assert item["container-title"] == quote["article"]["publisher"]["name"]
    published = quote["article"]["published_on"]
    assert item["issued"] == {"date-parts": [[int(part) for part in published.split("-")]]}
    assert item["custom"]["quote"] == quote["text"]
    assert item["custom"]["speaker"] == quote["speaker"]["name"]
    assert item["custom"]["speaker_role"] == quote["speaker"]["role"]
    assert item["custom"]["said_on"] == quote["date"]
    assert item["custom"]["permalink"] == "http://testserver/quotes/5"
    assert quote["text"] in item["note"]


def test_json_stays_the_default_and_errors_stay_problems(api: TestClient) -> None:
    assert api.get("/v1/quotes/5", headers={"Accept": "*/*"}).json()["id"] == 5
    assert_problem(api.get("/v1/quotes/99999", headers={"Accept": CSL}), 404)
    assert_problem(api.get("/v1/quotes/99999", headers={"Accept": "text/plain"}), 404)


def test_the_quote_page_offers_the_same_citation(api: TestClient) -> None:
    line = api.get("/v1/quotes/14", headers={"Accept": "text/plain"}).text.strip()
    page = api.get("/quotes/14").text
    assert f">{line} Accessed " in page  # and the day it was looked up


def test_a_quote_is_cited_as_ris_and_bibtex_with_the_day_it_was_looked_up(api: TestClient) -> None:
    today = dt.datetime.now(dt.UTC).date()
    ris = api.get("/v1/quotes/4", headers={"Accept": "application/x-research-info-systems"})
    assert ris.status_code == 200
    assert ris.headers["content-type"].startswith("application/x-research-info-systems")
    lines = ris.text.splitlines()
    assert "TY  - NEWS" in lines and "PB  - UPI" in lines and "ER  - " in lines
    assert f"Y2  - {today:%Y/%m/%d}" in lines and "DA  - 2024/05/31" in lines
    assert any(line.startswith("N1  - ") and "CBS News" in line for line in lines)
    bib = api.get("/v1/quotes/4", headers={"Accept": "application/x-bibtex"})
    assert bib.status_code == 200
    assert bib.text.startswith("@article{saidwho-quote-4,")
    assert f"urldate = {{{today.isoformat()}}}" in bib.text and "year = {2024}" in bib.text
    assert "\\textquotedblleft" in bib.text  # the quote marks as LaTeX reads them


def test_the_quote_page_offers_citation_files(api: TestClient) -> None:
    page = api.get("/quotes/4").text
    for suffix, media in (
        ("ris", "application/x-research-info-systems"),
        ("bib", "application/x-bibtex"),
        ("json", "application/vnd.citationstyles.csl+json"),
    ):
        assert f'href="/quotes/4/citation.{suffix}" download' in page
        answer = api.get(f"/quotes/4/citation.{suffix}")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(media)
        assert f'filename="saidwho-quote-4.{suffix}"' in answer.headers["content-disposition"]
    assert api.get("/quotes/4/citation.doc").status_code == 404
    assert api.get("/quotes/999999/citation.ris").status_code == 404
