"""`shopkeeper events ...`: look at the bus, revive dead deliveries, drain the outbox."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from shopkeeper.settings import get_settings

if TYPE_CHECKING:
    from shopkeeper.bootstrap import Container

T = TypeVar("T")
events_app = typer.Typer(
    name="events", help="The event bus: dead deliveries, retries, statistics.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(events_app)


def _run(action: Callable[[Container], Awaitable[T]]) -> T:
    """Run `action(container)` with a container built from the environment, then close it."""
    from shopkeeper.bootstrap import build_container

    async def main() -> T:
        container = build_container(get_settings())
        try:
            return await action(container)
        finally:
            await container.close()

    return asyncio.run(main())


@events_app.command("dead")
def dead(
    limit: int = typer.Option(100, "--limit", min=1, max=10_000, help="Show at most this many."),
) -> None:
    """List dead deliveries: event id, event name, handler, attempts, last error."""
    from shopkeeper.bus import DeadDelivery, list_dead

    async def action(container: Container) -> list[DeadDelivery]:
        async with container.sessions() as session:
            return await list_dead(session, limit=limit)

    rows = _run(action)
    if not rows:
        typer.echo("no dead deliveries")
        return
    table = Table("event id", "name", "handler", "attempts", "last error", "failed at")
    for row in rows:
        table.add_row(
            str(row.event_id),
            row.name,
            row.handler,
            str(row.attempts),
            row.last_error.splitlines()[0][:120] if row.last_error else "",
            row.failed_at.isoformat(timespec="seconds"),
        )
    Console(width=200).print(table)


@events_app.command("retry")
def retry(
    event_id: str = typer.Argument(..., metavar="ID", help="Event id of the dead delivery."),
    handler: str | None = typer.Option(None, "--handler", help="Only this handler (module:name)."),
) -> None:
    """Put a dead delivery back to retry: its handler runs again with fresh attempts."""
    from shopkeeper.bus import retry_dead
    from shopkeeper.db import unit_of_work
    from shopkeeper.errors import AppError

    try:
        parsed = uuid.UUID(event_id)
    except ValueError:
        typer.echo(f"error: {event_id!r} is not an event id (a UUID)", err=True)
        raise typer.Exit(1) from None

    async def action(container: Container) -> int:
        async with unit_of_work(container.sessions) as session:
            return await retry_dead(
                session, event_id=parsed, handler=handler, now=container.clock.now()
            )

    try:
        count = _run(action)
    except AppError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{count} deliver{'y' if count == 1 else 'ies'} of {parsed} queued for retry")


@events_app.command("stats")
def stats() -> None:
    """Outbox backlog and lag, retrying and dead deliveries."""
    from shopkeeper.bus import BusStats, bus_stats

    async def action(container: Container) -> BusStats:
        async with container.sessions() as session:
            return await bus_stats(session, container.clock.now())

    result = _run(action)
    typer.echo(f"unpublished: {result.unpublished}")
    typer.echo(f"outbox lag:  {result.outbox_lag_seconds:.1f} s")
    typer.echo(f"retrying:    {result.retrying}")
    typer.echo(f"dead:        {result.dead}")


@events_app.command("drain")
def drain() -> None:
    """Deliver everything due now in this process (outbox and due retries), then exit."""
    from shopkeeper.bus import drain as drain_bus

    count = _run(drain_bus)
    typer.echo(f"{count} events and retries handled")
