"""The ``saidwho`` command. It calls the same functions the API does."""

from typing import Annotated

import typer
import uvicorn

from app.config import Settings
from app.db import make_engine, migrate, session_scope
from app.keys import create_key
from app.seed import load_seed

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
) -> None:
    """Migrate the store, seed it if it has no articles, and serve the API."""
    from app.main import create_app  # deferred: only serving needs the web stack

    settings = Settings()
    migrate(settings)
    engine = make_engine(settings)
    with engine.connect() as connection:
        empty = connection.exec_driver_sql("SELECT count(*) FROM article").scalar_one() == 0
    if empty:
        result = load_seed(engine, settings.seed_dir)
        typer.echo(f"seeded article {result.article_id} with {result.quotes} quotes")
    engine.dispose()
    uvicorn.run(create_app(settings), host=host, port=port)


@keys_cli.command("create")
def keys_create(name: Annotated[str, typer.Argument(help="Who or what the key is for.")]) -> None:
    """Create an API key. It is shown once, alone on the last line; only its hash is kept."""
    settings = Settings()
    migrate(settings)
    engine = make_engine(settings)
    with session_scope(engine) as session:
        new = create_key(session, name)
        token = new.token
    engine.dispose()
    typer.echo(f"created key {name!r}; store it now, it cannot be shown again:")
    typer.echo(token)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
