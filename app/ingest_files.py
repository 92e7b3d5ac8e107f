"""Articles read from files for ``saidwho ingest``: plain text with the metadata given on the
command line, or JSON / JSON Lines carrying it, validated exactly as the API validates a POST."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.models.public import ArticleIn

# The evaluation corpus format names two fields differently; accept both spellings.
_SYNONYMS = {"outlet": "publisher", "date": "published_on"}
_FIELDS = set(ArticleIn.model_fields)


class ArticleFileError(ValueError):
    """A file that does not hold valid articles."""


def read_articles(
    path: Path,
    *,
    publisher: str | None = None,
    published_on: str | None = None,
    title: str | None = None,
    url: str | None = None,
) -> Iterator[tuple[str, ArticleIn]]:
    """(where, article) for every article in ``path``; options fill fields a file lacks."""
    defaults = {
        "publisher": publisher,
        "published_on": published_on,
        "title": title,
        "url": url,
    }
    given = {k: v for k, v in defaults.items() if v is not None}
    suffix = path.suffix.lower()
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ArticleFileError(f"{path}: not UTF-8 text ({error.reason})") from None
    if suffix == ".jsonl":
        for number, line in enumerate(content.splitlines(), start=1):
            if line.strip():
                where = f"{path}:{number}"
                yield where, _article(where, _json(where, line), given)
    elif suffix == ".json":
        loaded = _json(str(path), content)
        items = loaded if isinstance(loaded, list) else [loaded]
        for number, item in enumerate(items, start=1):
            where = f"{path}[{number}]" if isinstance(loaded, list) else str(path)
            yield where, _article(where, item, given)
    else:
        fields = {"title": path.stem.replace("-", " ").replace("_", " "), **given, "text": content}
        for needed, option in (("publisher", "--publisher"), ("published_on", "--published-on")):
            if needed not in fields:
                raise ArticleFileError(f"{path}: a text file needs {option}")
        yield str(path), _article(str(path), fields, {})


def _json(where: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ArticleFileError(f"{where}: not JSON ({error.msg})") from None


def _article(where: str, item: Any, given: dict[str, str]) -> ArticleIn:
    if not isinstance(item, dict):
        raise ArticleFileError(f"{where}: an article must be a JSON object")
    named: dict[str, Any] = {
        _SYNONYMS.get(str(k), str(k)): v
        for k, v in item.items()
        if _SYNONYMS.get(str(k), str(k)) in _FIELDS and v is not None
    }
    fields: dict[str, Any] = {**given, **named}
    try:
        return ArticleIn.model_validate(fields)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'article'}: {e['msg']}" for e in error.errors()
        )
        raise ArticleFileError(f"{where}: {problems}") from None
