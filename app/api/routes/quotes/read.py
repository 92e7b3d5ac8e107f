"""``/v1/quotes``: the list with every filter, its exports (CSV, NDJSON, Atom), and one quote
with its citations."""

import dataclasses
import datetime as dt
from typing import Annotated, Literal

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from app.api.atom import ATOM
from app.api.citations import BIBTEX, CSL_JSON, RIS, bibtex_text, citation, csl_item, ris_text
from app.api.deps import EngineDep, SessionDep, SettingsDep
from app.api.errors import problem_responses
from app.api.exports import csv_chunks, csv_filename, ndjson_chunks
from app.api.filters import QuoteFilters
from app.api.params import Cursor, Limit, QuoteId, examples
from app.api.problems import ProblemError
from app.api.routes.quotes.feeds import atom_response
from app.api.versioning import ETAG_HEADER
from app.models.public import Page, QuotePublic
from app.models.versions import etag
from app.queries.articles import get_article
from app.queries.quote_filters import QuoteSort
from app.queries.quotes import get_quote, iter_quotes, list_quotes
from app.quotes.corrections import quote_version, was_deleted

router = APIRouter(prefix="/v1/quotes", tags=["quotes"])

CSV = "text/csv"
NDJSON = "application/x-ndjson"
ExportFormat = Literal["json", "csv", "ndjson", "atom"]


@router.get(
    "",
    response_model=Page[QuotePublic],
    summary="Find quotes",
    description="Quotes matching every filter given, newest `date` first by default, in keyset "
    "pages. Send `Accept: text/csv` or `Accept: application/x-ndjson` (or `format=csv|ndjson`) "
    "to stream every match instead of one page, or `Accept: application/atom+xml` (or "
    "`format=atom`) for the newest `limit` as an Atom feed, as `/v1/quotes.atom` answers.",
    responses={
        200: {
            "content": {
                CSV: {"schema": {"type": "string"}},
                NDJSON: {"schema": {"type": "string"}},
                ATOM: {"schema": {"type": "string"}},
            }
        }
    },
)
def find_quotes(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    settings: SettingsDep,
    filters: QuoteFilters,
    sort: Annotated[
        QuoteSort,
        Query(
            description="`-date` (newest first, the default), `date` (oldest first), with `q` "
            "`relevance` (best match first), or by a name, then by date: `speaker`, `outlet` "
            "(the outlet given to; none sorts first), `publisher` (A to Z, oldest first), or "
            "`-speaker`, `-outlet`, `-publisher` (Z to A, newest first).",
            openapi_examples=examples(newest_first="-date", oldest_first="date"),
        ),
    ] = "-date",
    limit: Limit = 20,
    cursor: Cursor = None,
    format: Annotated[
        ExportFormat | None,
        Query(
            description="`csv` or `ndjson` streams every match as a file, like the `Accept` "
            "header does; `atom` answers the newest as a feed; `json` (the default) answers "
            "one page.",
            openapi_examples=examples(page="json", spreadsheet="csv"),
        ),
    ] = None,
    excel: Annotated[
        bool,
        Query(
            description="`true`: the CSV export, starting with a UTF-8 byte-order mark so "
            "that Excel reads curly quotes and accents right.",
            openapi_examples=examples(for_excel=True),
        ),
    ] = False,
) -> Page[QuotePublic] | Response:
    if sort == "relevance" and filters.q is None:
        raise ProblemError(
            422, "invalid-parameter", "sort=relevance needs a search `q`", parameter="sort"
        )
    query = dataclasses.replace(filters, sort=sort)
    export = format or ("csv" if excel else _format_from_accept(request.headers.get("accept", "")))
    if excel and export != "csv":
        raise ProblemError(
            422, "invalid-parameter", "excel=true is for the CSV export", parameter="excel"
        )
    if export == "atom":
        return atom_response(request, session, settings.exact_total_up_to, filters, limit)
    if export == "json":
        return list_quotes(
            session, query, limit=limit, cursor=cursor, exact_up_to=settings.exact_total_up_to
        )
    # Resolved now: a bad filter is a problem response, not a stream cut short.
    rows = iter_quotes(session, engine, query, batch_size=settings.export_batch_size)
    if export == "csv":
        base = str(request.base_url).rstrip("/")
        return StreamingResponse(
            csv_chunks(rows, engine, base, excel=excel),
            media_type=f"{CSV}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{csv_filename(query)}"'},
        )
    return StreamingResponse(ndjson_chunks(rows), media_type=NDJSON)


@router.get(
    "/{quote_id}",
    response_model=QuotePublic,
    summary="One quote",
    description="The `ETag` is the quote's version: send it back as `If-Match` with a PATCH "
    "or DELETE so a change made meanwhile is not overwritten. To cite it, send `Accept: "
    "application/vnd.citationstyles.csl+json` (CSL-JSON, for reference managers), `Accept: "
    "application/x-research-info-systems` (RIS), `Accept: application/x-bibtex` (BibTeX; "
    "both with today as the access date) or `Accept: text/plain` (one line: the words, the "
    "speaker and role, the date said, the article, its publisher and the permalink).",
    responses={
        200: {
            "headers": ETAG_HEADER,
            "content": {
                CSL_JSON: {"schema": {"type": "array", "items": {"type": "object"}}},
                RIS: {"schema": {"type": "string"}},
                BIBTEX: {"schema": {"type": "string"}},
                "text/plain": {"schema": {"type": "string"}},
            },
        },
        **problem_responses(404, 410),
    },
)
def read_quote(
    request: Request, session: SessionDep, response: Response, quote_id: QuoteId
) -> QuotePublic | Response:
    quote = get_quote(session, quote_id)
    if quote is None:
        if was_deleted(session, quote_id):
            raise ProblemError(410, "gone", f"quote {quote_id} was deleted")
        raise ProblemError(404, "not-found", f"there is no quote {quote_id}")
    version = etag(quote_version(session, quote_id))
    media = _media(request.headers.get("accept", ""))
    if media & {CSL_JSON, RIS, BIBTEX, "text/plain"}:
        permalink = f"{str(request.base_url).rstrip('/')}/quotes/{quote.id}"
        headers = {"ETag": version, "Vary": "Accept"}
        if media & {CSL_JSON, RIS, BIBTEX}:
            article = get_article(session, quote.article.id)
            assert article is not None  # a quote's article is never deleted
            today = dt.datetime.now(dt.UTC).date()
            if RIS in media:
                body_text = ris_text(quote, article, permalink, today)
                return Response(body_text, media_type=RIS, headers=headers)
            if BIBTEX in media:
                body_text = bibtex_text(quote, article, permalink, today)
                return Response(body_text, media_type=BIBTEX, headers=headers)
            body = orjson.dumps([csl_item(quote, article, permalink)])
            return Response(body, media_type=CSL_JSON, headers=headers)
        return Response(citation(quote, permalink) + "\n", media_type="text/plain", headers=headers)
    response.headers["ETag"] = version
    return quote


def _media(accept: str) -> set[str]:
    return {part.split(";")[0].strip().lower() for part in accept.split(",")}


def _format_from_accept(accept: str) -> ExportFormat:
    media = _media(accept)
    if CSV in media:
        return "csv"
    if NDJSON in media:
        return "ndjson"
    if ATOM in media:
        return "atom"
    return "json"
