"""The `shopkeeper` command (Typer): servers, worker, migrations, demo data, admin tools."""

from __future__ import annotations

import sys

import typer

from shopkeeper.cli import admin, broadcasts, demo, events, jobs, server
from shopkeeper.settings import SettingsError

app = typer.Typer(
    name="shopkeeper",
    help="Shopkeeper: sell through Telegram, Discord, a storefront and a Mini App.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
server.register(app)
admin.register(app)
demo.register(app)
jobs.register(app)
events.register(app)
broadcasts.register(app)


def main() -> None:
    """Entry point: a configuration error ends with its message and exit code 2, no traceback."""
    try:
        app()
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(2) from None
