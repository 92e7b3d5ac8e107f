"""Saved web pages as articles: through ``POST /v1/articles`` (JSON or a ``text/html`` body) and
``saidwho ingest page.html``, on pages of several shapes the team made."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.ingest.web_pages import read_page

PAGES = Path(__file__).parent / "pages"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def spans_hold(body: dict) -> None:  # type: ignore[type-arg]
    for quote in body["quotes"]:
        assert body["text"][quote["span"]["start"] : quote["span"]["end"]] == quote["text"]


def test_a_wire_page_gives_its_text_title_date_site_byline_and_address() -> None:
    read = read_page(page("wire.html"))
    assert read.title == "Harbor strike ends after dockworkers accept pay deal"
    assert str(read.published_on) == "2025-03-14"
    assert (read.publisher, read.byline) == ("Coastline Wire", "Marta Quinn")
    assert read.url == "https://wire.example.com/business/harbor-strike-ends"
    assert read.text.startswith("PORTSMOUTH, March 14")
    assert "All rights reserved" not in read.text and "By Marta Quinn" not in read.text


def test_a_newspaper_page_loses_its_navigation_related_links_and_comments() -> None:
    read = read_page(page("newspaper.html"))
    assert read.text.startswith("Riverside city council voted 31 to 17")
    for clutter in ("Subscribe", "Puzzles", "Related stories", "Bus fares", "TramFan88",
                    "fantasy on rails", "Cookie settings"):  # fmt: skip
        assert clutter not in read.text
    assert (read.byline, str(read.published_on)) == ("Owen Hale", "2025-05-06")


def test_a_page_dated_only_in_its_metadata_is_dated() -> None:
    read = read_page(page("metadata-date.html"))
    assert str(read.published_on) == "2025-02-19"
    assert read.publisher == "Field Notes Magazine"


def test_a_page_gets_no_date_guessed_from_its_running_text() -> None:
    assert read_page(page("undated.html")).published_on is None


def test_a_live_blog_keeps_every_entry_and_not_the_headline_twice() -> None:
    read = read_page(page("liveblog.html"))
    for entry in ("Tonight this city chose to build", "Carl Benning conceded",
                  "Turnout was running at 48%", "Polls have closed"):  # fmt: skip
        assert entry in read.text
    assert "Election night live" not in read.text


def test_posting_a_page_stores_its_main_text_with_spans_into_it(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    response = client.post("/v1/articles", json={"html": page("newspaper.html")}, headers=key)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["title"] == "Council backs new tram line despite cost warnings"
    assert body["publisher"]["name"] == "The Riverside Courier"
    assert (body["published_on"], body["byline"]) == ("2025-05-06", "Owen Hale")
    assert body["url"] == "https://courier.example.org/local/2025/05/06/tram-line-vote"
    assert body["text"].startswith("Riverside city council voted")
    spans_hold(body)
    speakers = {q["speaker"]["name"] for q in body["quotes"]}
    assert {"Priya Natarajan", "Derek Moss"} <= speakers
    assert not any("fantasy" in q["text"] for q in body["quotes"])  # a reader's comment


def test_fields_given_with_a_page_override_what_it_says(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    given = {"title": "Dock strike over", "publisher": "Harbor Gazette",
             "published_on": "2025-03-15", "url": "https://gazette.example/dock"}  # fmt: skip
    response = client.post("/v1/articles", json={"html": page("wire.html"), **given}, headers=key)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["title"], body["publisher"]["name"], body["published_on"], body["url"]) == (
        "Dock strike over", "Harbor Gazette", "2025-03-15", "https://gazette.example/dock"
    )  # fmt: skip
    spans_hold(body)


def test_a_page_can_be_posted_as_html_with_its_fields_in_the_query(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    response = client.post(
        "/v1/articles",
        params={"published_on": "2025-06-01", "publisher": "Hilltop Herald"},
        content=page("undated.html").encode(),
        headers={**key, "Content-Type": "text/html; charset=utf-8"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["published_on"], body["publisher"]["name"]) == ("2025-06-01", "Hilltop Herald")
    assert [q["speaker"]["name"] for q in body["quotes"]][:1] == ["Agnes Moore"]
    again = client.post(
        "/v1/articles",
        params={"published_on": "2025-06-01", "publisher": "Hilltop Herald"},
        content=page("undated.html").encode(),
        headers={**key, "Content-Type": "text/html"},
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]


@pytest.mark.parametrize(
    ("body", "parameter", "words"),
    [
        ({"html": page("no-text.html")}, "html", "no article text"),
        ({"html": "   "}, "html", "empty"),
        ({"html": page("wire.html"), "text": "also text"}, "text", "not permitted"),
        ({"html": page("wire.html"), "published_on": "March 14"}, "published_on", "ISO"),
    ],
)
def test_a_page_that_cannot_be_read_is_a_422_naming_what_is_missing(
    writer,
    seeded,
    body,
    parameter,
    words,  # type: ignore[no-untyped-def]
) -> None:
    client, key = writer
    with seeded.connect() as connection:
        before = connection.execute(text("SELECT count(*) FROM article")).scalar_one()
    response = client.post("/v1/articles", json=body, headers=key)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["parameter"] == parameter and words in problem["detail"]
    with seeded.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM article")).scalar_one() == before


def test_an_html_body_with_an_unknown_query_field_is_refused(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    response = client.post(
        "/v1/articles",
        params={"publsher": "Herald"},
        content=page("wire.html").encode(),
        headers={**key, "Content-Type": "text/html"},
    )
    assert response.status_code == 422
    assert response.json()["parameter"] == "publsher"


def test_query_fields_beside_a_json_body_are_refused_not_ignored(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    response = client.post(
        "/v1/articles",
        params={"published_on": "2025-06-01"},
        json={"html": page("undated.html")},
        headers=key,
    )
    assert response.status_code == 422
    assert response.json()["parameter"] == "published_on"


def test_an_html_body_in_another_charset_is_read_in_it(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    html = page("metadata-date.html").replace("Tomas Varga", "Tomás Varga")
    response = client.post(
        "/v1/articles",
        content=html.encode("latin-1", errors="replace"),
        headers={**key, "Content-Type": "text/html; charset=iso-8859-1"},
    )
    assert response.status_code == 201, response.text
    assert "Tomás Varga" in response.json()["text"]


def test_an_html_body_is_read_in_the_charset_its_own_meta_declares(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    html = page("metadata-date.html").replace("Tomas Varga", "Tomás Varga")
    html = html.replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')
    assert 'charset="iso-8859-1"' in html
    response = client.post(
        "/v1/articles",
        content=html.encode("latin-1", errors="replace"),
        headers={**key, "Content-Type": "text/html"},
    )
    assert response.status_code == 201, response.text
    assert "Tomás Varga" in response.json()["text"]


def test_an_html_body_in_a_charset_nobody_knows_is_a_422_naming_it(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    response = client.post(
        "/v1/articles",
        content=page("wire.html").encode(),
        headers={**key, "Content-Type": "text/html; charset=x-martian"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "x-martian" in response.json()["detail"]


def test_an_html_body_sent_in_chunks_past_the_size_limit_is_refused(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    limit = client.app.state.settings.max_page_bytes

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(limit // 65536 + 2):
            yield b"<p>" + b"x" * 65533

    response = client.post(
        "/v1/articles", content=chunks(), headers={**key, "Content-Type": "text/html"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_an_html_body_needs_a_key_like_any_write(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/v1/articles", content=page("wire.html").encode(), headers={"Content-Type": "text/html"}
    )
    assert response.status_code == 401


@pytest.mark.sqlite_only  # the command runs on a SQLite file
@pytest.mark.slow  # runs the command
def test_the_command_stores_a_saved_page(tmp_path: Path) -> None:
    store = tmp_path / "saidwho.db"
    env = {**os.environ, "SAIDWHO_DATABASE_URL": f"sqlite:///{store}"}
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "ingest", str(PAGES / "wire.html"),
         str(PAGES / "undated.html"), "--publisher", "Hilltop Herald"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "stored article 1 with" in result.stdout
    assert "2 stored" in result.stdout
    import sqlite3

    with sqlite3.connect(store) as connection:
        rows = connection.execute(
            "SELECT title, byline, url, published_on FROM article ORDER BY id"
        ).fetchall()
    assert rows[0] == (
        "Harbor strike ends after dockworkers accept pay deal",
        "Marta Quinn",
        "https://wire.example.com/business/harbor-strike-ends",
        "2025-03-14",
    )
    # A page that gives no date is stored undated, never dated by guess.
    assert rows[1][0] == "Library reopens after flood repairs" and rows[1][3] is None


def test_a_page_larger_than_the_json_limit_goes_in_as_html(writer) -> None:  # type: ignore[no-untyped-def]
    """Real pages carry megabytes of markup around a few kB of article."""
    client, key = writer
    settings = client.app.state.settings
    markup = page("wire.html")
    padding = "<script>var x = 1;</script>" * (settings.max_body_bytes // 25)
    body = markup.replace("</head>", padding + "</head>", 1).encode()
    assert settings.max_body_bytes < len(body) < settings.max_page_bytes
    response = client.post(
        "/v1/articles?publisher=Hilltop+Herald&published_on=2025-06-01",
        content=body,
        headers={**key, "Content-Type": "text/html"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["quotes"]


def test_json_keeps_its_own_limit_when_sent_in_chunks(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    limit = client.app.state.settings.max_body_bytes

    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"title": "t", "publisher": "p", "text": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    response = client.post(
        "/v1/articles", content=chunks(), headers={**key, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_a_page_declared_past_the_page_limit_is_refused_before_it_is_read(writer) -> None:  # type: ignore[no-untyped-def]
    client, key = writer
    limit = client.app.state.settings.max_page_bytes
    response = client.post(
        "/v1/articles",
        content=b"<p>x</p>",
        headers={**key, "Content-Type": "text/html", "Content-Length": str(limit + 1)},
    )
    assert response.status_code == 413
    assert f"{limit:,}-byte" in response.json()["detail"]
