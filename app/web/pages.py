"""The HTML routes. Each reads through the same query layer as the API and renders a template;
a bad search is shown on the page itself, never as a stack trace."""

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, cast
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from app.api.citations import (
    BIBTEX,
    CSL_JSON,
    RIS,
    bibtex_text,
    citation,
    csl_item,
    reader_date,
    ris_text,
    when_said,
)
from app.api.deps import SessionDep
from app.config import Settings
from app.models.public import (
    MAX_CHECK_TEXT,
    CheckResult,
    Facets,
    OutletPublic,
    Page,
    QuotationReport,
    QuotePublic,
)
from app.models.tables import MAX_ROW_ID
from app.queries.articles import get_article, list_articles
from app.queries.errors import AmbiguousName, QueryError, UnknownName
from app.queries.facets import FACETS, quote_facets
from app.queries.outlets import get_outlet
from app.queries.overview import TRUSTED_CONFIDENCE, most_quoted_outlets, most_quoted_speakers
from app.queries.quotations import get_quotation
from app.queries.quote_filters import FILTERS, PAGE_MOST, QuoteQuery, QuoteSort
from app.queries.quote_params import read_quote_request, valid_id
from app.queries.quotes import article_quotes, get_quote, list_quotes
from app.queries.speakers import get_speaker
from app.queries.suggest import closest
from app.quotations.check import check_text, speaker_asked
from app.quotes.corrections import was_deleted
from app.web.cards import cards
from app.web.render import highlight, marked_article, passages
from app.web.timeline import Timeline, month_span, timeline
from app.writes import InvalidField

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals.update(highlight=highlight, reader_date=reader_date, when_said=when_said)

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 20
KINDS = [("direct", "Direct"), ("partial", "Partial"), ("indirect", "Indirect")]
SORTS: list[tuple[QuoteSort, str]] = [
    ("-date", "Newest first"),
    ("date", "Oldest first"),
    ("relevance", "Best match (with words)"),
    ("speaker", "Speaker, A to Z"),
    ("-speaker", "Speaker, Z to A"),
    ("outlet", "Outlet given to, A to Z"),
    ("-outlet", "Outlet given to, Z to A"),
    ("publisher", "Publisher, A to Z"),
    ("-publisher", "Publisher, Z to A"),
]
# The table view's columns, in the order they stand, and the sort each heading leads to.
COLUMNS = {
    "date": ("Said", "date"),
    "words": ("Words", None),
    "speaker": ("Speaker", "speaker"),
    "kind": ("Kind", None),
    "outlet": ("Given to", "outlet"),
    "publisher": ("Publisher", "publisher"),
    "article": ("Article", None),
    "cue": ("Cue", None),
}
DEFAULT_COLUMNS = ("date", "words", "speaker", "outlet", "publisher")
# Pages are ours alone: no frames, no inline script or style, nothing from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@dataclass
class SearchForm:
    """The search form as the reader filled it in; blank boxes mean no filter."""

    q: str = ""
    speaker: str = ""
    outlet: str = ""
    publisher: str = ""
    since: str = ""
    until: str = ""
    kinds: list[str] = field(default_factory=list)
    sort: str = "-date"
    article: str = ""
    # Only quotes a person has checked (confirmed or corrected).
    reviewed: bool = False
    # "table" for the table view, with the columns chosen (all of COLUMNS' keys, in order).
    view: str = ""
    columns: list[str] = field(default_factory=lambda: list(DEFAULT_COLUMNS))
    cursor: str = ""
    limit: int = PAGE_SIZE
    # Where this page starts in the list (1 for the first), carried by the page links only to
    # say "21-40 of 52": the cursor, not this, says which quotes the page holds.
    start: int = 1

    def params(self, **changes: Any) -> dict[str, Any]:
        values = {
            "q": self.q, "speaker": self.speaker, "outlet": self.outlet,
            "publisher": self.publisher, "since": self.since, "until": self.until,
            "kind": self.kinds, "sort": self.sort, "article": self.article,
            "reviewed": "true" if self.reviewed else "",
            "view": self.view,
            "columns": ",".join(self.columns)
            if self.view and tuple(self.columns) != DEFAULT_COLUMNS
            else "",
            "cursor": self.cursor, "limit": self.limit if self.limit != PAGE_SIZE else "",
            "start": self.start if self.start > 1 and self.cursor else "", **changes,
        }  # fmt: skip
        if values.get("sort") == ("relevance" if values.get("q") else "-date"):
            values["sort"] = ""  # the order a search with (or without) words has unasked
        return {k: v for k, v in values.items() if v not in ("", None, [])}

    def url(self, path: str = "/", **changes: Any) -> str:
        params = self.params(**changes)
        return path + ("?" + urlencode(params, doseq=True) if params else "")

    @property
    def searched(self) -> bool:
        return bool(self.params(sort="", cursor="", limit="", start=""))

    def filters(self, **changes: Any) -> dict[str, Any]:
        """The search without its place in the list: what a feed, an export or a facet keeps."""
        return self.params(cursor="", start="", limit="", view="", columns="", **changes)


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    context = {"docs_enabled": request.app.state.settings.docs_enabled, **context}
    return templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=SECURITY_HEADERS
    )


def not_found(request: Request, message: str, status_code: int = 404) -> HTMLResponse:
    heading = {404: "Not found", 410: "Deleted"}.get(status_code, "Which one?")
    return render(
        request, "error.html", {"heading": heading, "message": message}, status_code=status_code
    )


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    session: SessionDep,
    q: str = "",
    speaker: str = "",
    outlet: str = "",
    publisher: str = "",
    since: str = "",
    until: str = "",
    kind: Annotated[list[str] | None, Query()] = None,
    sort: str = "",
    article: str = "",
    reviewed: str = "",
    view: str = "",
    columns: Annotated[list[str] | None, Query()] = None,
    cursor: str = "",
    limit: int = Query(PAGE_SIZE, ge=1, le=PAGE_MOST),
    start: int = Query(1, ge=1, le=MAX_ROW_ID),
) -> HTMLResponse:
    # With words and no order chosen, the best matches come first; without words, the newest.
    chosen = sort if sort in dict(SORTS) else ("relevance" if q.strip() else "-date")
    form = SearchForm(
        q=q.strip(), speaker=speaker.strip(), outlet=outlet.strip(),
        publisher=publisher.strip(), since=since.strip(), until=until.strip(),
        kinds=[k for k in kind or [] if k in dict(KINDS)],
        sort=chosen, article=article.strip(), reviewed=reviewed.strip().lower() == "true",
        view="table" if view == "table" else "", columns=_columns(columns),
        cursor=cursor, limit=limit, start=start if cursor else 1,
    )  # fmt: skip
    outcome = _searched(session, form, request.app.state.settings)
    context = {**_search_context(session, form, outcome), **_links(form, outcome.page)}
    status_code = 422 if outcome.error else 200
    return render(request, "search.html", context, status_code=status_code)


@dataclass
class _Searched:
    """What a search of the page found: a page of quotes and its findings, or what was wrong
    with it (and the names it may have meant)."""

    page: Page[QuotePublic] | None = None
    found: "_Findings | None" = None
    error: str | None = None
    suggestions: list[tuple[str, str]] = field(default_factory=list)


def _searched(session: SessionDep, form: SearchForm, settings: Settings) -> _Searched:
    outcome = _Searched()
    try:
        query = _quote_query(form)
        outcome.page = list_quotes(
            session, query, limit=form.limit, cursor=form.cursor or None,
            exact_up_to=settings.exact_total_up_to,
        )  # fmt: skip
        if form.searched:
            outcome.found = _findings(session, query, settings.facet_scan)
    except UnknownName as problem:
        outcome.error = _explain(problem.parameter, problem.unknown)
        outcome.suggestions = [
            (name, form.url(**{problem.parameter: id_, "cursor": ""}))
            for id_, name in problem.suggestions
        ]
    except QueryError as problem:
        outcome.error = _explain(problem.parameter, problem.detail)
    except ValueError as problem:
        outcome.error = str(problem)
    return outcome


def _search_context(session: SessionDep, form: SearchForm, outcome: _Searched) -> dict[str, Any]:
    """What the search template shows: the form, the answer or the error, the findings."""
    page, found = outcome.page, outcome.found
    speakers = most_quoted_speakers(session, 200)
    return {
        "form": form,
        "searched": form.searched,
        "error": outcome.error,
        "suggestions": outcome.suggestions,
        "page": page,
        "kinds": KINDS,
        "sorts": SORTS,
        "speakers": most_quoted_speakers(session, 12, trusted=True),
        "speaker_names": [ref.name for ref, _ in speakers],
        "outlets": most_quoted_outlets(session, 12, trusted=True),
        "trusted_share": round(100 * TRUSTED_CONFIDENCE),
        "facets": found.facets if found else None,
        "timeline": found.timeline(lambda month: form.url(**_month_filter(month)))
        if found
        else None,
        "facet_labels": FACET_LABELS,
        "why_empty": _why_empty(session, form) if page is not None and not page.total else None,
        "active_filters": _active_filters(form),
        "cards": cards(session, page.items) if page else [],
        "column_names": COLUMNS,
    }


def _links(form: SearchForm, page: Page[QuotePublic] | None) -> dict[str, Any]:
    """Where the page's links go: exports, the feed, facets, recent days, views, orders and
    the pages before and after."""
    return {
        "csv_url": "/v1/quotes?" + urlencode({**form.filters(), "format": "csv"}, doseq=True),
        "feed_url": "/v1/quotes.atom?" + urlencode(form.filters(sort=""), doseq=True),
        "facet_link": lambda name, value: form.url(**_facet_filter(name, value)),
        "recent_url": lambda days: form.url(
            since=(dt.datetime.now(dt.UTC).date() - dt.timedelta(days=days)).isoformat(),
            until="",
            cursor="",
            start="",
        ),
        "table_url": form.url(view="table", cursor="", start=""),
        "cards_url": form.url(view="", columns="", cursor="", start=""),
        "sort_url": lambda name: form.url(
            sort=("-" + name if form.sort == name else name), cursor="", start=""
        ),
        **_paging(form, page),
    }


def _columns(asked: list[str] | None) -> list[str]:
    """The table's columns as asked (``columns=date,words`` or repeated), known ones only, in
    the table's own order; the usual five when none is asked or none is known."""
    wanted = {name.strip() for value in asked or [] for name in value.split(",")}
    chosen = [name for name in COLUMNS if name in wanted]
    return chosen or list(DEFAULT_COLUMNS)


def _active_filters(form: SearchForm) -> list[str]:
    """The filters set beyond the words, said in the folded form's summary."""
    kinds = dict(KINDS)
    sorts: dict[str, str] = dict(SORTS)
    shown = [
        f"speaker {form.speaker}" if form.speaker else "",
        f"to {form.outlet}" if form.outlet else "",
        f"published by {form.publisher}" if form.publisher else "",
        f"since {form.since}" if form.since else "",
        f"until {form.until}" if form.until else "",
        ", ".join(kinds[k].lower() for k in form.kinds),
        f"order: {sorts[form.sort]}" if form.sort not in {"-date", "relevance"} else "",
        "checked by a person" if form.reviewed else "",
    ]
    return [item for item in shown if item]


FACET_LABELS = {
    "speaker": "Speaker", "outlet": "Given to", "publisher": "Published by", "kind": "Kind",
    "year": "Year", "month": "Month",
}  # fmt: skip


@dataclass(frozen=True)
class _Findings:
    """What the quotes of a search hold: the facets beside the list, and the months."""

    facets: Facets
    months: dict[str, int]

    def timeline(self, href: Callable[[str], str]) -> Timeline | None:
        return timeline(self.months, href)


def _findings(session: SessionDep, query: QuoteQuery, scan: int) -> _Findings:
    facets = quote_facets(session, query, FACETS, limit=8, scan=scan)
    months = quote_facets(session, query, ("month",), limit=1000, scan=scan)
    counts = {value.value: value.count for value in months.facets["month"].values}
    return _Findings(facets, counts)


def _month_filter(month: str) -> dict[str, str]:
    first, last = month_span(month)
    return {"since": first.isoformat(), "until": last.isoformat(), "cursor": "", "start": ""}


def _facet_filter(name: str, value: str) -> dict[str, Any]:
    """The search narrowed to one facet value (it replaces that filter's value, if any)."""
    changes: dict[str, Any] = {"cursor": "", "start": ""}
    if name == "kind":
        changes["kind"] = [value]
    elif name == "year":
        changes |= {"since": f"{value}-01-01", "until": f"{value}-12-31"}
    elif name == "month":
        changes |= _month_filter(value)
    else:
        changes[name] = value
    return changes


def _paging(form: SearchForm, page: Page[QuotePublic] | None, path: str = "/") -> dict[str, Any]:
    """The page links (to ``path`` with the form's search), and where this page stands:
    "21-40 of 52"."""
    if page is None or not page.items:
        return {"first_url": None, "next_url": None, "prev_url": None, "shown": None}
    start = form.start if form.cursor else 1
    end = start + len(page.items) - 1
    next_url = prev_url = None
    if page.next_cursor:
        next_url = form.url(path, cursor=page.next_cursor, start=end + 1)
    if page.prev_cursor:
        before = max(1, start - form.limit)
        prev_url = form.url(path, cursor=page.prev_cursor, start=before if before > 1 else "")
    return {
        "first_url": form.url(path, cursor="", start="") if form.cursor else None,
        "next_url": next_url,
        "prev_url": prev_url,
        "shown": (start, end),
    }


def _why_empty(session: SessionDep, form: SearchForm) -> str:
    """Which filter left nothing: each one given is tried alone; one that matches nothing by
    itself is named; if each matches something, it is the combination."""
    alone: list[tuple[str, int]] = []
    for label, changes in _single_filters(form):
        try:
            single = SearchForm(**{**_blank_form(form), **changes})
            total = list_quotes(session, _quote_query(single), limit=1).total
        except (QueryError, ValueError):
            continue
        alone.append((label, total))
    empty = [label for label, total in alone if total == 0]
    if empty:
        return f"No stored quote matches {empty[0]}, even with no other filter."
    if len(alone) > 1:
        each = "; ".join(f"{label}: {total:,}" for label, total in alone)
        return f"Each filter matches quotes on its own ({each}), but no quote matches them all."
    return "Nothing matches."


def _blank_form(form: SearchForm) -> dict[str, Any]:
    return {"sort": form.sort, "limit": form.limit}


def _single_filters(form: SearchForm) -> list[tuple[str, dict[str, Any]]]:
    filters: list[tuple[str, dict[str, Any]]] = []
    if form.q:
        filters.append((f"the words “{form.q}”", {"q": form.q}))
    for name, label in (("speaker", "the speaker"), ("outlet", "the outlet"),
                        ("publisher", "the publisher")):  # fmt: skip
        if getattr(form, name):
            filters.append((f"{label} {getattr(form, name)!r}", {name: getattr(form, name)}))
    if form.kinds:
        filters.append(("the kind " + " or ".join(form.kinds), {"kinds": form.kinds}))
    if form.since or form.until:
        span = f"{form.since or 'the start'} to {form.until or 'now'}"
        filters.append((f"the dates {span}", {"since": form.since, "until": form.until}))
    if form.article:
        filters.append((f"article {form.article}", {"article": form.article}))
    return filters


# What of the form is a quote search's filters, read as the direct path reads a query.
_FILTER_PARAMS = frozenset({"q", *(f.param for f in FILTERS)})


def _quote_query(form: SearchForm) -> QuoteQuery:
    """The form's search, read by the one reader of quote searches (``NotPlain``, a
    ``QueryError``, names the box at fault)."""
    filters = {name: value for name, value in form.params().items() if name in _FILTER_PARAMS}
    asked = read_quote_request(urlencode(filters, doseq=True), sorts=("-date",))
    sort = cast(QuoteSort, form.sort)  # checked against SORTS when the form was read
    if sort == "relevance" and not form.q:
        sort = "-date"
    return dataclasses.replace(asked.query, sort=sort)


def _explain(parameter: str, detail: str) -> str:
    if parameter == "cursor":
        return "That page link no longer matches this search; start again from the first page."
    return detail[:1].upper() + detail[1:] + "."


@router.get("/quotes/{quote_id}", response_class=HTMLResponse)
def quote_page(request: Request, session: SessionDep, quote_id: str) -> HTMLResponse:
    quote = get_quote(session, int(quote_id)) if quote_id.isdigit() else None
    if quote is None:
        if quote_id.isdigit() and was_deleted(session, int(quote_id)):
            message = f"Quote {quote_id} was deleted. Its history: /v1/quotes/{quote_id}/history"
            return not_found(request, message, status_code=410)
        return not_found(request, f"There is no quote {quote_id}.")
    article = get_article(session, quote.article.id)
    assert article is not None
    around = passages(article.text, quote)
    holding = [n for n, p in enumerate(around) if p.holds_quote] or [0]
    context = around[max(0, holding[0] - 1) : holding[-1] + 2]
    all_passages = passages(article.text, quote, anchor=False)
    quotation = get_quotation(session, quote.quotation) if quote.quotation else None
    return render(
        request,
        "quote.html",
        {
            "quote": quote,
            "quotation": quotation,
            "other_reports": [r for r in quotation.items if r.quote != quote.id]
            if quotation
            else [],
            "article": article,
            "citation": citation(quote, str(request.url_for("quote_page", quote_id=quote.id)))
            + f" Accessed {reader_date(dt.datetime.now(dt.UTC).date())}.",
            "context": context,
            "all_passages": all_passages,
            "rest": len(context) < len(all_passages),
        },
    )


# A citation file's suffix and its media type.
_CITATION_FILES = {"ris": RIS, "bib": BIBTEX, "json": CSL_JSON}


@router.get("/quotes/{quote_id}/citation.{kind}")
def citation_file(request: Request, session: SessionDep, quote_id: str, kind: str) -> Response:
    """The quote's citation as a file for a reference manager: RIS, BibTeX or CSL-JSON."""
    number = valid_id(quote_id)
    quote = get_quote(session, number) if number is not None else None
    if quote is None or kind not in _CITATION_FILES:
        return not_found(request, "There is no such citation.")
    article = get_article(session, quote.article.id)
    assert article is not None  # a quote's article is never deleted
    permalink = str(request.url_for("quote_page", quote_id=quote.id))
    today = dt.datetime.now(dt.UTC).date()
    if kind == "ris":
        body = ris_text(quote, article, permalink, today)
    elif kind == "bib":
        body = bibtex_text(quote, article, permalink, today)
    else:
        body = orjson.dumps([csl_item(quote, article, permalink)]).decode()
    filename = f"saidwho-quote-{quote.id}.{kind}"
    return Response(
        body,
        media_type=_CITATION_FILES[kind],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/articles", response_class=HTMLResponse)
def articles_page(request: Request, session: SessionDep, cursor: str = "") -> HTMLResponse:
    """Every stored article, newest first, each with its publisher and its quotes."""
    return _article_list(request, session, None, cursor)


@router.get("/publishers/{name}", response_class=HTMLResponse)
def publisher_page(
    request: Request, session: SessionDep, name: str, cursor: str = ""
) -> HTMLResponse:
    """A publisher's articles, newest first, and the way to the quotes it published."""
    outlet = _outlet_named(request, session, name)
    if isinstance(outlet, HTMLResponse):
        return outlet
    return _article_list(request, session, outlet, cursor)


def _outlet_named(request: Request, session: SessionDep, name: str) -> OutletPublic | HTMLResponse:
    """The outlet (or publisher) a page's address names, or the page that says why not: which
    ones an ambiguous name could be (409), or the closest stored names (404)."""
    try:
        outlet = get_outlet(session, name)
    except AmbiguousName as ambiguous:
        return not_found(request, _which_one(ambiguous, "outlets"), status_code=409)
    return outlet if outlet is not None else _unknown(request, session, "outlet", name)


def _article_list(
    request: Request, session: SessionDep, publisher: OutletPublic | None, cursor: str
) -> HTMLResponse:
    try:
        found = list_articles(
            session,
            publishers=(publisher.id,) if publisher else (),
            limit=PAGE_SIZE,
            cursor=cursor or None,
        )
    except QueryError:
        return not_found(request, "That page link is not valid here.", status_code=422)
    here = f"/publishers/{publisher.id}" if publisher else "/articles"
    context = {
        "publisher": publisher,
        "articles": found,
        "next_url": f"{here}?{urlencode({'cursor': found.next_cursor})}"
        if found.next_cursor
        else None,
        "prev_url": f"{here}?{urlencode({'cursor': found.prev_cursor})}"
        if found.prev_cursor
        else None,
        "first_url": here if cursor else None,
    }
    return render(request, "articles.html", context)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, session: SessionDep, article_id: str) -> HTMLResponse:
    """An article as stored: its text with every quote and speaker mention marked, and its
    quotes listed, each pointing at its place in the text."""
    number = valid_id(article_id)
    article = get_article(session, number) if number is not None else None
    if article is None:
        return not_found(request, f"There is no article {article_id}.")
    quotes = article_quotes(session, article.id)
    return render(
        request,
        "article.html",
        {
            "article": article,
            "quotes": quotes,
            "paragraphs": marked_article(article.text, quotes),
            "speakers": len({quote.speaker.id for quote in quotes}),
            "unchecked": sum(q.origin == "extracted" and not q.reviewed for q in quotes),
        },
    )


@router.get("/check", response_class=HTMLResponse)
def check_page(
    request: Request, session: SessionDep, text: str = "", speaker: str = ""
) -> HTMLResponse:
    """The quote check for people: the verdict, and what differs, word by word."""
    text, speaker = text.strip(), speaker.strip()
    error, result, suggestions = None, None, []
    if text:
        try:
            result = _check(session, text, speaker)
        except UnknownName as problem:
            error = _explain(problem.parameter, problem.unknown)
            suggestions = [
                (name, "/check?" + urlencode({"text": text, "speaker": id_}))
                for id_, name in problem.suggestions
            ]
        except QueryError as problem:
            error = _explain(problem.parameter, problem.detail)
        except InvalidField as problem:
            error = str(problem)[:1].upper() + str(problem)[1:] + "."
        except AmbiguousName as problem:
            error = _which_one(problem, "speaker")
    reports = {
        match.quotation.id: _first_report(session, match.quotation.id)
        for match in (result.matches if result else [])
    }
    context = {
        "text": text, "speaker": speaker, "result": result, "error": error,
        "suggestions": suggestions, "reports": reports,
    }  # fmt: skip
    return render(request, "check.html", context, status_code=422 if error else 200)


def _first_report(session: SessionDep, quotation_id: int) -> QuotationReport | None:
    """The earliest stored report of a quotation: the quote and article a match leads to."""
    detail = get_quotation(session, quotation_id)
    return detail.items[0] if detail and detail.items else None


def _check(session: SessionDep, text: str, speaker: str) -> CheckResult:
    if len(text) > MAX_CHECK_TEXT:
        raise InvalidField("text", f"the text is over {MAX_CHECK_TEXT} characters")
    return check_text(session, text, speaker_asked(session, speaker) if speaker else None)


@router.get("/speakers/{name}", response_class=HTMLResponse)
def speaker_page(
    request: Request, session: SessionDep, name: str, cursor: str = "", start: int = 1
) -> HTMLResponse:
    try:
        speaker = get_speaker(session, name)
    except AmbiguousName as ambiguous:
        return not_found(request, _which_one(ambiguous, "speakers"), status_code=409)
    if speaker is None:
        return _unknown(request, session, "speaker", name)
    context = _entity_page(request, session, "speaker", speaker.id, cursor, start)
    if context is None:
        return not_found(request, "That page link is not valid here.", status_code=422)
    return render(request, "speaker.html", {"speaker": speaker, **context})


@router.get("/outlets/{name}", response_class=HTMLResponse)
def outlet_page(
    request: Request, session: SessionDep, name: str, cursor: str = "", start: int = 1
) -> HTMLResponse:
    outlet = _outlet_named(request, session, name)
    if isinstance(outlet, HTMLResponse):
        return outlet
    context = _entity_page(request, session, "outlet", outlet.id, cursor, start)
    if context is None:
        return not_found(request, "That page link is not valid here.", status_code=422)
    articles = list_articles(session, publishers=(outlet.id,), limit=PAGE_SIZE)
    return render(request, "outlet.html", {"outlet": outlet, "articles": articles, **context})


def _unknown(
    request: Request, session: SessionDep, kind: Literal["speaker", "outlet"], name: str
) -> HTMLResponse:
    """A 404 that offers the closest stored names."""
    offers = closest(session, kind, name)
    message = f"No {kind} is called {name!r}."
    if offers:
        names = " or ".join(f"{found.name} (/{kind}s/{found.id})" for found in offers)
        message += f" Did you mean {names}?"
    return not_found(request, message)


def _entity_page(
    request: Request, session: SessionDep, kind: str, entity_id: str, cursor: str, start: int
) -> dict[str, Any] | None:
    """What a speaker's or an outlet's page shows of its quotes: one page of them, where it
    stands, the timeline, the facets, and where to take them (CSV, feed)."""
    settings = request.app.state.settings
    form = SearchForm(cursor=cursor, start=max(1, start) if cursor else 1)
    if kind == "speaker":
        form.speaker = entity_id
        query = QuoteQuery(speakers=(entity_id,))
    else:
        form.outlet = entity_id
        query = QuoteQuery(outlets=(entity_id,))
    try:
        page = list_quotes(
            session, query, limit=PAGE_SIZE, cursor=cursor or None,
            exact_up_to=settings.exact_total_up_to,
        )  # fmt: skip
    except QueryError:
        return None
    found = _findings(session, query, settings.facet_scan)
    # The page's own links stay on this page; the facets and bars lead to the search page.
    here = SearchForm(cursor=form.cursor, start=form.start)
    paging = _paging(here, page, f"/{kind}s/{entity_id}")
    return {
        "page": page,
        "cards": cards(session, page.items),
        "cursor": cursor,
        "facets": found.facets,
        "facet_link": lambda name, value: form.url(**_facet_filter(name, value)),
        "facet_labels": {k: v for k, v in FACET_LABELS.items() if k != kind},
        "timeline": found.timeline(lambda m: form.url(**_month_filter(m))),
        "csv_url": "/v1/quotes?" + urlencode({kind: entity_id, "format": "csv"}),
        "feed_url": "/v1/quotes.atom?" + urlencode({kind: entity_id}),
        "search_url": form.url(),
        **paging,
    }


def _which_one(ambiguous: AmbiguousName, kind: str) -> str:
    return f"{ambiguous.name!r} is the name of several {kind}: {', '.join(ambiguous.candidates)}."


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Browsers ask for this address whatever the page says; the same picture as the pages'
    own icon link, so the tab shows it and the log shows no 404s."""
    return FileResponse(
        HERE / "static" / "favicon.svg",
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def static_files_dir() -> Path:
    return HERE / "static"
