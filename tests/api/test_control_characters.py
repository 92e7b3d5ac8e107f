"""Control characters: refused in whatever a client sends, and harmless in whatever the store
already holds (a store filled before they were refused): every format the service writes
stays well-formed, and nothing answers 5xx."""

import csv
import io
import json
import xml.etree.ElementTree as ElementTree

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.api.conftest import article

pytestmark = pytest.mark.slow  # generated texts, each stored and read in every format

# Every C0 control but tab and line ends, and the two non-characters XML forbids.
FORBIDDEN = [chr(c) for c in range(1, 32) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]


@pytest.mark.parametrize("field", ["title", "text", "publisher", "byline"])
def test_a_control_character_in_an_article_is_refused_naming_the_field(
    writer, seeded: Engine, field: str
) -> None:
    client, key = writer
    body = article()
    body[field] = (body.get(field) or "Jane Roe") + "\x0b and more"
    response = client.post("/v1/articles", json=body, headers=key)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["parameter"] == field and "U+000B" in problem["detail"]
    with seeded.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM article")).scalar_one() == 1


def test_a_page_s_control_characters_are_dropped_from_the_text_it_gives(writer) -> None:
    client, key = writer
    html = (
        "<html><head><title>Dam\x07 holds</title></head><body><article><h1>Dam holds</h1>"
        "<p>The dam held through the night\x0c, engineers said on Monday after the storm.</p>"
        "<p>“It did what it was built for,” said chief engineer Rhea Okonjo.</p>"
        "</article></body></html>"
    )
    response = client.post(
        "/v1/articles",
        json={"html": html, "publisher": "Valley News", "published_on": "2024-06-03"},
        headers=key,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert not any(c in body["text"] + body["title"] for c in FORBIDDEN)


def _hold(engine: Engine, words: str) -> None:
    """What a store filled before the refusal may hold, in every free-text field that quote 5
    is written with: its words and cue, its quotation's words, its speaker's name, role and
    affiliation, its outlet's and publisher's names, its article's title, byline, address and
    text (added at the end, so that every span still points where it did)."""
    short = words[:300]
    with engine.begin() as connection:
        row = connection.execute(
            sa.text(
                "SELECT q.speaker_id, q.outlet_id, q.article_id, q.quotation_id, a.publisher_id "
                "FROM quote q JOIN article a ON a.id = q.article_id WHERE q.id = 5"
            )
        ).one()
        speaker, outlet, article, quotation, publisher = row
        for sql, values in (
            ("UPDATE quote SET text = :w, cue = :s WHERE id = 5", {}),
            ("UPDATE quotation SET text = :w WHERE id = :quotation", {"quotation": quotation}),
            (
                "UPDATE speaker SET name = :s, role = :s, affiliation = :s WHERE id = :speaker",
                {"speaker": speaker},
            ),
            ("UPDATE outlet SET name = :s WHERE id IN (:outlet, :publisher)",
             {"outlet": outlet, "publisher": publisher}),
            (
                "UPDATE article SET title = :s, byline = :s, url = :url, text = text || :w "
                "WHERE id = :article",
                {"article": article, "url": "https://example.org/" + short},
            ),
        ):  # fmt: skip
            connection.execute(sa.text(sql), {"w": words, "s": short, **values})


def _every_format_is_well_formed(client, words: str) -> None:  # type: ignore[no-untyped-def]
    feed = client.get("/v1/quotes.atom")
    assert feed.status_code == 200, feed.text
    ElementTree.fromstring(feed.content)  # raises on a document that is not well-formed
    for accept, parse in (
        ("application/json", json.loads),
        ("application/x-ndjson", lambda b: [json.loads(line) for line in b.splitlines()]),
        ("text/csv", lambda b: list(csv.reader(io.StringIO(b.decode("utf-8-sig"))))),
    ):
        answer = client.get("/v1/quotes", params={"limit": 50}, headers={"Accept": accept})
        assert answer.status_code == 200, (accept, answer.text)
        parse(answer.content)
    cited = client.get(
        "/v1/quotes/5", headers={"Accept": "application/vnd.citationstyles.csl+json"}
    )
    assert cited.status_code == 200 and json.loads(cited.content)[0]["custom"]["quote"] == words
    assert client.get("/v1/quotes/5", headers={"Accept": "text/plain"}).status_code == 200
    quote = client.get("/v1/quotes/5").json()
    speaker = quote["speaker"]["id"]
    outlet = (quote["outlet"] or client.get("/v1/articles/1").json()["publisher"])["id"]
    for page in ("/quotes/5", "/", "/articles/1", f"/speakers/{speaker}", f"/outlets/{outlet}"):
        assert client.get(page).status_code == 200, page
    apis = [f"/v1/speakers/{speaker}", f"/v1/outlets/{outlet}", "/v1/articles/1"]
    apis += ["/v1/quotations", "/v1/quotes/facets", f"/v1/quotes?speaker={speaker}"]
    for api in apis:
        assert client.get(api).status_code == 200, api
        json.loads(client.get(api).content)
    speaker_feed = client.get("/v1/quotes.atom", params={"speaker": speaker})
    assert speaker_feed.status_code == 200
    ElementTree.fromstring(speaker_feed.content)


def test_every_control_character_a_store_holds_leaves_every_format_well_formed(
    client, seeded: Engine
) -> None:
    words = "Before " + "".join(FORBIDDEN) + " after"
    _hold(seeded, words)
    _every_format_is_well_formed(client, words)
    entry = ElementTree.fromstring(client.get("/v1/quotes.atom").content)
    summaries = [e.text or "" for e in entry.iter("{http://www.w3.org/2005/Atom}summary")]
    assert any(s.startswith("Before \ufffd") for s in summaries)  # visibly replaced


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    words=st.text(
        alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
        min_size=1,
        max_size=60,
    )
)
def test_any_text_a_store_holds_leaves_every_format_well_formed(
    client, seeded: Engine, words: str
) -> None:
    _hold(seeded, words)
    _every_format_is_well_formed(client, words)
