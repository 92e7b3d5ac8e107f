"""Service routes: health, and the pages that document each problem type."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from app.api.deps import SettingsDep, require_metrics_key
from app.api.errors import PROBLEM_TYPES, problem_responses
from app.api.metrics import Metrics
from app.api.problems import ProblemError
from app.db import alembic_config
from app.models.public import Health, Ready

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health, summary="200 when the store can be read")
async def health(request: Request) -> Health:
    """Liveness, probed every few seconds: one row read, whatever the store's size, on a
    connection of its own, so it answers however busy the server is. On SQLite the read
    (microseconds) runs on the event loop itself, not behind the busy worker threads; a
    PostgreSQL round trip runs on a thread of its own. Counts are on ``/ready`` and in
    ``/metrics``."""
    engine: Engine = request.app.state.probe_engine
    if engine.dialect.name == "sqlite":
        _probe(engine)
    else:
        await asyncio.get_running_loop().run_in_executor(_PROBE_THREAD, _probe, engine)
    return Health(status="ok")


_PROBE_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="saidwho-probe")


def _probe(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1 FROM quote LIMIT 1")).all()


@router.get(
    "/ready",
    response_model=Ready,
    summary="200 when the store answers and its schema is current",
    responses=problem_responses(503),
)
def ready(request: Request, settings: SettingsDep) -> Ready:
    script = ScriptDirectory.from_config(alembic_config(settings))
    head = script.get_current_head()
    try:
        with request.app.state.probe_engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except OperationalError:
        current = None
    if current != head:
        raise ProblemError(
            503,
            "not-ready",
            f"the store's schema is at {current or 'nothing'}, not {head}: run saidwho migrate",
            headers={"Retry-After": "5"},
        )
    reason: str | None = request.app.state.read_only or request.app.state.store_full
    return Ready(
        status="ready",
        schema_revision=str(head),
        writes="refused" if reason else "accepted",
        writes_refused_because=reason,
    )


@router.get("/metrics", include_in_schema=False, dependencies=[Depends(require_metrics_key)])
def metrics(request: Request, settings: SettingsDep) -> Response:
    """Prometheus' text format, for its scraper."""
    metrics: Metrics | None = request.app.state.metrics
    if metrics is None:
        raise ProblemError(404, "not-found", "metrics are turned off (SAIDWHO_METRICS_ENABLED)")
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.get(
    "/problems/{slug}",
    response_class=PlainTextResponse,
    summary="What a problem type means",
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}},
        **problem_responses(404),
    },
)
def problem_type(
    slug: Annotated[str, Path(max_length=100, description="The end of a problem's `type`.")],
) -> str:
    if slug not in PROBLEM_TYPES:
        raise ProblemError(404, "not-found", f"there is no problem type {slug!r}")
    return f"{slug}\n\n{PROBLEM_TYPES[slug]}\n"
