"""Facets: for the quotes matching a search, how many each speaker, outlet, publisher, kind,
year and month holds. The timeline is the month facet, every month listed.

One pass over the matches (the newest ``scan`` of them, newest first) counts every facet at
once; the answers are remembered per store version (``store_version``), so a page shown again,
or paged through, costs one index probe until something is written."""

import dataclasses
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from cachetools import LRUCache
from sqlmodel import Session

from app.models import Article, Outlet, Quote, Speaker
from app.models.public import Facet, FacetName, Facets, FacetValue
from app.models.tables import core_table
from app.queries.cursors import fingerprint
from app.queries.quote_filters import QuoteQuery
from app.queries.quotes import PG_MATCHES, held, listing, report_conditions
from app.queries.search import index_for, parse_search, to_fts5, to_tsquery
from app.queries.store_version import store_version

QUOTE = core_table(Quote)
ARTICLE = core_table(Article)
SPEAKER = core_table(Speaker)
OUTLET = core_table(Outlet)
FACETS: tuple[FacetName, ...] = ("speaker", "outlet", "publisher", "kind", "year", "month")
_KIND_LABELS = {"direct": "Direct", "partial": "Partial", "indirect": "Indirect"}
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True)
class _Key:
    version: tuple[Any, ...]
    query: str
    scan: int


@dataclass
class _Counts:
    counters: dict[FacetName, Counter[str]]
    counted: int
    exact: bool


# Counts of every facet per search (a store's worth of speakers at most each), and answers
# as sent (a facet's top values with their labels) per search, facets and limit.
_counts: LRUCache[_Key, _Counts] = LRUCache(maxsize=64)
_answers: LRUCache[tuple[_Key, tuple[FacetName, ...], int], Facets] = LRUCache(maxsize=512)
_lock = threading.Lock()


def quote_facets(
    session: Session,
    query: QuoteQuery,
    facets: Iterable[FacetName] = FACETS,
    *,
    limit: int = 10,
    scan: int = 100_000,
) -> Facets:
    """The ``facets`` asked for, each with its top ``limit`` values; remembered per store
    version. A query naming something unknown raises as ``list_quotes`` does."""
    wanted = tuple(dict.fromkeys(facets))
    key = _Key(store_version(session), fingerprint(asdict(query)), scan)
    with _lock:
        answer = _answers.get((key, wanted, limit))
        counts = _counts.get(key)
    if answer is not None:
        return answer
    if counts is None:
        counts = _count(session, query, scan)
    answer = Facets(
        counted=counts.counted,
        exact=counts.exact,
        facets=_top(session, {name: counts.counters[name] for name in wanted}, counts, limit),
    )
    with _lock:
        _counts[key] = counts
        _answers[(key, wanted, limit)] = answer
    return answer


def _count(session: Session, query: QuoteQuery, scan: int) -> _Counts:
    """Every facet in one statement over the newest ``scan`` matches, counted by the store:
    the matches are materialized once and grouped five ways (years are summed from months).
    With a search, "newest" is by when stored: the full-text index hands its matches out
    newest first, where walking the date order would check every quote against it."""
    conditions, params = report_conditions(session, dataclasses.replace(query, q=None))
    order = [QUOTE.c.date.desc(), QUOTE.c.id.desc()]
    if query.q is not None:
        searching, params = _search(session, query.q, scan, params)
        conditions.append(searching)
        order = [QUOTE.c.id.desc()]
    matched = (
        sa.select(
            QUOTE.c.speaker_id.label("speaker"),
            QUOTE.c.outlet_id.label("outlet"),
            QUOTE.c.kind.label("kind"),
            sa.func.substr(sa.cast(QUOTE.c.date, sa.String), 1, 7).label("month"),
            QUOTE.c.article_id.label("article"),
        )
        .where(*conditions)
        .order_by(*order)
        .limit(scan)
        .cte("matched")
        .prefix_with("MATERIALIZED")
    )
    # Publishers through each article counted once, not each quote joined to its article.
    by_article = (
        sa.select(matched.c.article, sa.func.count().label("quotes"))
        .group_by(matched.c.article)
        .subquery("by_article")
    )
    counted = sa.union_all(
        *(
            sa.select(sa.literal(name).label("facet"), matched.c[name], sa.func.count())
            .group_by(matched.c[name])
            for name in ("speaker", "outlet", "kind", "month")
        ),
        sa.select(sa.literal("publisher"), ARTICLE.c.publisher_id, sa.func.sum(by_article.c.quotes))
        .join(ARTICLE, ARTICLE.c.id == by_article.c.article)
        .group_by(ARTICLE.c.publisher_id),
    )  # fmt: skip
    counters: dict[FacetName, Counter[str]] = {name: Counter() for name in FACETS}
    for facet, value, count in session.execute(counted, params):
        if value is not None:
            counters[facet][str(value)] = int(count)
    for month, count in counters["month"].items():
        counters["year"][month[:4]] += count
    total = sum(counters["kind"].values())
    # A scan that came back full may have left matches out: only a shorter one is all of them.
    return _Counts(counters, total, total < scan)


def _search(
    session: Session, q: str, scan: int, params: dict[str, Any]
) -> tuple[sa.ColumnElement[bool], dict[str, Any]]:
    terms = parse_search(q)
    if not terms:
        return sa.false(), params
    index, terms = index_for(terms)
    if session.get_bind().dialect.name == "postgresql":
        return PG_MATCHES[index], {**params, "match": to_tsquery(terms, held(session, terms))}
    newest = listing(index).order_by(sa.literal_column("rowid").desc()).limit(scan)
    return QUOTE.c.id.in_(newest), {**params, "match": to_fts5(terms)}


def _top(
    session: Session, counters: dict[FacetName, Counter[str]], counts: _Counts, limit: int
) -> dict[FacetName, Facet]:
    facets: dict[FacetName, Facet] = {}
    for name, counter in counters.items():
        top = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:limit]
        labels = _labels(session, name, [value for value, _ in top])
        listed = sum(count for _, count in top)
        facets[name] = Facet(
            values=[FacetValue(value=v, label=labels.get(v, v), count=n) for v, n in top],
            other=sum(counter.values()) - listed,
            exact=counts.exact,
        )
    return facets


def _labels(session: Session, name: FacetName, values: list[str]) -> dict[str, str]:
    if not values:
        return {}
    if name == "speaker":
        table = SPEAKER
    elif name in ("outlet", "publisher"):
        table = OUTLET
    elif name == "kind":
        return {value: _KIND_LABELS.get(value, value) for value in values}
    elif name == "month":
        return {value: f"{_MONTHS[int(value[5:7]) - 1]} {value[:4]}" for value in values}
    else:
        return {value: value for value in values}
    rows = session.execute(sa.select(table.c.id, table.c.name).where(table.c.id.in_(values)))
    return {str(id_): str(label) for id_, label in rows}
