"""The timeline: quotes per month as bars, drawn here as plain SVG numbers so the page needs no
script and fetches nothing. Months with no quotes between the first and the last are drawn
as gaps, because a silence is part of the story."""

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 120
# Room under the bars for the year labels.
AXIS = 18
GAP = 1.0
# The widest a bar is drawn: a search over a few months gets bars, not a wall.
WIDEST = 40.0
# Room above the bars for their counts, when there are few enough to carry one each.
HEADROOM = 30


@dataclass(frozen=True)
class Bar:
    month: str  # 2024-05
    label: str  # May 2024
    count: int
    href: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class YearMark:
    year: int
    x: float


@dataclass(frozen=True)
class Timeline:
    bars: list[Bar]
    years: list[YearMark]
    busiest: int
    total: int
    width: int = WIDTH
    height: int = HEIGHT
    axis: int = AXIS

    @property
    def first(self) -> str:
        return self.bars[0].label

    @property
    def last(self) -> str:
        return self.bars[-1].label

    @property
    def counted(self) -> bool:
        """Few enough bars that each carries its count above it: a search over one month is
        one bar and a number, not an empty-looking chart."""
        return len(self.bars) <= 12


def month_span(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of ``2024-05``."""
    year, number = int(month[:4]), int(month[5:7])
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def month_label(month: str) -> str:
    return f"{calendar.month_name[int(month[5:7])]} {month[:4]}"


def timeline(counts: dict[str, int], href: Callable[[str], str]) -> Timeline | None:
    """Bars for every month from the first counted to the last; ``href(month)`` is where a
    bar leads. None when nothing was counted."""
    if not counts:
        return None
    months = _every_month(min(counts), max(counts))
    busiest = max(counts.values())
    step = min(WIDEST, WIDTH / len(months))
    room = HEIGHT - AXIS - (HEADROOM if len(months) <= 12 else 0)
    bars = []
    years = []
    for index, month in enumerate(months):
        count = counts.get(month, 0)
        tall = room * count / busiest if count else 0.0
        x = index * step
        if month.endswith("-01") or index == 0:
            years.append(YearMark(int(month[:4]), round(x, 2)))
        bars.append(
            Bar(
                month=month,
                label=month_label(month),
                count=count,
                href=href(month),
                x=round(x + GAP / 2, 2),
                y=round(HEIGHT - AXIS - tall, 2),
                width=round(max(step - GAP, 0.5), 2),
                height=round(tall, 2),
            )  # fmt: skip
        )
    # A year label only where it does not run into the one before it.
    spaced: list[YearMark] = []
    for mark in years:
        if not spaced or mark.x - spaced[-1].x >= 72:  # room for a label a phone can read
            spaced.append(mark)
    return Timeline(bars=bars, years=spaced, busiest=busiest, total=sum(counts.values()))


def _every_month(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
