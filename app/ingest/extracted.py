"""The file format of extracted articles (``saidwho extract`` writes it, ``saidwho load``
reads it): JSON Lines, one article per line with its fields, its text, its language and every
attribution the extractor found in it, spans and all, so that another machine can store it
without reading the text again. A speaker that several attributions share is written once and
referred to by its place in ``speakers``; a quotation that continues another by the other's
place among its attribution's quotations. An article that could not be read is a line with
``failed`` (why) instead.

    {"format": "saidwho-extracted/1", "where": "archive.jsonl:3", "at": [0, 2],
     "article": {...}, "language": "en", "speakers": [...], "attributions": [...]}

(``at``: the article's place in the input, which ``saidwho load`` stores in.)
"""

import datetime as dt
import json
from typing import Any

from app.extract.model import Attribution, Quotation, SaidOn, Span, Speaker
from app.ingest.reading import Read
from app.models.public import ArticleIn

FORMAT = "saidwho-extracted/1"


class FormatError(ValueError):
    """A line that is not an extracted article of this format."""


def dumps(where: str, article: ArticleIn, read: Read, extra: dict[str, Any] | None = None) -> str:
    """One article and what was read in it, as one line (with ``extra`` fields)."""
    speakers: list[Speaker] = []
    places: dict[int, int] = {}
    for attribution in read.attributions:
        if attribution.speaker is not None and id(attribution.speaker) not in places:
            places[id(attribution.speaker)] = len(speakers)
            speakers.append(attribution.speaker)
    return json.dumps(
        {
            "format": FORMAT,
            "where": where,
            **(extra or {}),
            "article": article.model_dump(mode="json"),
            "language": read.language,
            "speakers": [_speaker(s) for s in speakers],
            "attributions": [_attribution(a, places) for a in read.attributions],
        },
        ensure_ascii=False,
    )


def failed_line(where: str, reason: str, extra: dict[str, Any] | None = None) -> str:
    fields = {"format": FORMAT, "where": where, **(extra or {}), "failed": reason}
    return json.dumps(fields, ensure_ascii=False)


def loads(line: str) -> tuple[str, ArticleIn, Read] | tuple[str, str]:
    """(where, article, what was read), or (where, why it failed) for a failure line."""
    try:
        data = json.loads(line)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise FormatError(f"not a line of {FORMAT}")
        where = str(data["where"])
        if "failed" in data:
            return where, str(data["failed"])
        article = ArticleIn.model_validate(data["article"])
        speakers = [_speaker_from(s) for s in data["speakers"]]
        attributions = [_attribution_from(a, speakers) for a in data["attributions"]]
    except FormatError:
        raise
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise FormatError(f"not a line of {FORMAT}: {error}") from None
    return where, article, Read(article.text, attributions, data.get("language"))


def _span(span: Span | None) -> list[int] | None:
    return [span.start, span.end] if span is not None else None


def _span_from(value: Any) -> Span | None:
    return Span(int(value[0]), int(value[1])) if value is not None else None


def _speaker(speaker: Speaker) -> dict[str, Any]:
    return {
        "name": speaker.name,
        "kind": speaker.kind,
        "role": speaker.role,
        "mentions": speaker.mentions,
        "gender": speaker.gender,
        "role_reference": speaker.role_reference,
        "kind_certain": speaker.kind_certain,
    }


def _speaker_from(data: dict[str, Any]) -> Speaker:
    return Speaker(
        name=str(data["name"]),
        kind=data["kind"],
        role=data["role"],
        mentions=[str(m) for m in data["mentions"]],
        gender=data["gender"],
        role_reference=data["role_reference"],
        kind_certain=bool(data["kind_certain"]),
    )


def _attribution(attribution: Attribution, places: dict[int, int]) -> dict[str, Any]:
    order = {id(q): n for n, q in enumerate(attribution.quotations)}
    return {
        "kind": attribution.kind,
        "speaker": places[id(attribution.speaker)] if attribution.speaker else None,
        "speaker_span": _span(attribution.speaker_span),
        "cue": attribution.cue,
        "cue_span": _span(attribution.cue_span),
        "content": [_span(s) for s in attribution.content],
        "outlet": attribution.outlet,
        "audience": attribution.audience,
        "said_on": (
            {
                "date": attribution.said_on.date.isoformat(),
                "precision": attribution.said_on.precision,
            }
            if attribution.said_on
            else None
        ),
        "basis": attribution.basis,
        "speech": attribution.speech,
        "quotations": [
            {
                "text": q.text,
                "kind": q.kind,
                "span": _span(q.span),
                "continues": order[id(q.continues)] if q.continues is not None else None,
                "speaker_named": q.speaker_named,
            }
            for q in attribution.quotations
        ],
    }


def _attribution_from(data: dict[str, Any], speakers: list[Speaker]) -> Attribution:
    quotations = [
        Quotation(
            item["text"], item["kind"], Span(*map(int, item["span"])), None, item["speaker_named"]
        )
        for item in data["quotations"]
    ]
    for quotation, item in zip(quotations, data["quotations"], strict=True):
        if item["continues"] is not None:
            quotation.continues = quotations[item["continues"]]
    said = data["said_on"]
    return Attribution(
        kind=data["kind"],
        quotations=quotations,
        content=[s for s in (_span_from(c) for c in data["content"]) if s is not None],
        speaker=speakers[data["speaker"]] if data["speaker"] is not None else None,
        speaker_span=_span_from(data["speaker_span"]),
        cue=data["cue"],
        cue_span=_span_from(data["cue_span"]),
        outlet=data["outlet"],
        audience=data["audience"],
        said_on=SaidOn(dt.date.fromisoformat(said["date"]), said["precision"]) if said else None,
        basis=str(data["basis"]),
        speech=bool(data["speech"]),
    )
