"""When words were said, read from the phrases news copy uses relative to its dateline:
"on Wednesday", "his May 2 comments", "last month"."""

import datetime as dt
import re

from dateutil import parser as date_parser
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta, weekday

from app.extract.model import SaidOn

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS: tuple[weekday, ...] = (MO, TU, WE, TH, FR, SA, SU)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_PATTERNS = [
    ("month_day", re.compile(rf"\b({_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?)(?!\d)")),
    ("day_month", re.compile(rf"\b(\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)\b")),
    ("weekday", re.compile(r"\b(last\s+|this\s+)?(" + "|".join(_DAYS) + r")\b", re.I)),
    (
        "relative_day",
        re.compile(r"\b(yesterday|today|tonight|this morning|this afternoon)\b", re.I),
    ),
    ("relative_month", re.compile(r"\b(last month|earlier this month|this month)\b", re.I)),
    ("relative_year", re.compile(r"\b(last year|earlier this year)\b", re.I)),
    ("month", re.compile(rf"\bin\s+({_MONTH})(?:\s+(\d{{4}}))?\b")),
    ("year", re.compile(r"\bin\s+((?:19|20)\d\d)\b")),
]


def said_on(phrase_text: str, published_on: dt.date | None) -> SaidOn | None:
    """The first date expression in ``phrase_text``, resolved against the publication date."""
    if published_on is None:
        return None
    found: list[tuple[int, SaidOn]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(phrase_text):
            resolved = _resolve(kind, match, published_on)
            if resolved is not None:
                found.append((match.start(), resolved))
                break
    return min(found, key=lambda item: item[0])[1] if found else None


def _resolve(kind: str, match: re.Match[str], published: dt.date) -> SaidOn | None:
    if kind in {"month_day", "day_month"}:
        return _calendar_day(match.group(1), published)
    if kind == "weekday":
        day: weekday = _WEEKDAYS[_DAYS.index(match.group(2).lower())]
        when = published + relativedelta(weekday=day(-1))
        if (match.group(1) or "").lower().startswith("last") and when == published:
            when -= dt.timedelta(days=7)
        return SaidOn(when, "day")
    if kind == "relative_day":
        offset = 1 if match.group(1).lower() == "yesterday" else 0
        return SaidOn(published - dt.timedelta(days=offset), "day")
    if kind == "relative_month":
        back = 1 if match.group(1).lower() == "last month" else 0
        return SaidOn((published.replace(day=1) - relativedelta(months=back)), "month")
    if kind == "relative_year":
        back = 1 if match.group(1).lower() == "last year" else 0
        return SaidOn(dt.date(published.year - back, 1, 1), "year")
    if kind == "month":
        return _calendar_month(match.group(1), match.group(2), published)
    year = int(match.group(1))
    return SaidOn(dt.date(year, 1, 1), "year") if year <= published.year else None


def _calendar_day(phrase: str, published: dt.date) -> SaidOn | None:
    default = dt.datetime(published.year, 1, 1)
    try:
        parsed = date_parser.parse(phrase, default=default).date()
    except (ValueError, OverflowError):
        return None
    if not re.search(r"\d{4}", phrase) and parsed > published:
        try:
            parsed = parsed.replace(year=parsed.year - 1)
        except ValueError:
            return None  # "Feb. 29" after a leap-year dateline: no such day the year before
    return SaidOn(parsed, "day") if parsed <= published else None


def _calendar_month(month: str, year: str | None, published: dt.date) -> SaidOn | None:
    default = dt.datetime(int(year) if year else published.year, 1, 1)
    try:
        parsed = date_parser.parse(month, default=default).date().replace(day=1)
    except (ValueError, OverflowError):
        return None
    if year is None and parsed > published:
        parsed = parsed.replace(year=parsed.year - 1)
    return SaidOn(parsed, "month") if parsed <= published else None
