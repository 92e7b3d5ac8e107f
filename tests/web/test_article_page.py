"""The article page: the stored text with every quote and speaker mention marked, and its
quotes listed; article titles lead to it from every page that names one."""

import datetime as dt
import re

from fastapi.testclient import TestClient

from app.models.public import QuotePublic
from app.web.render import marked_article


def test_every_quote_of_the_article_is_marked_and_listed(api: TestClient) -> None:
    page = api.get("/articles/1")
    assert page.status_code == 200
    quotes = api.get("/v1/quotes", params={"article": 1, "limit": 100}).json()["items"]
    assert len(quotes) == 16
    for quote in quotes:
        assert f'id="q-{quote["id"]}"' in page.text
        assert f'href="#q-{quote["id"]}"' in page.text
    marked = "".join(re.findall(r"<mark>(.*?)</mark>", page.text, flags=re.S))
    for quote in quotes:
        # Every quoted word stands marked (entities aside).
        assert quote["text"].split()[0].replace("&", "&amp;") in marked
    assert '<strong class="cue" title="Antony Blinken">' in page.text
    assert "United Press International" in page.text or "UPI" in page.text


def test_a_quote_over_two_paragraphs_is_marked_in_both(api: TestClient) -> None:
    quotes = api.get("/v1/quotes", params={"article": 1, "limit": 100}).json()["items"]
    continuing = [q for q in quotes if q["continues"]]
    assert continuing, "the seed has a quote that runs over two paragraphs"
    paragraphs = re.findall(r"<p>(.*?)</p>", api.get("/articles/1").text, flags=re.S)
    for quote in continuing:
        holding = [n for n, p in enumerate(paragraphs) if f'href="/quotes/{quote["id"]}"' in p]
        before = [
            n for n, p in enumerate(paragraphs) if f'href="/quotes/{quote["continues"]}"' in p
        ]
        assert holding and before and holding[0] > before[0]


def test_unknown_article_is_the_html_404(api: TestClient) -> None:
    for path in ("/articles/999", "/articles/abc", "/articles/0"):
        page = api.get(path)
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("text/html")


def test_article_titles_lead_to_the_article_page(api: TestClient) -> None:
    for path in ("/", "/?q=escalation", "/quotes/2", "/speakers/antony-blinken", "/outlets/upi"):
        assert 'href="/articles/1' in api.get(path).text, path


def quote(id_: int, start: int, end: int, speaker: tuple[int, int] | None = None) -> QuotePublic:
    return QuotePublic.model_validate(
        {
            "id": id_, "text": "x", "kind": "partial",
            "speaker": {"id": "s", "name": "Sam Speaker", "kind": "person", "role": None},
            "outlet": None,
            "article": {"id": 1, "title": "T", "publisher": {"id": "p", "name": "P"},
                        "published_on": dt.date(2024, 5, 31)},
            "said_on": None, "said_on_precision": None, "date": dt.date(2024, 5, 31),
            "cue": None, "span": {"start": start, "end": end},
            "speaker_span": {"start": speaker[0], "end": speaker[1]} if speaker else None,
            "continues": None, "origin": "seed", "basis": None, "confidence": None,
            "reviewed": True, "quotation": None,
        }
    )  # fmt: skip


def test_overlapping_quotes_each_keep_their_marks() -> None:
    text = "Sam said the plan would fail badly.\nThen he left."
    outer = quote(1, 9, 34, speaker=(0, 3))
    inner = quote(2, 18, 28)  # "would fail" inside the outer quote
    paragraphs = marked_article(text, [outer, inner])
    assert len(paragraphs) == 2
    first = str(paragraphs[0])
    assert first.startswith('<strong class="cue" title="Sam Speaker">Sam</strong> said ')
    # The inner words lead to the inner (shorter) quote; the rest to the outer one.
    assert re.search(r'href="/quotes/2" id="q-2"[^>]*><mark>would fail</mark>', first)
    assert first.count('href="/quotes/1"') == 2
    assert first.count('id="q-1"') == 1
    assert str(paragraphs[1]) == "Then he left."
    # Nothing is lost or doubled: the text read back is the text.
    assert re.sub(r"<[^>]+>", "", first) == text.split("\n")[0]


def test_markup_in_the_text_is_escaped() -> None:
    text = 'He said "<script>alert(1)</script>" twice.'
    paragraphs = marked_article(text, [quote(1, 9, 34)])
    assert "<script>" not in str(paragraphs[0])
    assert "&lt;script&gt;" in str(paragraphs[0])
