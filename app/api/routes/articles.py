"""``/v1/articles``: the articles quotes were taken from, with their full text; posting one
extracts and attributes its quotations."""

import datetime as dt
import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response, status
from pydantic import TypeAdapter, ValidationError

from app.api.deps import SessionDep, SettingsDep, WriteKeyDep, WriteSessionDep
from app.api.errors import as_problem, problem_responses
from app.api.guards import FRONT_DOOR
from app.api.idempotency import IdempotencyKey, request_digest, write_once
from app.api.page_body import FIELDS as PAGE_FIELDS
from app.api.params import ArticleId, Cursor, Limit, Publisher, Since, Until
from app.api.problems import ProblemError, problem_body
from app.ingest.reading import Bounds, Read, TooMuch, read_quotations
from app.ingest.store import ingest
from app.ingest.web_pages import page_article
from app.ingest.writer import Refused, Submitted, write_articles
from app.models.public import (
    BODY_TAGS,
    ArticleDetail,
    ArticleIn,
    ArticlePost,
    ArticlePublic,
    ArticleWithQuotes,
    BatchAnswer,
    BatchLine,
    Page,
    PageIn,
)
from app.queries.articles import get_article, list_articles
from app.queries.quotes import article_quotes
from app.writes import InvalidField

router = APIRouter(prefix="/v1/articles", tags=["articles"])
_PAGE_EXAMPLES = {
    "url": "https://www.upi.com/Top_News/2024/05/31/",
    "title": "U.S. lets Ukraine strike inside Russia",
    "publisher": "UPI",
    "published_on": "2024-05-31",
    "byline": "Jane Roe",
}


@router.get("", response_model=Page[ArticlePublic], summary="List articles, newest first")
def find_articles(
    session: SessionDep,
    publisher: Publisher = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[ArticlePublic]:
    return list_articles(
        session,
        publishers=tuple(publisher or ()),
        since=since,
        until=until,
        limit=limit,
        cursor=cursor,
    )


@router.post(
    "",
    response_model=ArticleWithQuotes,
    status_code=status.HTTP_201_CREATED,
    summary="Store an article and attribute its quotations",
    description="Stores the article and every quotation extracted from it, attributed to its "
    "speaker and outlet, in one transaction. Posting a text that is already stored creates "
    "nothing and answers 200 with the stored article.\n\n"
    "A saved web page is taken too, as `{html, url?, title?, publisher?, published_on?, "
    "byline?}` or as a `text/html` body with those fields as query parameters: its main text, "
    "title, date, site, byline and canonical address are read from the page, and a field "
    "given overrides the page's own. The stored text is the page's main text; spans point "
    "into it. A page with no main text, or no date when none is given, is a 422 naming what "
    "is missing.",
    responses={
        200: {"description": "The text was already stored; nothing was created."},
        **problem_responses(401, 413),
    },
    openapi_extra={
        "requestBody": {
            "content": {"text/html": {"schema": {"type": "string", "description": "A page."}}}
        },
        "parameters": [
            {
                "name": name,
                "in": "query",
                "required": False,
                "description": f"With a text/html body: the article's {name}.",
                "schema": {"type": "string", "examples": [_PAGE_EXAMPLES[name]]},
            }
            for name in PAGE_FIELDS
        ],
    },
)
def post_article(
    request: Request,
    session: WriteSessionDep,
    key: WriteKeyDep,
    settings: SettingsDep,
    posted: Annotated[ArticlePost, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    # The query carries an article's fields only with a text/html body (read into the body
    # by app.api.page_body): beside a JSON body they would be silently ignored.
    for name in request.query_params:
        raise ProblemError(
            422,
            "invalid-parameter",
            f"{name}: give it in the JSON body; query fields go with a text/html body",
            parameter=name,
        )
    body = _from_page(posted) if isinstance(posted, PageIn) else posted
    # Read before the write transaction begins: the lock is for writing rows only.
    read = _read(body, Bounds(settings.max_paragraphs, settings.max_quotes_per_article))

    def perform() -> tuple[int, str, str | None]:
        result = ingest(session, body, read, api_key_id=key.id)
        article_id = result.article.id
        assert article_id is not None
        detail = get_article(session, article_id)
        assert detail is not None
        stored = ArticleWithQuotes(
            **detail.model_dump(), quotes=article_quotes(session, article_id)
        )
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return code, stored.model_dump_json(), f"/v1/articles/{article_id}"

    digest = request_digest("POST", request.url.path, posted)
    keep = dt.timedelta(hours=settings.idempotency_hours)
    return write_once(session, key, idempotency_key, digest, perform, keep=keep)


async def ndjson_body(request: Request) -> bytes:
    """The raw body of a batch (its media type and size are held at the door)."""
    return await request.body()


_ARTICLE_POST: TypeAdapter[ArticleIn | PageIn] = TypeAdapter(ArticlePost)


@router.post(
    "/batch",
    response_model=BatchAnswer,
    summary="Store many articles at once, one a line",
    description="The body is one article a line (`application/x-ndjson`), each as `POST "
    "/v1/articles` takes it: the text and its fields, or a saved page as `{html, ...}`. Up to "
    "`SAIDWHO_MAX_BATCH_ARTICLES` (1,000) articles, or `SAIDWHO_MAX_BATCH_BYTES`.\n\n"
    "Each article is stored whole or not at all, and a text already stored is not stored "
    "again, as with the single post; one that cannot be stored does not stop the others. The "
    "answer lists one outcome per article line, in order: its line, the status the single "
    "post would have answered (201, 200, or a problem's), the article's id and quote count, "
    "or the problem. Against the rate limits a batch counts as one request per "
    "`SAIDWHO_BATCH_ARTICLES_PER_REQUEST` (50) articles, rounded up; past them nothing of "
    "it is stored.",
    responses=problem_responses(401, 413, 415, 422, 429),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/x-ndjson": {
                    "schema": {
                        "type": "string",
                        "description": "One article a line, each a JSON object as POST "
                        "/v1/articles takes it.",
                    }
                }
            },
        }
    },
)
def post_batch(
    request: Request,
    session: WriteSessionDep,
    key: WriteKeyDep,
    settings: SettingsDep,
    body: Annotated[bytes, Depends(ndjson_body)],
    idempotency_key: IdempotencyKey = None,
) -> Response:
    lines = [(n, raw) for n, raw in enumerate(body.split(b"\n"), start=1) if raw.strip()]
    if not lines:
        raise ProblemError(422, "invalid-parameter", "the body holds no article", parameter="body")
    if len(lines) > settings.max_batch_articles:
        raise ProblemError(
            413,
            "too-large",
            f"the batch has {len(lines):,} articles; at most {settings.max_batch_articles:,} go "
            "in one request (SAIDWHO_MAX_BATCH_ARTICLES): send the rest in another",
        )
    _charge(request, len(lines), settings.batch_articles_per_request)
    bounds = Bounds(settings.max_paragraphs, settings.max_quotes_per_article)
    results: dict[int, BatchLine] = {}
    ready: list[tuple[int, Submitted]] = []
    for number, raw in lines:
        try:
            article = _batch_article(raw)
            read = _read(article, bounds)
        except (ProblemError, InvalidField, TooMuch) as error:
            results[number] = _refused(number, as_problem(error))
            continue
        ready.append((number, Submitted.of(article, read, key.id)))

    def perform() -> tuple[int, str, str | None]:
        outcomes = write_articles(session, [item for _, item in ready])
        for (number, _), outcome in zip(ready, outcomes, strict=True):
            if isinstance(outcome, Refused):
                refused = as_problem(InvalidField(outcome.field, outcome.message))
                results[number] = _refused(number, refused)
            else:
                results[number] = BatchLine(
                    line=number,
                    status=201 if outcome.created else 200,
                    id=outcome.article.id,
                    quotes=outcome.quotes,
                )
        ordered = [results[number] for number, _ in lines]
        answer = BatchAnswer(
            stored=sum(1 for r in ordered if r.status == 201),
            already_stored=sum(1 for r in ordered if r.status == 200),
            refused=sum(1 for r in ordered if r.problem is not None),
            results=ordered,
        )
        return 200, answer.model_dump_json(), None

    digest = hashlib.sha256(b"POST " + request.url.path.encode() + b"\n" + body).hexdigest()
    keep = dt.timedelta(hours=settings.idempotency_hours)
    return write_once(session, key, idempotency_key, digest, perform, keep=keep)


def _charge(request: Request, articles: int, per_request: int) -> None:
    """Counts the batch against the rate limits by its size: the door counted one request."""
    door = request.scope.get(FRONT_DOOR)
    cost = -(-articles // per_request) - 1
    if door is None or cost <= 0:
        return
    refusal = door.charge(request.scope, cost)
    if refusal is not None:
        raise ProblemError(
            refusal.status,
            refusal.slug,
            f"a batch of {articles:,} articles counts as {cost + 1} requests: {refusal.detail}",
            headers=refusal.headers,
        )


def _batch_article(raw: bytes) -> ArticleIn:
    """One line of a batch as the single post reads its body."""
    try:
        posted = _ARTICLE_POST.validate_json(raw)
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(p) for p in first["loc"] if p not in BODY_TAGS) or "line"
        if first["type"] == "json_invalid":
            name = "line"
        detail = f"{name}: {first['msg']}"
        raise ProblemError(422, "invalid-parameter", detail, parameter=name) from None
    return _from_page(posted) if isinstance(posted, PageIn) else posted


def _read(article: ArticleIn, bounds: Bounds) -> Read:
    """What the article says; ``InvalidField`` or ``TooMuch`` when it cannot be read as
    given (answered as problems by the handlers, or per line of a batch)."""
    return read_quotations(article.text, article.published_on, bounds)


def _refused(number: int, error: ProblemError) -> BatchLine:
    return BatchLine(
        line=number,
        status=error.status,
        problem=problem_body(error.status, error.detail, slug=error.slug, **error.extra),
    )


def _from_page(page: PageIn) -> ArticleIn:
    """The article a page holds, read before any transaction (it is the slow part); an
    ``InvalidField`` when the page holds none."""
    fields: dict[str, Any] = page_article(
        page.html,
        url=str(page.url) if page.url else None,
        title=page.title,
        publisher=page.publisher,
        published_on=page.published_on,
        byline=page.byline,
    )
    try:
        return ArticleIn.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(p) for p in first["loc"]) or "html"
        detail = f"{name} read from the page: {first['msg']}"
        raise ProblemError(422, "invalid-parameter", detail, parameter=name) from None


@router.get(
    "/{article_id:int}",
    response_model=ArticleDetail,
    summary="One article with its text",
    responses=problem_responses(404),
)
def read_article(
    session: SessionDep,
    article_id: ArticleId,
) -> ArticleDetail:
    found = get_article(session, article_id)
    if found is None:
        raise ProblemError(404, "not-found", f"there is no article {article_id}")
    return found
