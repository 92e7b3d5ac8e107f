"""Where ``saidwho ingest`` finds articles: text and HTML files, JSON and JSON Lines (NDJSON)
files of articles, each perhaps gzipped, named one by one, by directory or by glob.

Reading is split in two so that the slow half runs in worker processes: ``sources`` lists the
articles (cheap: it reads files and splits lines), ``article_fields`` turns one into the fields
of an article, validated exactly as the API validates a POST (a page is read with
``pages.page_article``)."""

import glob
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from app.ingest.decoding import decode_page, decode_text
from app.ingest.streams import MAX_JSON_FILE, TooLarge, Unreadable, records, whole
from app.ingest.web_pages import page_article
from app.models.public import ArticleIn
from app.writes import InvalidField

# The evaluation corpus format names two fields differently; accept both spellings.
_SYNONYMS = {"outlet": "publisher", "date": "published_on", "author": "byline"}
_FIELDS = set(ArticleIn.model_fields) | {"html"}
_LINES = {".jsonl", ".ndjson"}
_HTML = {".html", ".htm", ".xhtml"}
# What a directory is searched for; other files in it (images, notes) are left alone.
_IN_DIRECTORIES = {".txt", ".text", ".md", ".json", *_LINES, *_HTML}


class ArticleFileError(ValueError):
    """A file that does not hold valid articles."""


@dataclass(frozen=True)
class Defaults:
    """Fields the command line gives to articles that lack them."""

    publisher: str | None = None
    published_on: str | None = None
    title: str | None = None
    url: str | None = None

    def given(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass(frozen=True)
class Source:
    """One article as found: a file's whole text, a page's HTML or a JSON record."""

    where: str
    form: Literal["text", "html", "record"]
    content: Any


def expand(paths: list[str]) -> list[Path]:
    """Files named, in the directories named (recursively) or matched by globs, in order,
    each once; ArticleFileError for a name that matches nothing."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and _suffix(p) in _IN_DIRECTORIES
            )
        elif path.is_file():
            found.append(path)
        elif glob.has_magic(name):
            matched = sorted(Path(p) for p in glob.glob(name, recursive=True))
            files = [p for p in matched if p.is_file()]
            if not files:
                raise ArticleFileError(f"{name}: no file matches")
            found += files
        else:
            raise ArticleFileError(f"{name}: no such file or directory")
    unique: dict[Path, None] = {}
    for path in found:
        unique.setdefault(path.resolve(), None)
    return list(unique)


def is_plain_text(path: Path) -> bool:
    """A file that holds one article's text and nothing else."""
    return _suffix(path) not in {".json", *_LINES, *_HTML}


def sources(paths: list[Path]) -> Iterator[Source]:
    """Every article in ``paths``, read lazily: an archive of JSON Lines is never all in memory.
    A file that cannot be read is one failed article (a JSON Lines archive that breaks off, one
    more after those read from it), never the end of the run."""
    for path in paths:
        suffix = _suffix(path)
        if suffix in _LINES:
            yield from _lines(path)
        elif suffix == ".json":
            try:
                loaded = _json(str(path), whole(path, MAX_JSON_FILE))
            except (ArticleFileError, TooLarge, Unreadable) as error:
                yield Source(str(path), "record", _Unreadable(_why(path, error)))
                continue
            items = loaded if isinstance(loaded, list) else [loaded]
            for number, item in enumerate(items, start=1):
                where = f"{path}[{number}]" if isinstance(loaded, list) else str(path)
                yield Source(where, "record", item)
        else:
            form: Literal["html", "text"] = "html" if suffix in _HTML else "text"
            try:
                yield Source(str(path), form, whole(path))
            except (TooLarge, Unreadable) as error:
                yield Source(str(path), form, _Unreadable(_why(path, error)))


def count(paths: list[Path]) -> int:
    """How many articles ``sources`` will yield, for a progress bar (one line per JSON Lines
    record; a JSON file is parsed)."""
    total = 0
    for path in paths:
        suffix = _suffix(path)
        if suffix in _LINES:
            try:
                total += sum(1 for _ in records(path))
            except Unreadable:
                total += 1
        elif suffix == ".json":
            try:
                loaded = json.loads(whole(path, MAX_JSON_FILE))
            except (ValueError, RecursionError, TooLarge, Unreadable):
                loaded = None
            total += len(loaded) if isinstance(loaded, list) else 1
        else:
            total += 1
    return total


def article_fields(source: Source, defaults: Defaults) -> ArticleIn:
    """The article ``source`` holds, validated; ArticleFileError saying what is wrong."""
    given = defaults.given()
    if isinstance(source.content, _Unreadable):
        raise ArticleFileError(f"{source.where}: {source.content}")
    if source.form == "record":
        fields = _record(source.where, source.content)
        if "html" in fields:
            return _page(source.where, fields.pop("html"), {**given, **fields})
        return _validated(source.where, {**given, **fields})
    if source.form == "html":
        return _page(source.where, decode_page(source.content), given)
    stem = Path(source.where).name.split(".")[0]
    text = decode_text(source.content)
    fields = {"title": stem.replace("-", " ").replace("_", " "), **given, "text": text}
    if "publisher" not in fields:
        raise ArticleFileError(f"{source.where}: a text file needs --publisher")
    return _validated(source.where, fields)


def _page(where: str, html: Any, given: dict[str, Any]) -> ArticleIn:
    if not isinstance(html, str):
        raise ArticleFileError(f"{where}: html: must be a string")
    try:
        fields = page_article(html, **given)
    except InvalidField as error:
        raise ArticleFileError(f"{where}: {error.field}: {error}") from None
    return _validated(where, fields)


def _record(where: str, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ArticleFileError(f"{where}: an article must be a JSON object")
    return {
        _SYNONYMS.get(str(k), str(k)): v
        for k, v in item.items()
        if _SYNONYMS.get(str(k), str(k)) in _FIELDS and v is not None
    }


def _validated(where: str, fields: dict[str, Any]) -> ArticleIn:
    try:
        return ArticleIn.model_validate(fields)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'article'}: {e['msg']}" for e in error.errors()
        )
        raise ArticleFileError(f"{where}: {problems}") from None


def _lines(path: Path) -> Iterator[Source]:
    number = 0
    try:
        for number, line in records(path):
            where = f"{path}:{number}"
            if isinstance(line, TooLarge):
                yield Source(where, "record", _Unreadable(f"not read: {line}"))
                continue
            try:
                record = json.loads(line)
            except UnicodeDecodeError as error:
                record = _Unreadable(f"not UTF-8 text ({error.reason})")
            except json.JSONDecodeError as error:
                # A bad line is that article's failure, not the archive's.
                record = _Unreadable(f"not JSON ({error.msg})")
            except RecursionError:
                record = _Unreadable("not an article (nested too deeply to read)")
            yield Source(where, "record", record)
    except Unreadable as error:
        yield Source(f"{path}:{number + 1}", "record", _Unreadable(f"the archive stops: {error}"))


class _Unreadable(str):
    """A JSON Lines record that did not parse: reported when its turn comes."""


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _why(path: Path, error: Exception) -> str:
    return str(error).removeprefix(f"{path}: ")


def _json(where: str, data: bytes) -> Any:
    try:
        return json.loads(data)
    except UnicodeDecodeError as error:
        raise ArticleFileError(f"{where}: not UTF-8 text ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise ArticleFileError(f"{where}: not JSON ({error.msg})") from None
    except RecursionError:
        raise ArticleFileError(f"{where}: not an article (nested too deeply to read)") from None
