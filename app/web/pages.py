"""The HTML routes. Each reads through the same query layer as the API and renders a template;
a bad search is shown on the page itself, never as a stack trace."""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, cast
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates

from app.api.deps import SessionDep
from app.corrections import was_deleted
from app.crud import InvalidField
from app.models.public import MAX_CHECK_TEXT, CheckResult, Page, QuotePublic
from app.queries.articles import get_article, list_articles
from app.queries.errors import AmbiguousName, QueryError
from app.queries.fast import valid_id
from app.queries.outlets import get_outlet
from app.queries.overview import most_quoted_outlets, most_quoted_speakers, quotes_by_month
from app.queries.quotations import get_quotation
from app.queries.quotes import QuoteQuery, QuoteSort, get_quote, list_quotes
from app.queries.speakers import get_speaker
from app.quotations.check import check_text, speaker_asked
from app.web.render import citation, highlight, passages, reader_date, when_said

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
]
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
    since: str = ""
    until: str = ""
    kinds: list[str] = field(default_factory=list)
    sort: str = "-date"
    article: str = ""
    cursor: str = ""
    limit: int = PAGE_SIZE

    def params(self, **changes: Any) -> dict[str, Any]:
        values = {
            "q": self.q, "speaker": self.speaker, "outlet": self.outlet, "since": self.since,
            "until": self.until, "kind": self.kinds, "sort": self.sort, "article": self.article,
            "cursor": self.cursor, "limit": self.limit if self.limit != PAGE_SIZE else "",
            **changes,
        }  # fmt: skip
        if values.get("sort") == "-date":
            values["sort"] = ""
        return {k: v for k, v in values.items() if v not in ("", None, [])}

    def url(self, path: str = "/", **changes: Any) -> str:
        params = self.params(**changes)
        return path + ("?" + urlencode(params, doseq=True) if params else "")

    @property
    def searched(self) -> bool:
        return bool(self.params(sort="", cursor="", limit=""))


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
    since: str = "",
    until: str = "",
    kind: Annotated[list[str] | None, Query()] = None,
    sort: str = "",
    article: str = "",
    cursor: str = "",
    limit: int = Query(PAGE_SIZE, ge=1, le=100),
) -> HTMLResponse:
    form = SearchForm(
        q=q.strip(), speaker=speaker.strip(), outlet=outlet.strip(), since=since.strip(),
        until=until.strip(), kinds=[k for k in kind or [] if k in dict(KINDS)],
        sort=sort if sort in dict(SORTS) else "-date", article=article.strip(), cursor=cursor,
        limit=limit,
    )  # fmt: skip
    error, page = None, None
    try:
        query = _quote_query(form)
        page = list_quotes(
            session, query, limit=form.limit, cursor=form.cursor or None,
            exact_up_to=request.app.state.settings.exact_total_up_to,
        )  # fmt: skip
    except QueryError as problem:
        error = _explain(problem.parameter, problem.detail)
    except ValueError as problem:
        error = str(problem)
    csv_params = form.params(cursor="", limit="")
    speakers = most_quoted_speakers(session, 200)
    context = {
        "form": form,
        "searched": form.searched,
        "error": error,
        "page": page,
        "kinds": KINDS,
        "sorts": SORTS,
        "speakers": speakers[:12],
        "speaker_names": [ref.name for ref, _ in speakers],
        "outlets": most_quoted_outlets(session, 12),
        "csv_url": "/v1/quotes?" + urlencode({**csv_params, "format": "csv"}, doseq=True),
        "first_url": form.url(cursor=""),
        "next_url": form.url(cursor=page.next_cursor) if page and page.next_cursor else None,
    }
    return render(request, "search.html", context, status_code=422 if error else 200)


def _quote_query(form: SearchForm) -> QuoteQuery:
    article = None
    if form.article:
        article = valid_id(form.article)
        if article is None:
            raise ValueError("The article must be given by its number.")
    sort = cast(QuoteSort, form.sort)  # checked against SORTS when the form was read
    if sort == "relevance" and not form.q:
        sort = "-date"
    return QuoteQuery(
        speakers=(form.speaker,) if form.speaker else (),
        outlets=(form.outlet,) if form.outlet else (),
        kinds=tuple(form.kinds),
        since=_date(form.since, "Said since"),
        until=_date(form.until, "Said until"),
        q=form.q or None,
        article=article,
        sort=sort,
    )


def _date(value: str, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{label}: {value!r} is not a date; write it as 2024-05-31.") from None


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
            "citation": citation(quote),
            "context": context,
            "all_passages": all_passages,
            "rest": len(context) < len(all_passages),
        },
    )


@router.get("/check", response_class=HTMLResponse)
def check_page(
    request: Request, session: SessionDep, text: str = "", speaker: str = ""
) -> HTMLResponse:
    """The quote check for people: the verdict, and what differs, word by word."""
    text, speaker = text.strip(), speaker.strip()
    error, result = None, None
    if text:
        try:
            result = _check(session, text, speaker)
        except QueryError as problem:
            error = _explain(problem.parameter, problem.detail)
        except InvalidField as problem:
            error = str(problem)[:1].upper() + str(problem)[1:] + "."
        except AmbiguousName as problem:
            error = _which_one(problem, "speaker")
    context = {"text": text, "speaker": speaker, "result": result, "error": error}
    return render(request, "check.html", context, status_code=422 if error else 200)


def _check(session: SessionDep, text: str, speaker: str) -> CheckResult:
    if len(text) > MAX_CHECK_TEXT:
        raise InvalidField("text", f"the text is over {MAX_CHECK_TEXT} characters")
    return check_text(session, text, speaker_asked(session, speaker) if speaker else None)


@router.get("/speakers/{name}", response_class=HTMLResponse)
def speaker_page(
    request: Request, session: SessionDep, name: str, cursor: str = ""
) -> HTMLResponse:
    try:
        speaker = get_speaker(session, name)
    except AmbiguousName as ambiguous:
        return not_found(request, _which_one(ambiguous, "speakers"), status_code=409)
    if speaker is None:
        return not_found(request, f"No speaker is called {name!r}.")
    page = _page(request, session, QuoteQuery(speakers=(speaker.id,)), cursor)
    if page is None:
        return not_found(request, "That page link is not valid here.", status_code=422)
    months = quotes_by_month(session, speaker.id)
    return render(
        request,
        "speaker.html",
        {
            "speaker": speaker,
            "page": page,
            "cursor": cursor,
            "months": months,
            "busiest": max((n for _, n in months), default=0),
            **_links("speaker", speaker.id, page),
        },
    )


@router.get("/outlets/{name}", response_class=HTMLResponse)
def outlet_page(request: Request, session: SessionDep, name: str, cursor: str = "") -> HTMLResponse:
    try:
        outlet = get_outlet(session, name)
    except AmbiguousName as ambiguous:
        return not_found(request, _which_one(ambiguous, "outlets"), status_code=409)
    if outlet is None:
        return not_found(request, f"No outlet is called {name!r}.")
    page = _page(request, session, QuoteQuery(outlets=(outlet.id,)), cursor)
    if page is None:
        return not_found(request, "That page link is not valid here.", status_code=422)
    articles = list_articles(session, publishers=(outlet.id,), limit=PAGE_SIZE)
    return render(
        request,
        "outlet.html",
        {
            "outlet": outlet,
            "page": page,
            "cursor": cursor,
            "articles": articles,
            **_links("outlet", outlet.id, page),
        },
    )


def _page(
    request: Request, session: SessionDep, query: QuoteQuery, cursor: str
) -> Page[QuotePublic] | None:
    try:
        return list_quotes(
            session, query, limit=PAGE_SIZE, cursor=cursor or None,
            exact_up_to=request.app.state.settings.exact_total_up_to,
        )  # fmt: skip
    except QueryError:
        return None


def _links(kind: str, entity_id: str, page: Page[QuotePublic]) -> dict[str, str | None]:
    """The CSV of all this speaker's (or outlet's) quotes, and the next page of them."""
    next_url = None
    if page.next_cursor:
        next_url = f"/{kind}s/{entity_id}?" + urlencode({"cursor": page.next_cursor})
    return {
        "csv_url": "/v1/quotes?" + urlencode({kind: entity_id, "format": "csv"}),
        "next_url": next_url,
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
