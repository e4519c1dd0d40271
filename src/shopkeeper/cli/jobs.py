"""`shopkeeper jobs`: list scheduled jobs with their state, run one now."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import typer
from rich.console import Console
from rich.table import Table

from shopkeeper.settings import get_settings

T = TypeVar("T")

jobs_app = typer.Typer(
    name="jobs", help="Scheduled jobs: list them, run one now.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(jobs_app, name="jobs")


@jobs_app.command("list")
def list_command() -> None:
    """Show each job: schedule, next run, last status and run count."""
    from shopkeeper.scheduler import list_jobs

    jobs = asyncio.run(_with_container(list_jobs))
    table = Table("job", "schedule", "next run (UTC)", "last status", "runs", "last error")
    for job in jobs:
        table.add_row(
            job.name,
            job.schedule,
            _when(job.next_run_at) if job.next_run_at else "when a worker first sees it",
            job.last_status or "never ran",
            str(job.run_count),
            (job.last_error or "")[:80],
        )
    Console().print(table if jobs else "no scheduled jobs are registered")


@jobs_app.command("run")
def run_command(
    name: str = typer.Argument(..., help="The job's name, e.g. billing.renew."),
) -> None:
    """Run one job now (claimed like a worker would, so it never runs twice at once)."""
    from shopkeeper.errors import AppError
    from shopkeeper.scheduler import run_job

    try:
        job = asyncio.run(_with_container(run_job, name))
    except AppError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    if job.last_status == "failed":
        typer.echo(f"{job.name} failed: {job.last_error}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{job.name} ran: ok (next run {_when(job.next_run_at)})")


async def _with_container(action: Callable[..., Awaitable[T]], *args: object) -> T:
    """Build the container, call `action(container, *args)`, always close it."""
    from shopkeeper.bootstrap import build_container
    from shopkeeper.logs import configure_logging

    settings = get_settings()
    configure_logging(settings)
    container = build_container(settings)
    try:
        return await action(container, *args)
    finally:
        await container.close()


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "-"
