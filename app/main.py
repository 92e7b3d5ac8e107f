"""Builds the FastAPI app: routers, error handlers, the store's engine. Nothing else."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from app.api.admission import Admission
from app.api.errors import COMMON_PROBLEMS, install_error_handlers
from app.api.fastlane import QuoteFastLane
from app.api.guards import FrontDoor
from app.api.known_params import known_query_params
from app.api.metrics import Metrics
from app.api.page_body import PageBody
from app.api.routes import (
    articles,
    check,
    meta,
    outlets,
    quotations,
    quotes,
    speakers,
    suggest,
)
from app.config import Settings, get_settings
from app.db import is_sqlite, make_engine, merge_log, read_only_reason, unmerged_log
from app.web import pages

DESCRIPTION = """\
Who said what, to whom, when, and where in which article.

Every quote carries its speaker (a person, an organization or an anonymous source), the outlet
the words were given to, the article that published them, the date they were said, and the exact
character span in the article text. Errors are RFC 9457 problem documents.
"""


class SaidWho(FastAPI):
    """FastAPI with layers of its own outside the framework's: the front door and the direct
    read path wrap everything, the framework's error and body-limit layers included, so the
    hottest reads pass through nothing they do not need. What they pass on gets it all."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.outer: list[tuple[type[Any], dict[str, Any]]] = []

    def wrap(self, layer: type[Any], **options: Any) -> None:
        """Adds a layer outside all earlier ones."""
        self.outer.append((layer, options))

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        for layer, options in self.outer:
            app = layer(app, **options)
        return app


def create_app(settings: Settings | None = None) -> SaidWho:
    settings = settings or get_settings()
    # A store that cannot be written is served for reading: every write answers 503 and
    # /ready says why. Nothing then opens it for writing, not even to check a key.
    read_only = read_only_reason(settings)
    # A store that cannot change is opened as such (faster, no lock files), unless its log
    # holds writes the file does not: those must be read, so the log is read too.
    immutable = read_only is not None and unmerged_log(settings.database_url) is None
    read_engine = make_engine(settings, read_only=True, immutable=immutable)
    engine = read_engine if read_only else make_engine(settings)
    probe_engine = make_engine(settings, read_only=True, immutable=immutable, probe=True)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()
        read_engine.dispose()
        probe_engine.dispose()
        if read_only is None:
            merge_log(settings.database_url)

    app = SaidWho(
        title="saidwho",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs" if settings.docs_enabled else None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.docs_enabled else None,
        # The framework counts up to the larger limit; PageBody holds every body that is not
        # a page to the smaller one.
        max_body_size=max(
            settings.max_body_bytes, settings.max_page_bytes, settings.max_batch_bytes
        ),
        responses=COMMON_PROBLEMS,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.read_engine = read_engine
    app.state.read_only = read_only
    app.state.probe_engine = probe_engine
    # Why writes fail now though the store takes them: its disk was full at the last write
    # (cleared by the next write that goes through); /ready says it.
    app.state.store_full = None
    # Keys are checked where no lock is taken: SQLite's read side, or the primary (a replica
    # may not have a key made a moment ago yet).
    app.state.key_engine = (
        read_engine
        if is_sqlite(settings.database_url) and not settings.read_replica_url
        else engine
    )
    install_error_handlers(app, pages.not_found)
    app.add_middleware(
        PageBody,
        max_bytes=settings.max_body_bytes,
        max_page_bytes=settings.max_page_bytes,
        max_batch_bytes=settings.max_batch_bytes,
    )
    for module in (
        quotes,
        quotations,
        check,
        speakers,
        outlets,
        articles,
        suggest,
        meta,
    ):
        app.include_router(module.router, dependencies=[Depends(known_query_params)])
    app.include_router(pages.router)
    if settings.fast_lane:
        app.wrap(
            QuoteFastLane,
            database_url=settings.database_url,
            budget_ms=settings.query_budget_ms,
            exact_up_to=settings.exact_total_up_to,
            remember=settings.remember_answers,
            workers=settings.read_workers,
            replica_url=settings.read_replica_url,
            immutable=immutable,
        )
    app.state.metrics = Metrics() if settings.metrics_enabled else None
    app.wrap(
        Admission,
        in_hand=settings.in_hand,
        waiting=settings.queue_length,
        wait_s=settings.queue_wait_ms / 1000,
    )
    app.wrap(
        FrontDoor,
        max_bytes=settings.max_body_bytes,
        max_page_bytes=settings.max_page_bytes,
        max_batch_bytes=settings.max_batch_bytes,
        per_address=settings.rate_limit_per_address,
        per_key=settings.rate_limit_per_key,
        metrics=app.state.metrics,
        storage_uri=settings.rate_limit_storage,
    )
    origins = [origin.strip() for origin in settings.cors_origins.split(",") if origin.strip()]
    if origins:
        app.wrap(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Idempotency-Key",
                "X-Request-ID",
                "If-Match",
            ],
            expose_headers=[
                "Location",
                "Retry-After",
                "X-Request-ID",
                "ETag",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
            ],  # fmt: skip
        )
    app.mount("/static", StaticFiles(directory=pages.static_files_dir()), name="static")
    return app
