"""Unknown query parameters are refused: ``/v1/quotes?speker=blinken`` answered as if unfiltered
would look like everything anyone said matched."""

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.api.problems import ProblemError
from app.queries.suggest import closest_parameter

_KNOWN: dict[int, frozenset[str]] = {}


def known_query_params(request: Request) -> None:
    """A dependency of every API route: each query parameter of a read must be one it declares.
    (Writes check their key first; a write's query is the route's own to judge.)"""
    route = request.scope.get("route")
    if request.method not in ("GET", "HEAD") or not isinstance(route, APIRoute):
        return
    if not request.query_params:
        return
    known = _KNOWN.get(id(route))
    if known is None:
        known = frozenset(_query_names(route.dependant))
        _KNOWN[id(route)] = known
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in known]
    if not unknown:
        return
    invalid = []
    suggestions = []
    for name in unknown:
        closest = closest_parameter(name, known)
        reason = "is not a parameter of this route"
        if closest is not None:
            reason += f"; did you mean {closest!r}?"
            suggestions.append({"id": closest, "name": closest})
        invalid.append({"name": name, "in": "query", "reason": reason})
    raise ProblemError(
        422,
        "invalid-parameter",
        "; ".join(f"{item['name']}: {item['reason']}" for item in invalid),
        parameter=unknown[0],
        invalid_params=invalid,
        suggestions=suggestions,
    )


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters of a route and of every dependency it has, by the names sent."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names
