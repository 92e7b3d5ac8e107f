"""The ``saidwho`` command. It calls the same functions the API does."""

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.config import Settings
from app.db import make_engine, session_scope
from app.keys import create_key, list_keys, revoke_key
from app.seed import load_seed
from app.store.upgrade import migrate

if TYPE_CHECKING:
    from app.ingest.files import Defaults


class KeyScope(enum.StrEnum):
    read = "read"
    write = "write"
    admin = "admin"


cli = typer.Typer(help="saidwho: a quote-attribution service.", no_args_is_help=True)
keys_cli = typer.Typer(help="Manage API keys for writes.", no_args_is_help=True)
cli.add_typer(keys_cli, name="keys")


@cli.command("migrate")
def migrate_command() -> None:
    """Apply the Alembic migrations to the store."""
    settings = Settings()
    migrate(settings)
    typer.echo(f"store is at the latest schema: {settings.database_url}")


@cli.command("seed")
def seed_command() -> None:
    """Load the seed article and its attributions (idempotent)."""
    settings = Settings()
    migrate(settings)
    engine = make_engine(settings)
    result = load_seed(engine, settings.seed_dir)
    engine.dispose()
    if result.created:
        typer.echo(f"seeded article {result.article_id} with {result.quotes} quotes")
    else:
        typer.echo(f"seed already present (article {result.article_id}); nothing changed")


@cli.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    access_log: Annotated[
        bool, typer.Option(help="Log every request (off for benchmarks).")
    ] = True,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes sharing the port. Rate-limit counts are shared between "
            "them only with SAIDWHO_RATE_LIMIT_STORAGE.",
        ),
    ] = 1,
) -> None:
    """Migrate the store, seed it if it has no articles, and serve the API."""
    from app.db import read_only_reason, unreadable_log

    settings = Settings()
    reason = read_only_reason(settings)
    if reason is not None:
        # Nothing to migrate or seed: serve what is there, for reading (/ready says why);
        # never less than was acknowledged.
        unreadable = unreadable_log(settings)
        if unreadable is not None:
            typer.echo(f"error: cannot serve the store: {unreadable}", err=True)
            raise typer.Exit(2)
        typer.echo(f"serving read-only: {reason}")
    else:
        migrate(settings)
        engine = make_engine(settings)
        with engine.connect() as connection:
            empty = connection.exec_driver_sql("SELECT count(*) FROM article").scalar_one() == 0
        if empty:
            result = load_seed(engine, settings.seed_dir)
            typer.echo(f"seeded article {result.article_id} with {result.quotes} quotes")
        engine.dispose()
    from app.api.server import serve
    from app.logs import log_config

    serve(
        settings,
        host,
        port,
        workers=workers,
        access_log=access_log,
        log_config=log_config(settings.json_logs),
    )


@keys_cli.command("create")
def keys_create(
    name: Annotated[str, typer.Argument(help="Who or what the key is for.")],
    admin: Annotated[
        bool, typer.Option("--admin", help="May also edit, merge and split speakers.")
    ] = False,
    scope: Annotated[
        KeyScope | None,
        typer.Option(help="read (metrics only), write (articles and quotes) or admin."),
    ] = None,
    expires_in_days: Annotated[
        int | None, typer.Option(min=1, help="Refused from this many days on.")
    ] = None,
) -> None:
    """Create an API key. It is shown once, alone on the last line; only its hash is kept."""
    import datetime as dt

    from app.writes import utcnow

    if admin and scope not in (None, KeyScope.admin):
        typer.echo("error: --admin and --scope disagree", err=True)
        raise typer.Exit(2)
    settings = Settings()
    migrate(settings)
    engine = make_engine(settings)
    expires = utcnow() + dt.timedelta(days=expires_in_days) if expires_in_days else None
    with session_scope(engine) as session:
        new = create_key(
            session, name, admin=admin, scope=scope.value if scope else None, expires_at=expires
        )
        token = new.token
        kind = new.record.scope
    engine.dispose()
    until = f", until {expires:%Y-%m-%d %H:%M} UTC" if expires else ""
    typer.echo(f"created {kind} key {name!r}{until}; store it now, it cannot be shown again:")
    typer.echo(token)


@keys_cli.command("list")
def keys_list() -> None:
    """Every key: prefix, name, scope, when made, last used, expiry and revocation. Secrets are
    never shown."""
    settings = Settings()
    migrate(settings)
    engine = make_engine(settings)
    with session_scope(engine) as session:
        lines = [
            "\t".join(
                (
                    f"sw_{key.prefix}_…",
                    key.name,
                    key.scope,
                    f"created {key.created_at:%Y-%m-%d %H:%M}",
                    f"used {key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never used",
                    f"expires {key.expires_at:%Y-%m-%d %H:%M}" if key.expires_at else "no expiry",
                    f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "live",
                )
            )
            for key in list_keys(session)
        ]
    engine.dispose()
    typer.echo("\n".join(lines) if lines else "no keys")


@keys_cli.command("revoke")
def keys_revoke(
    prefix: Annotated[
        str, typer.Argument(help="The key's prefix: the part after sw_, as `keys list` shows.")
    ],
) -> None:
    """Revoke a key at once: every write it sends from then on is refused with 401."""
    settings = Settings()
    migrate(settings)
    engine = make_engine(settings)
    prefix = prefix.removeprefix("sw_").split("_")[0]
    with session_scope(engine) as session:
        revoked = revoke_key(session, prefix)
    engine.dispose()
    if not revoked:
        typer.echo(f"error: no live key has the prefix {prefix!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked sw_{prefix}_…")


@cli.command("ingest")
def ingest_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Articles: text files (one article each), saved web pages (.html), .json or "
            ".jsonl/.ndjson files of articles (title, publisher, published_on, url, text or "
            "html), each perhaps .gz; directories (searched for those) and globs.",
            show_default=False,
            metavar="PATH",
        ),
    ],
    publisher: Annotated[
        str | None, typer.Option(help="Publisher of articles that name none, by id or name.")
    ] = None,
    published_on: Annotated[
        str | None,
        typer.Option(
            help="Publication date of articles that give none, YYYY-MM-DD; without it they are "
            "stored undated."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title (default: the file name).")] = None,
    url: Annotated[str | None, typer.Option(help="Where the article was published.")] = None,
    jobs: Annotated[
        int, typer.Option(min=1, max=64, help="Processes that read articles side by side.")
    ] = 1,
    batch: Annotated[
        int, typer.Option(min=1, max=10_000, help="Articles stored per transaction.")
    ] = 200,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="A line for every article.")
    ] = False,
) -> None:
    """Store articles and extract their quotations, as POST /v1/articles does. A text already
    stored is skipped, so an interrupted run can simply be started again. One bad article is
    reported and skipped; the exit status is 1 when any failed."""
    from app.ingest.archive import run
    from app.ingest.files import ArticleFileError, Defaults, count, expand, sources
    from app.ingest.progress import Shown
    from app.ingest.store import Bounds

    defaults = Defaults(publisher=publisher, published_on=published_on, title=title, url=url)
    try:
        found = expand(paths)
        _check_text_options(found, defaults)
        total = count(found)
    except ArticleFileError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    settings = Settings()
    migrate(settings)
    bounds = Bounds(settings.max_paragraphs, settings.max_quotes_per_article)
    with Shown(total, each=verbose or total <= 25) as shown:
        tally = run(
            settings,
            sources(found),
            defaults=defaults,
            jobs=jobs,
            batch=batch,
            bounds=bounds,
            report=shown,
        )
    typer.echo(shown.summary(tally))
    if tally.failed:
        raise typer.Exit(1)


@cli.command("extract")
def extract_command(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Articles, as saidwho ingest takes them: files, directories, globs.",
            show_default=False,
            metavar="PATH",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder to write the extracted articles to.")],
    cluster: Annotated[
        str | None,
        typer.Option(
            help="A Dask scheduler (tcp://host:8786) whose workers do the reading; they must "
            "see PATH and --out at the same paths. Without it, this machine's processes."
        ),
    ] = None,
    jobs: Annotated[
        int, typer.Option(min=1, max=64, help="Processes that read side by side (no --cluster).")
    ] = 1,
    publisher: Annotated[
        str | None, typer.Option(help="Publisher of articles that name none, by id or name.")
    ] = None,
    published_on: Annotated[
        str | None, typer.Option(help="Publication date of articles that give none.")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title (default: the file name).")] = None,
    url: Annotated[str | None, typer.Option(help="Where the article was published.")] = None,
) -> None:
    """Read articles and write what they say, and who said it, to files in --out, with no
    store: saidwho load stores them, here or on another machine. A share of the work whose file
    is written already is not done again, so an interrupted run is resumed by running it
    again. The exit status is 1 when any article could not be read."""
    from app.ingest.extraction import Done, run_local, run_on_cluster, shares, summary, workers_of
    from app.ingest.files import ArticleFileError, Defaults, expand
    from app.ingest.reading import Bounds

    defaults = Defaults(publisher=publisher, published_on=published_on, title=title, url=url)
    try:
        found = [p.resolve() for p in expand(paths)]
        _check_text_options(found, defaults)
    except ArticleFileError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    settings = Settings()
    bounds = Bounds(settings.max_paragraphs, settings.max_quotes_per_article)
    workers = workers_of(cluster) if cluster else jobs
    tasks = shares(found, workers)
    finished: list[Done] = []

    def done(item: Done) -> None:
        finished.append(item)
        how = "written before" if item.resumed else f"{item.read} read, {item.failed} failed"
        typer.echo(f"[{len(finished)}/{len(tasks)}] {item.share.name}: {how} (by {item.by})")

    if cluster:
        run_on_cluster(cluster, tasks, out, defaults, bounds, done)
    else:
        run_local(tasks, out, defaults, bounds, jobs, done)
    read, failed, resumed = summary(finished)
    typer.echo(
        f"{read:,} articles read, {failed:,} failed, into {len(tasks)} files in {out}"
        + (f" ({resumed} written by an earlier run)" if resumed else "")
    )
    if failed:
        raise typer.Exit(1)


@cli.command("load")
def load_command(
    folder: Annotated[
        Path, typer.Argument(help="A folder saidwho extract wrote.", show_default=False)
    ],
    batch: Annotated[
        int, typer.Option(min=1, max=10_000, help="Articles stored per transaction.")
    ] = 200,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="A line for every article.")
    ] = False,
) -> None:
    """Store the articles saidwho extract wrote, in the order of the input they were read
    from, with the set-based writer: the store ends as saidwho ingest of that input leaves
    it. A text already stored is skipped, so a load can be run again."""
    from app.ingest.archive import store_all
    from app.ingest.extraction import count_lines, extracted
    from app.ingest.progress import Shown

    if not folder.is_dir():
        typer.echo(f"error: {folder} is not a folder", err=True)
        raise typer.Exit(2)
    settings = Settings()
    migrate(settings)
    total = count_lines(folder)
    with Shown(total, each=verbose or total <= 25) as shown:
        tally = store_all(settings, extracted(folder), batch=batch, report=shown)
    typer.echo(shown.summary(tally))
    if tally.failed:
        raise typer.Exit(1)


@cli.command("reattribute")
def reattribute_command(
    since: Annotated[
        str | None,
        typer.Option(help="Only articles published on or after this day, YYYY-MM-DD."),
    ] = None,
    article: Annotated[int | None, typer.Option(min=1, help="Only this article, by id.")] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="A line for every article.")
    ] = False,
) -> None:
    """Read stored articles again with the current extractor. Machine-made quotes nobody
    reviewed are replaced by what the rules find now (those found again are kept as they
    are, permalinks and all); reviewed quotes and those entered by hand are kept; every
    change is in the quotes' history; speakers left with no quotes are removed. Each article
    is its own transaction: stop it any time and run it again."""
    import datetime as dt

    from app.ingest.reattribute import Tally, article_ids, reattribute
    from app.ingest.store import Bounds

    try:
        start = dt.date.fromisoformat(since) if since else None
    except ValueError:
        typer.echo(f"error: --since {since!r} is not a date (YYYY-MM-DD)", err=True)
        raise typer.Exit(2) from None
    settings = Settings()
    migrate(settings)
    engine = make_engine(settings)
    try:
        ids = article_ids(engine, since=start, article=article)
        if article is not None and not ids:
            typer.echo(f"error: there is no article {article}", err=True)
            raise typer.Exit(2)

        def done(article_id: int, tally: Tally) -> None:
            if verbose:
                typer.echo(f"article {article_id}: done ({tally.articles:,} of {len(ids):,})")

        bounds = Bounds(settings.max_paragraphs, settings.max_quotes_per_article)
        tally = reattribute(engine, ids, bounds, done)
    finally:
        engine.dispose()
    typer.echo(
        f"read again {tally.articles:,} articles: {tally.kept:,} quotes found again and kept, "
        f"{tally.added:,} added, {tally.removed:,} removed, {tally.protected:,} reviewed or "
        f"entered by hand left as they were; {tally.speakers_removed:,} speakers left with no "
        f"quotes removed"
        + (f"; {tally.skipped:,} articles past the limits skipped" if tally.skipped else "")
    )


@cli.command("watch")
def watch_command(
    feeds: Annotated[
        list[str],
        typer.Argument(help="RSS or Atom feed addresses.", show_default=False, metavar="FEED_URL"),
    ],
    every: Annotated[
        float, typer.Option(min=0.01, help="Minutes between passes over the feeds.")
    ] = 15.0,
    once: Annotated[bool, typer.Option("--once", help="One pass, then stop.")] = False,
    publisher: Annotated[
        str | None,
        typer.Option(
            help="Publisher of every article (default: the page's site, or the feed's title)."
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds a whole answer may take, headers and body.")
    ] = 20.0,
    max_bytes: Annotated[
        int, typer.Option(min=1000, help="Largest page or feed read, in bytes.")
    ] = 5_000_000,
    delay: Annotated[
        float, typer.Option(min=0.0, help="Seconds between two requests to one host.")
    ] = 1.0,
    max_redirects: Annotated[int, typer.Option(min=0, max=20, help="Redirects followed.")] = 5,
) -> None:
    """Read feeds, fetch the pages they link to that are not stored yet, and store them as
    articles with their quotations; again every --every minutes, or once with --once. A page
    that fails is logged and skipped."""
    import signal

    from app.ingest.feeds import Watcher
    from app.ingest.fetch import Limits

    for feed in feeds:
        if not feed.startswith(("http://", "https://")):
            typer.echo(f"error: {feed}: a feed is an http:// or https:// address", err=True)
            raise typer.Exit(2)
    settings = Settings()
    migrate(settings)
    limits = Limits(
        timeout=timeout,
        max_bytes=max_bytes,
        delay=delay,
        max_redirects=max_redirects,
        allow_hosts=settings.watch_hosts_allowed,
    )

    def report(line: str) -> None:
        typer.echo(line, err=line.startswith("error:"))

    watcher = Watcher(settings, feeds, limits=limits, publisher=publisher, report=report)

    def stop(_signal: int, _frame: object) -> None:
        watcher.halt()  # the fetch in flight is cut; what was stored stays stored

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not watcher.stop.is_set():
            done = watcher.run_pass()
            typer.echo(
                f"pass: {done.entries:,} entries, {done.stored:,} stored with "
                f"{done.quotes:,} quotes, {done.skipped:,} already stored, {done.failed:,} failed"
                + (f", {done.unchanged_feeds} feeds unchanged" if done.unchanged_feeds else "")
            )
            if once:
                break
            watcher.stop.wait(every * 60)
        if watcher.stop.is_set():
            typer.echo("stopped", err=True)
    finally:
        watcher.close()


def _check_text_options(found: list[Path], defaults: "Defaults") -> None:
    """A plain text file carries no publisher, and a date given for all must be a date: refuse
    before reading any article."""
    import datetime as dt

    from app.ingest.files import ArticleFileError, is_plain_text

    if defaults.published_on is not None:
        try:
            dt.date.fromisoformat(defaults.published_on)
        except ValueError:
            raise ArticleFileError(
                f"--published-on {defaults.published_on!r}: must be an ISO date, YYYY-MM-DD"
            ) from None

    for path in found:
        # Without --published-on a text file is stored undated.
        if is_plain_text(path) and defaults.publisher is None:
            raise ArticleFileError(f"{path}: a text file needs --publisher")


@cli.command("synth")
def synth_command(
    quotes: Annotated[int, typer.Option(min=1, help="How many synthetic quotes to write.")],
    seed: Annotated[int, typer.Option(help="Random seed, for the same store every time.")] = 2024,
) -> None:
    """Fill an empty SQLite store with synthetic quotes for benchmarks."""
    from app.synth.store import SynthError, build

    settings = Settings()
    migrate(settings)
    engine = make_engine(settings)
    try:
        built = build(engine, quotes, seed=seed)
    except SynthError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    typer.echo(
        f"wrote {built.quotes:,} quotes in {built.articles:,} articles by {built.speakers:,} "
        f"speakers, {built.outlets} outlets, in {built.seconds:.1f} s"
    )


@cli.command("copy")
def copy_command(
    source: Annotated[
        str, typer.Argument(help="The store to copy from, as a SQLAlchemy URL (sqlite:///...).")
    ],
) -> None:
    """Copy a whole store into SAIDWHO_DATABASE_URL, which is migrated first and must be
    empty: how a SQLite store moves to PostgreSQL. Ids are kept; one transaction."""
    from sqlalchemy import create_engine

    from app.db import sqlite_path
    from app.store.transfer import TransferError, copy_store

    settings = Settings()
    path = sqlite_path(source)
    if path is not None and not Path(path).is_file():
        # Opening it would create an empty store and copy nothing, "successfully".
        typer.echo(f"error: there is no SQLite store at {path}", err=True)
        raise typer.Exit(2)
    migrate(settings)
    migrate(settings.model_copy(update={"database_url": source}))  # both at the same schema
    origin, target = create_engine(source), make_engine(settings)
    try:
        copied = copy_store(origin, target)
    except TransferError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    finally:
        origin.dispose()
        target.dispose()
    rows = ", ".join(f"{count:,} {table}" for table, count in copied.rows.items() if count)
    typer.echo(f"copied {rows} in {copied.seconds:.1f} s")


@cli.command("backup")
def backup_command(
    target: Annotated[Path, typer.Argument(help="The new file to write the copy to.")],
) -> None:
    """Copy the SQLite store, consistently, while it serves; then check the copy's integrity."""
    from app.store.backup import BackupError, backup

    try:
        made = backup(Settings().database_url, target)
    except BackupError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"copied {made.articles:,} articles and {made.quotes:,} quotes to {made.path} "
        f"({made.bytes:,} bytes); integrity check: ok"
    )


@cli.command("eval")
def eval_command(
    corpus: Annotated[
        Path,
        typer.Argument(
            help="Annotated articles: the newsroom format (.yaml, every field of every quote), "
            "a real-news set (.json with an 'articles' list, every attribution of each "
            "article listed by the words it contains), a quotation set (.yaml of quotations "
            "and their reports), or the PolNeAR-style format (.jsonl, one JSON object per line).",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    errors: Annotated[
        bool, typer.Option("--errors", help="List every error (the .yaml formats).")
    ] = False,
) -> None:
    """Score the extractor on annotated articles. A newsroom set (.yaml) is ingested into a
    new seeded store and every field of every quote is compared: speaker, kind, outlet, date,
    words; with the quotes given to another speaker, invented quotes and invented dates. A
    PolNeAR-style corpus gets precision, recall, F1 and speaker accuracy at overlaps 0.3 and
    0.8, for direct, direct+mixed and all attributions. A quotation set is stored report by
    report and scored on grouping (pairs of reports) and on the quote check."""
    from app.evaluation.corpus import CorpusError, read_corpus
    from app.evaluation.newsroom import evaluate_newsroom, newsroom_report, read_newsroom
    from app.evaluation.quotations import (
        evaluate_quotations,
        is_quotation_set,
        quotation_report,
        read_quotation_set,
    )
    from app.evaluation.realnews import evaluate_real, is_real_set, read_real_set, real_report
    from app.evaluation.run import evaluate, report

    try:
        if is_real_set(corpus):
            typer.echo(real_report(evaluate_real(read_real_set(corpus)), errors=errors))
            return
        if corpus.suffix in {".yaml", ".yml"} and is_quotation_set(corpus):
            quotation_scores = evaluate_quotations(read_quotation_set(corpus))
            typer.echo(quotation_report(quotation_scores, errors=errors))
            return
        if corpus.suffix in {".yaml", ".yml"}:
            articles = read_newsroom(corpus)
            scores = evaluate_newsroom(articles)
            typer.echo(newsroom_report(scores, len(articles), errors=errors))
            return
        corpus_scores, count = evaluate(read_corpus(corpus))
    except CorpusError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    typer.echo(report(corpus_scores, count))


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
