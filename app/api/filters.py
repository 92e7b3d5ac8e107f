"""The filters of quote searches as request parameters, built from ``quote_filters.FILTERS``:
every quote route (the list, its facets, its feed, its exports) and ``/v1/quotations`` take and
document the same parameters, and a filter added to the table reaches all of them."""

import inspect
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal, cast

from fastapi import Depends, Query

from app.api.params import Name, Search, examples
from app.models.public import IsoDate
from app.models.tables import MAX_ROW_ID
from app.queries.quotations import QuotationQuery
from app.queries.quote_filters import BY_PARAM, FILTERS, Filter, QuoteQuery


def _annotation(each: Filter) -> Any:
    """The parameter's type and its OpenAPI description, by the filter's form."""
    shown: Any = examples(**each.examples)
    described = Query(description=each.description, openapi_examples=shown)
    if each.form == "names":
        return Annotated[list[Name] | None, described]
    if each.form == "choices":
        choice = cast(Any, Literal)[each.choices]
        return Annotated[list[choice] | None, described]  # type: ignore[valid-type]
    if each.form == "date":
        return Annotated[IsoDate | None, described]
    if each.form == "article":
        ranged = Query(
            ge=1,
            le=MAX_ROW_ID,
            description=each.description,
            openapi_examples=shown,
        )
        return Annotated[int | None, ranged]
    return Annotated[bool | None, described]


def _parameters(filters: Iterable[Filter]) -> list[inspect.Parameter]:
    keyword = inspect.Parameter.KEYWORD_ONLY
    found = [
        inspect.Parameter(f.param, keyword, default=None, annotation=_annotation(f))
        for f in filters
    ]
    return [*found, inspect.Parameter("q", keyword, default=None, annotation=Search)]


def _values(filters: Iterable[Filter], given: dict[str, Any]) -> dict[str, Any]:
    """``QuoteQuery`` fields from the parameters given: lists as tuples, absent ones left out."""
    values: dict[str, Any] = {}
    for each in filters:
        value = given.get(each.param)
        if value is None:
            continue
        values[each.attribute] = tuple(value) if isinstance(value, list) else value
    return values


def _taking(parameters: list[inspect.Parameter], build: Callable[..., Any]) -> Callable[..., Any]:
    """``build`` as a dependency that FastAPI reads these parameters for."""
    setattr(build, "__signature__", inspect.Signature(parameters))  # noqa: B010 - FastAPI reads it
    return build


def _quote_filters(**given: Any) -> QuoteQuery:
    return QuoteQuery(**_values(FILTERS, given), q=given.get("q"))


# The quotation's own speaker and dates; every other filter is on its reports.
_OWN = ("speaker", "since", "until")
_ON_REPORTS = tuple(f for f in FILTERS if f.on_reports)


def _quotation_filters(**given: Any) -> QuotationQuery:
    own = _values((BY_PARAM[name] for name in _OWN), given)
    reports = QuoteQuery(**_values(_ON_REPORTS, given), q=given.get("q"))
    return QuotationQuery(**own, reports=reports)


quote_filters = _taking(_parameters(FILTERS), _quote_filters)
quotation_filters = _taking(
    _parameters([*(BY_PARAM[name] for name in _OWN), *_ON_REPORTS]), _quotation_filters
)

QuoteFilters = Annotated[QuoteQuery, Depends(quote_filters)]
QuotationFilters = Annotated[QuotationQuery, Depends(quotation_filters)]
