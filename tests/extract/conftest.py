"""Helpers for pinning the extractor on small hand-written texts."""

import datetime as dt

from app.extract import Attribution, extract

FRIDAY = dt.date(2024, 5, 31)


def run(text: str, published_on: dt.date | None = FRIDAY) -> list[Attribution]:
    return extract(text, published_on)


def one(text: str, published_on: dt.date | None = FRIDAY) -> Attribution:
    """The single attribution the text holds; fails if there are more or none."""
    found = run(text, published_on)
    assert len(found) == 1, [(a.kind, a.cue, [q.text for q in a.quotations]) for a in found]
    return found[0]


def texts(attribution: Attribution) -> list[str]:
    return [q.text for q in attribution.quotations]


def speaker_name(attribution: Attribution) -> str | None:
    return attribution.speaker.name if attribution.speaker else None
