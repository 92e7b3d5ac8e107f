"""Every write of an article: one at a time (the seed, evaluation stores), a batch's rows in one
statement (the writer), the language a new reading finds. An article is known by its text, up
to line ends, spaces and Unicode form, so the same copy posted twice is stored once."""

import datetime as dt
import hashlib
import re
import unicodedata

from sqlmodel import Session, select

from app.models import Article
from app.models.tables import core_table
from app.writes import insert_rows, utcnow

ARTICLE = core_table(Article)
_BLANKS = re.compile(r"[ \t\u00a0]+")


def normalized_text(text: str) -> str:
    """The text as a reader sees it: Unicode NFC, one kind of line end, no runs of spaces, no
    blank lines, so a copy with CRLF line ends or a trailing space is the same article."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = (_BLANKS.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def content_hash(text: str) -> str:
    """The identity of an article's text (migration 0005 holds a copy of this rule)."""
    return hashlib.sha256(normalized_text(text).encode("utf-8")).hexdigest()


def find_article_by_text(*, session: Session, text: str) -> Article | None:
    return session.exec(select(Article).where(Article.content_hash == content_hash(text))).first()


def add_article(
    *,
    session: Session,
    title: str,
    publisher_id: str,
    published_on: dt.date | None,
    text: str,
    url: str | None = None,
    byline: str | None = None,
    language: str | None = None,
    api_key_id: int | None = None,
) -> Article:
    article = Article(
        title=title,
        publisher_id=publisher_id,
        published_on=published_on,
        url=url,
        byline=byline,
        language=language,
        text=text,
        content_hash=content_hash(text),
        created_at=utcnow(),
        api_key_id=api_key_id,
    )
    session.add(article)
    session.flush()
    return article


def dated(article: Article) -> dt.date:
    """The day an article's quotes sort by when they give none: its publication, else (an
    undated article) the day it was stored."""
    return article.published_on or article.created_at.date()


def insert_articles(session: Session, articles: list[Article]) -> None:
    """New articles, their ids given, in one statement."""
    if articles:
        rows = [{c.name: getattr(a, c.name) for c in ARTICLE.columns} for a in articles]
        insert_rows(session, ARTICLE, rows)


def set_language(session: Session, article: Article, language: str | None) -> None:
    """The language a new reading of the article found."""
    article.language = language
    session.add(article)
