"""serve / api / worker / migrate: the runtime shapes of DESIGN.md §1."""

from __future__ import annotations

import asyncio

import typer
import uvicorn

from shopkeeper.settings import get_settings

HostOpt = typer.Option("127.0.0.1", "--host", help="Address to listen on.")
PortOpt = typer.Option(8000, "--port", help="Port to listen on.")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(api)
    app.command()(worker)
    app.command()(migrate)


def migrate() -> None:
    """Bring the database schema up to date (Alembic)."""
    from shopkeeper.migrate import upgrade

    settings = get_settings()
    upgrade(settings.database_url)
    typer.echo("database is up to date")


def serve(host: str = HostOpt, port: int = PortOpt) -> None:
    """Embedded shape: migrate, then serve the API with the relay and scheduler in-process."""
    from shopkeeper.app import create_app
    from shopkeeper.logs import configure_logging
    from shopkeeper.migrate import upgrade

    settings = get_settings()
    configure_logging(settings)
    upgrade(settings.database_url)
    uvicorn.run(create_app(settings, background=True), host=host, port=port, log_config=None)


def api(
    host: str = HostOpt,
    port: int = PortOpt,
    workers: int = typer.Option(1, "--workers", min=1, help="Processes to fork."),
) -> None:
    """Scaled shape: a stateless API process (run several; run `shopkeeper worker` beside)."""
    from shopkeeper.logs import configure_logging

    settings = get_settings()
    configure_logging(settings)
    uvicorn.run(
        "shopkeeper.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
    )


def worker() -> None:
    """Scaled shape: event relay, consumers, retries and scheduled jobs (run one or more)."""
    from shopkeeper.logs import configure_logging
    from shopkeeper.worker import run_worker

    settings = get_settings()
    configure_logging(settings)
    asyncio.run(run_worker(settings))
