"""Every match of a quote search as a file: CSV for spreadsheets, NDJSON for programs. Rows
are written as they are read, a batch at a time, so an export of a million quotes holds one
batch in memory."""

import csv
import io
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from app.models import Article
from app.models.public import QuotePublic
from app.models.tables import core_table
from app.names import slugify
from app.queries.quote_filters import QuoteQuery

ARTICLE = core_table(Article)
CSV_COLUMNS = (
    "id", "text", "kind", "speaker_id", "speaker_name", "speaker_kind", "speaker_role",
    "outlet_id", "outlet_name", "article_id", "article_title", "publisher_id", "publisher_name",
    "published_on", "said_on", "said_on_precision", "date", "cue", "span_start", "span_end",
    "speaker_span_start", "speaker_span_end", "continues", "origin", "basis", "confidence",
    "reviewed", "quotation", "permalink", "article_page", "article_url",
)  # fmt: skip
ROWS_PER_CHUNK = 500
# Excel reads a CSV file as the machine's legacy code page unless it starts with this: curly
# quotes and accents then come out as "â€œ".
BYTE_ORDER_MARK = "\ufeff"


def csv_filename(query: QuoteQuery) -> str:
    """A name that says what was searched: quotes-antony-blinken-escalation-2024-05.csv."""
    parts = ["quotes"]
    for values in (query.speakers, query.outlets, query.publishers, query.kinds):
        parts += [slugify(value) for value in values]
    if query.q:
        parts.append(slugify(query.q))
    if query.article is not None:
        parts.append(f"article-{query.article}")
    if query.since or query.until:
        parts.append(f"{query.since or 'start'}-to-{query.until or 'now'}")
    name = "-".join(part for part in parts if part)[:120].rstrip("-")
    return f"{name}.csv"


def csv_chunks(
    quotes: Iterator[QuotePublic], engine: Engine, base: str, *, excel: bool = False
) -> Iterator[str]:
    """The CSV in chunks of ``ROWS_PER_CHUNK`` rows; ``base`` makes the permalinks absolute
    (a spreadsheet has no page to resolve them against)."""
    buffer = io.StringIO()
    if excel:
        buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    batch: list[QuotePublic] = []
    for quote in quotes:
        batch.append(quote)
        if len(batch) == ROWS_PER_CHUNK:
            _write(writer, batch, engine, base)
            batch = []
            yield _drain(buffer)
    _write(writer, batch, engine, base)
    yield _drain(buffer)


def ndjson_chunks(quotes: Iterator[QuotePublic]) -> Iterator[str]:
    lines: list[str] = []
    for quote in quotes:
        lines.append(quote.model_dump_json())
        if len(lines) == ROWS_PER_CHUNK:
            yield "\n".join(lines) + "\n"
            lines = []
    if lines:
        yield "\n".join(lines) + "\n"


def _write(writer: Any, batch: list[QuotePublic], engine: Engine, base: str) -> None:
    sources = _source_urls(engine, {quote.article.id for quote in batch})
    for quote in batch:
        writer.writerow(_row(quote, base, sources.get(quote.article.id)))


def _source_urls(engine: Engine, article_ids: set[int]) -> dict[int, str | None]:
    """Where each article was published, one statement a batch (quotes carry only the
    article's id, title, publisher and date)."""
    if not article_ids:
        return {}
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(ARTICLE.c.id, ARTICLE.c.url).where(ARTICLE.c.id.in_(sorted(article_ids)))
        )
        return {int(id_): url for id_, url in rows}


def _drain(buffer: io.StringIO) -> str:
    chunk = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return chunk


def _row(quote: QuotePublic, base: str, source: str | None) -> list[object]:
    outlet, speaker_span = quote.outlet, quote.speaker_span
    row = [
        quote.id, quote.text, quote.kind, quote.speaker.id, quote.speaker.name,
        quote.speaker.kind, quote.speaker.role, outlet.id if outlet else None,
        outlet.name if outlet else None, quote.article.id, quote.article.title,
        quote.article.publisher.id, quote.article.publisher.name, quote.article.published_on,
        quote.said_on, quote.said_on_precision, quote.date, quote.cue, quote.span.start,
        quote.span.end, speaker_span.start if speaker_span else None,
        speaker_span.end if speaker_span else None, quote.continues, quote.origin, quote.basis,
        quote.confidence, quote.reviewed, quote.quotation, f"{base}/quotes/{quote.id}",
        f"{base}/articles/{quote.article.id}", source,
    ]  # fmt: skip
    return [_inert(cell) for cell in row]


# A spreadsheet runs a cell that starts with one of these as a formula ("=HYPERLINK(...)").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(cell: object) -> object:
    """A text cell a spreadsheet would read as a formula, kept as text by a leading
    apostrophe (OWASP's advice for CSV). NDJSON keeps every value exactly."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell
