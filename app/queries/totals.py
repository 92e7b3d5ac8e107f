"""A list's total on SQLite past ``SAIDWHO_EXACT_TOTAL_UP_TO`` matches: the newest matches are
counted up to one past it, and the rest estimated from the dates they cover.

Counting a speaker's 158,000 quotes reads 158,000 index entries (7 ms at a million quotes,
every time the answer is not remembered); the newest 10,001 are read anyway on the way to
any page. Their rate over the days they span, carried back to the date of the hundredth
oldest match (a short walk from the other end: a few quotes dated decades back do not
stretch the span), estimates the rest. Both SQLite read paths use this, so they give the
same total; PostgreSQL's planner estimates its own (``quotes.pg_total``)."""

import datetime as dt

from app.models.quote_days import TABLE as DAY_COUNTS
from app.queries.quote_filters import QuoteQuery, asked

# On PostgreSQL a list its planner expects to hold more than this many times the threshold
# is not counted at all (counting 10,001 matches of a common word pair read 10,001 rows off
# the table, 22 ms at a million quotes; the plan costs 0.2 ms): the planner's estimate from
# its statistics of common values is taken, flagged.
TRUSTED_PLAN = 10
# A search of one index entry with no other filter (a word with no other forms, or a phrase
# of two words, one entry of the phrase index) is estimated from the statistics of that very
# entry: for a thousand two-word phrases at a million quotes, the estimate came within 0.8x to
# 1.25x of the count. Anything else multiplies or adds guesses (an AND of words that never meet
# is estimated as if they were independent) and keeps the wide margin.
TRUSTED_ONE_ENTRY = 2


def plainly_many(planned: int, up_to: int, one_entry: bool = False) -> bool:
    """Whether a planner's estimate is far enough past the threshold to stand uncounted;
    ``one_entry``: the list is a search of one index entry alone (``search.one_entry``)."""
    return up_to > 0 and planned > up_to * (TRUSTED_ONE_ENTRY if one_entry else TRUSTED_PLAN)


# The oldest matches set aside from the rate: their dates may be far from the rest.
OLDEST_SET_ASIDE = 100


def extrapolated(
    counted: int,
    newest: dt.date | str,
    oldest_counted: dt.date | str,
    oldest_kept: dt.date | str | None,
) -> int:
    """How many match, from the ``counted`` newest matches (dated ``newest`` back to
    ``oldest_counted``) and the date by which the ``OLDEST_SET_ASIDE`` oldest are in.
    Never fewer than counted."""
    last, back = _day(newest), _day(oldest_counted)
    first = min(back, _day(oldest_kept or oldest_counted))
    counted_days = (last - back).days + 1
    all_days = (last - first).days + 1
    return max(counted, round(counted * all_days / counted_days) + OLDEST_SET_ASIDE)


def _day(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value[:10])


# The date of the match just past the threshold, counted from the newest (none when there
# are no more than that: then they are counted), and of the newest. Skipping along the index
# costs a tenth of reading the rows out (0.5 ms for 10,000 at a million quotes).
PAST_THRESHOLD = (
    "SELECT q.date FROM quote q{where} ORDER BY q.date DESC, q.id DESC LIMIT 1 OFFSET ?"
)
NEWEST = "SELECT q.date FROM quote q{where} ORDER BY q.date DESC, q.id DESC LIMIT 1"
OLDEST = (
    "SELECT max(d) FROM (SELECT q.date AS d FROM quote q{where} ORDER BY q.date, q.id "
    f"LIMIT {OLDEST_SET_ASIDE})"
)


# The filters whose quotes the counts per speaker and day (``app.models.quote_days``) hold.
_BY_DAY = frozenset({"speakers", "since", "until"})
# Their total, the filters' SQL reading the counts under the quote table's name: exact,
# whatever the threshold.
DAY_TOTAL = f"SELECT coalesce(sum(q.quotes), 0) FROM {DAY_COUNTS} q{{where}}"


def by_day(query: QuoteQuery) -> bool:
    """Whether a list's total on SQLite is a sum of its speakers' counts per day: it names
    speakers and filters by nothing but dates besides (no search)."""
    given = {each.attribute for each, _ in asked(query)}
    return query.q is None and "speakers" in given and given <= _BY_DAY
