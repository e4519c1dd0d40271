"""`shopkeeper broadcasts progress <shop> <id>`: a live progress bar until the broadcast ends."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

broadcasts_app = typer.Typer(
    name="broadcasts", help="Broadcasts: follow one's delivery.", no_args_is_help=True
)
OPEN = ("scheduled", "sending", "paused")


def register(app: typer.Typer) -> None:
    app.add_typer(broadcasts_app, name="broadcasts")


@broadcasts_app.command("progress")
def progress_command(
    shop: str = typer.Argument(..., help="The shop's slug."),
    broadcast_id: uuid.UUID = typer.Argument(..., help="The broadcast's id."),
    interval: float = typer.Option(1.0, min=0.05, help="Seconds between looks."),
) -> None:
    """Sent, failed, unreachable and ETA of a broadcast, live, until it ends."""
    from shopkeeper.cli.jobs import _with_container
    from shopkeeper.errors import AppError

    try:
        final = asyncio.run(_with_container(follow, shop, broadcast_id, interval, Console()))
    except AppError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(1) from None
    if final.status == "failed":
        raise typer.Exit(1)


async def follow(
    container: Any, shop: str, broadcast_id: uuid.UUID, interval: float, console: Console
) -> Any:
    """Draw the bar until the broadcast is no longer scheduled, sending or paused."""
    from shopkeeper import shops
    from shopkeeper.db import unit_of_work
    from shopkeeper.notifications.broadcasts import get_broadcast

    async def look() -> Any:
        async with unit_of_work(container.sessions) as session:
            found = await shops.get_shop(session, slug=shop)
            return await get_broadcast(
                session, shop_id=found.id, broadcast_id=broadcast_id, now=container.clock.now()
            )

    current = await look()
    columns = (
        TextColumn("[bold]{task.fields[status]}"), BarColumn(), TaskProgressColumn(),
        TextColumn("{task.fields[figures]}"), TimeRemainingColumn(),
    )  # fmt: skip
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("broadcast", total=None, status="", figures="")
        while True:
            p = current.progress
            done = p.sent + p.failed + p.unreachable
            figures = (f"sent {p.sent} · failed {p.failed} · unreachable {p.unreachable} · "
                       f"left {p.remaining} · {p.rate:.1f}/s")  # fmt: skip
            bar.update(task, total=p.total or None, completed=done, status=current.status,
                       figures=figures)  # fmt: skip
            if current.status not in OPEN:
                break
            await asyncio.sleep(interval)
            current = await look()
    console.print(f"{current.status}: {figures}")
    return current
