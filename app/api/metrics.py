"""Prometheus metrics for every request, on both read paths: counts by method, route and status
class, and the time to answer by route.

Recorded with prometheus_client directly. prometheus-fastapi-instrumentator was measured here
first: it matches every request against every route again to name it, about 40 µs a request,
which took single-quote reads from 14x Datasette's rate to 5x. FastAPI has already matched the
route by the time an answer leaves (``scope["route"]``), and the direct read path names its
own, so naming costs nothing."""

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import Scope

# The direct read path, which answers before any routing, puts its route's name here.
HANDLER = "saidwho.handler"
_METHODS = frozenset({"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"})
_SECONDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class Metrics:
    """Request counts and times, in their own registry (several apps in one process, as in
    tests, must not collide)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "http_requests_total",
            "Requests answered, by method, route and status class.",
            ["method", "handler", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer, by route.",
            ["method", "handler"],
            buckets=_SECONDS,
            registry=self.registry,
        )

        # The labelled series, found once each: a lookup by label costs more than the count.
        self.series: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def record(self, scope: Scope, status: int, seconds: float) -> None:
        route = scope.get("route")
        # Unmatched paths share one name: a scan of random URLs must not grow the series.
        handler = getattr(route, "path", None) or scope.get(HANDLER) or "unmatched"
        key = (scope["method"], handler, status // 100)
        series = self.series.get(key)
        if series is None:
            # A method a client makes up must not be one more series.
            method = key[0] if key[0] in _METHODS else "other"
            series = (
                self.requests.labels(method, handler, f"{key[2]}xx"),
                self.latency.labels(method, handler),
            )
            if len(self.series) < 10_000:
                self.series[key] = series
        series[0].inc()
        series[1].observe(seconds)
