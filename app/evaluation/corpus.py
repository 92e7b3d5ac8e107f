"""Annotated articles, one JSON object per line: the PolNeAR-style format a newsroom can also
write for its own copy."""

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

GoldType = Literal["direct", "mixed", "indirect"]


class GoldQuote(BaseModel):
    model_config = ConfigDict(extra="ignore")

    content: list[tuple[int, int]]
    source: list[tuple[int, int]] = Field(default_factory=list)
    cue: list[tuple[int, int]] = Field(default_factory=list)
    type: GoldType
    speaker_text: str | None = None


class AnnotatedArticle(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    text: str
    date: dt.date | None = None
    outlet: str | None = None
    quotes: list[GoldQuote]


class CorpusError(ValueError):
    """A line of the corpus file is not an annotated article."""


def read_corpus(path: Path) -> Iterator[AnnotatedArticle]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield AnnotatedArticle.model_validate(json.loads(line))
            except ValueError as error:
                raise CorpusError(f"{path}:{number}: {error}") from error
