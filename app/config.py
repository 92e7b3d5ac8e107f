"""Every setting in one place, read from the environment (prefix ``SAIDWHO_``)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAIDWHO_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///saidwho.db",
        description="SQLAlchemy URL of the store; a SQLite file by default.",
    )
    seed_dir: Path = Field(
        default=PROJECT_ROOT / "seed",
        description="Folder holding the seed article and its attributions.",
    )
    migrations_dir: Path = Field(
        default=PROJECT_ROOT / "migrations",
        description="Folder holding the Alembic environment and versions.",
    )
    read_replica_url: str = Field(
        default="",
        description="A read replica of the store: reads without an API key go there; writes, "
        "and every request that carries a key, go to the primary.",
    )
    sqlite_busy_timeout_ms: int = Field(
        default=5000, ge=0, description="How long a SQLite connection waits for a lock."
    )
    export_batch_size: int = Field(
        default=1000, ge=1, le=10000, description="Rows fetched per round trip when exporting."
    )
    watch_allow_hosts: str = Field(
        default="",
        description="Hosts `saidwho watch` fetches although they resolve to an address inside "
        "the network (loopback, private, link-local), by name, separated by commas.",
    )
    docs_enabled: bool = Field(default=True, description="Serve /docs and /openapi.json.")
    query_budget_ms: int = Field(
        default=3000,
        ge=10,
        le=600_000,
        description="Longest a read query may run before it is stopped and answered with 503.",
    )
    exact_total_up_to: int = Field(
        default=10_000,
        ge=0,
        description="A list's total is counted exactly up to this many matches; past it, "
        "`total_is_exact` is false and the total an estimate: PostgreSQL's planner's, or on "
        "SQLite, for a search of words with no other filter, one from where the next match "
        "stands, and for any other list one from the dates of its newest matches. On "
        "PostgreSQL a list the planner expects to hold over ten times this many (twice, for "
        "a search of one index entry with no other filter: a two-word phrase, a word with no "
        "other form) is not counted at all. 0 counts every total exactly.",
    )
    facet_scan: int = Field(
        default=100_000,
        ge=1,
        description="Facets and the timeline count at most this many matches, the newest; "
        "past it they say `exact: false`. Bounds the cost of a facet request on a large store.",
    )
    read_workers: int = Field(
        default=4, ge=1, le=64, description="Threads that run reads off the event loop."
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="Largest request body taken; a larger one is refused with 413.",
    )
    max_page_bytes: int = Field(
        default=8_388_608,
        ge=1024,
        description="Largest saved web page taken as a `text/html` body of `POST /v1/articles` "
        "(real pages run to several MB of markup around a few kB of article); past it, 413. "
        "What a page may hold is still bounded by the paragraph and quote caps.",
    )
    max_batch_bytes: int = Field(
        default=16_777_216,
        ge=1024,
        description="Largest body of `POST /v1/articles/batch` (one article a line); past it, 413.",
    )
    max_batch_articles: int = Field(
        default=1000,
        ge=1,
        le=10_000,
        description="Most articles one `POST /v1/articles/batch` may carry; past it, 413.",
    )
    batch_articles_per_request: int = Field(
        default=50,
        ge=1,
        description="How many articles of a batch count as one request against the rate "
        "limits: a batch of 1,000 counts as 20 requests.",
    )
    max_paragraphs: int = Field(
        default=5000,
        ge=1,
        description="Most paragraphs one posted article may have; past it, 413.",
    )
    max_quotes_per_article: int = Field(
        default=1000,
        ge=1,
        description="Most quotations one posted article may yield; past it, 422, nothing stored.",
    )
    write_budget_ms: int = Field(
        default=10_000,
        ge=100,
        le=600_000,
        description="Longest a write transaction may run (on PostgreSQL, each of its "
        "statements) before it is rolled back and answered with 503.",
    )
    header_timeout_s: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="A connection that has not sent a request's complete headers within this "
        "many seconds (of opening, or of its first byte after an idle spell) is closed.",
    )
    keep_alive_s: int = Field(
        default=5, ge=1, le=300, description="An idle keep-alive connection is closed after this."
    )
    max_connections: int = Field(
        default=1000,
        ge=1,
        description="Most connections open at once; one past it is closed at once. Lowered to "
        "what the process's file limit allows.",
    )
    store_connections: int = Field(
        default=30,
        ge=2,
        description="Connections to the store the whole server may hold, shared by its "
        "`--workers` processes; each process admits as many requests at once as it has "
        "connections, so none waits long for one.",
    )
    server_workers: int = Field(
        default=1,
        ge=1,
        description="Processes serving the API; set by `saidwho serve --workers`.",
    )
    pool_wait_ms: int = Field(
        default=1000,
        ge=10,
        description="Longest a request waits for a connection to the store; past it, 503.",
    )
    queue_wait_ms: int = Field(
        default=1000,
        ge=0,
        description="Longest a request waits for its turn when a process has as many in hand "
        "as it has connections; past it, or when the queue is full, 503 with Retry-After.",
    )
    queue_length: int = Field(
        default=1000,
        ge=0,
        description="Most requests one process keeps waiting for a turn; one more is answered "
        "503 at once. Long enough that a crowd waits its (short) turn rather than come back "
        "at once for another 503.",
    )
    requests_in_hand: int = Field(
        default=8,
        ge=1,
        description="Most requests one process works on at once (at most its share of the "
        "store's connections): more threads only contend for the interpreter and slow the "
        "event loop, and with it /health.",
    )
    idempotency_hours: int = Field(
        default=24,
        ge=1,
        le=24 * 365,
        description="How long the answer to a write sent with an Idempotency-Key is kept and "
        "replayed; expired ones are removed a few at a time by later writes.",
    )
    rate_limit_per_address: str = Field(
        default="100/second;3000/minute",
        description="Requests one client address may send (the limits library's notation; "
        "several separated by ';'; empty for none). Past it: 429 with Retry-After.",
    )
    rate_limit_storage: str = Field(
        default="",
        description="Where rate-limit counts are kept, as a limits storage URI (e.g. "
        "redis://127.0.0.1:6379/0): shared by every process and server that names it. Empty: "
        "each process counts in its own memory.",
    )
    rate_limit_per_key: str = Field(
        default="20/second",
        description="Requests one API key may send, on top of its address's limit.",
    )
    cors_origins: str = Field(
        default="",
        description="Origins that browsers may call the API from, comma-separated; "
        "empty turns CORS off.",
    )
    metrics_enabled: bool = Field(default=True, description="Serve Prometheus metrics at /metrics.")
    metrics_require_key: bool = Field(
        default=False,
        description="Serve /metrics only to requests with a live API key of any scope: the "
        "metrics reveal traffic.",
    )
    trusted_proxies: str = Field(
        default="",
        description="Addresses (or networks) of the reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed, comma-separated; empty (the default) believes no one, "
        "so a client cannot pick its own address to dodge the per-address limit.",
    )
    json_logs: bool = Field(
        default=True,
        description="Log one JSON object per line, with the request id, when serving.",
    )
    read_only: bool = Field(
        default=False,
        description="Serve reads only: every write answers 503. Set by itself when the store "
        "cannot be written (a read-only mount, a standby server).",
    )
    fast_lane: bool = Field(
        default=True,
        description="Answer quote pages and single quotes on the direct SQLite read path.",
    )
    remember_answers: bool = Field(
        default=True,
        description="Let the direct read path remember totals, name lookups, word counts and "
        "the matches of searches until the store changes. Off, every request does all its "
        "work: how the speed bench measures a reporter's new searches.",
    )

    @property
    def connections_per_process(self) -> int:
        """This process's share of the store's connections (at least two)."""
        return max(2, self.store_connections // self.server_workers)

    @property
    def in_hand(self) -> int:
        """Requests this process admits at once: never more than it has connections."""
        return min(self.requests_in_hand, self.connections_per_process)

    @property
    def watch_hosts_allowed(self) -> frozenset[str]:
        return frozenset(
            name.strip().lower() for name in self.watch_allow_hosts.split(",") if name.strip()
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
