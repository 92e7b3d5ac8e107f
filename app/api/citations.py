"""How a quote is cited: the line a newsroom pastes under it, and files for reference
managers: CSL-JSON (Zotero, Mendeley, pandoc's citeproc), RIS (EndNote, Zotero, Mendeley) and
BibTeX (LaTeX). Each carries the quoted words, the speaker and role, the date said, the
article, its publisher and the quote's permalink; the files also the day it was looked up."""

import datetime as dt
from typing import Any

import rispy  # type: ignore[import-untyped]
from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.middlewares import LatexEncodingMiddleware
from bibtexparser.model import Entry, Field

from app.models.public import ArticleDetail, QuotePublic

CSL_JSON = "application/vnd.citationstyles.csl+json"
RIS = "application/x-research-info-systems"
BIBTEX = "application/x-bibtex"


def reader_date(day: dt.date | None, precision: str | None = "day") -> str:
    """29 May 2024; May 2024; 2024."""
    if day is None:
        return ""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return day.strftime("%B %Y")
    return f"{day.day} {day.strftime('%B %Y')}"


# How citation styles mark a work with no date.
NO_DATE = "n.d."


def when_said(quote: QuotePublic) -> str:
    if quote.said_on is not None:
        return reader_date(quote.said_on, quote.said_on_precision)
    return reader_date(quote.article.published_on) or NO_DATE


def attribution(quote: QuotePublic) -> str:
    """Who (and their role), to whom, when, and who reported it: "Antony Blinken, U.S.
    Secretary of State, 29 May 2024; reported by UPI"."""
    parts = [quote.speaker.name]
    if quote.speaker.role and quote.speaker.role not in quote.speaker.name:
        parts.append(quote.speaker.role)
    if quote.outlet is not None and quote.outlet.id != quote.article.publisher.id:
        parts.append(f"to {quote.outlet.name}")
    parts.append(when_said(quote))
    return ", ".join(parts) + f"; reported by {quote.article.publisher.name}"


def citation(quote: QuotePublic, permalink: str) -> str:
    """The whole citation on one line: the words, then who said them, to whom and when, the
    article and its publisher, and where the quote stays findable.

    “Our policy … has not changed,” unnamed U.S. official, to CBS News, 31 May 2024. In
    “U.S. lets Ukraine …”, UPI, 31 May 2024. https://…/quotes/4"""
    who = attribution(quote).rsplit("; reported by ", 1)[0]
    words = quote.text if quote.kind == "indirect" else f"“{quote.text}”"
    article = quote.article
    return (
        f"{words} {who}. In “{article.title}”, {article.publisher.name}, "
        f"{reader_date(article.published_on) or NO_DATE}. {permalink}"
    )


def _said_on(quote: QuotePublic) -> str | None:
    """When the words were said, or else when they were published; neither for an undated
    article that does not say."""
    day = quote.said_on or quote.article.published_on
    return day.isoformat() if day else None


def csl_item(quote: QuotePublic, article: ArticleDetail, permalink: str) -> dict[str, Any]:
    """The quote as one CSL-JSON item. The item cited is the article that reported the words
    (its byline the author, its publisher the container); the words, the speaker and the date
    they were said go in ``note`` as a reference manager shows them, and in ``custom``."""
    item: dict[str, Any] = {
        "id": f"saidwho-quote-{quote.id}",
        "type": "article-newspaper",
        "title": article.title,
        "container-title": article.publisher.name,
        "publisher": article.publisher.name,
        "URL": article.url or permalink,
        "note": citation(quote, permalink),
        "custom": {
            "quote": quote.text,
            "quote_kind": quote.kind,
            "speaker": quote.speaker.name,
            "speaker_role": quote.speaker.role,
            "given_to": quote.outlet.name if quote.outlet else None,
            "said_on": _said_on(quote),
            "said_on_precision": quote.said_on_precision or "day" if _said_on(quote) else None,
            "permalink": permalink,
        },
    }
    if article.published_on is not None:
        item["issued"] = {"date-parts": [_parts(article.published_on)]}
    if article.byline:
        item["author"] = [{"literal": article.byline}]
    return item


def _parts(day: dt.date) -> list[int]:
    return [day.year, day.month, day.day]


def ris_text(quote: QuotePublic, article: ArticleDetail, permalink: str, accessed: dt.date) -> str:
    """The quote as one RIS record: the article as a newspaper item, the words in its note."""
    record: dict[str, Any] = {
        "type_of_reference": "NEWS",
        "id": f"saidwho-quote-{quote.id}",
        "title": article.title,
        "journal_name": article.publisher.name,
        "publisher": article.publisher.name,
        "urls": [article.url or permalink, permalink] if article.url else [permalink],
        "notes": [citation(quote, permalink)],
        "access_date": accessed.strftime("%Y/%m/%d"),
    }
    if article.published_on is not None:
        record["date"] = article.published_on.strftime("%Y/%m/%d")
        record["year"] = str(article.published_on.year)
    if article.byline:
        record["authors"] = [article.byline]
    return str(rispy.dumps([record]))


def bibtex_text(
    quote: QuotePublic, article: ArticleDetail, permalink: str, accessed: dt.date
) -> str:
    """The quote as one BibTeX entry (biblatex's ``date`` and ``urldate`` beside classic
    BibTeX's ``year``), its text encoded so that LaTeX reads it as written."""
    fields = [
        Field("title", article.title),
        Field("journal", article.publisher.name),
        Field("url", article.url or permalink),
        Field("urldate", accessed.isoformat()),
        Field("note", citation(quote, permalink)),
    ]
    if article.published_on is not None:
        fields += [
            Field("date", article.published_on.isoformat()),
            Field("year", str(article.published_on.year)),
        ]
    if article.byline:
        fields.append(Field("author", "{" + article.byline + "}"))  # a byline, not "Last, First"
    library = Library()
    library.add(Entry("article", f"saidwho-quote-{quote.id}", fields))
    return str(write_string(library, prepend_middleware=[LatexEncodingMiddleware()]))
