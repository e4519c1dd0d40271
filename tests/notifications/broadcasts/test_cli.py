"""`shopkeeper broadcasts progress`: a live bar until the broadcast ends, errors said plainly."""

from __future__ import annotations

import asyncio
import io
import uuid

from httpx import AsyncClient
from rich.console import Console
from typer.testing import CliRunner

from shopkeeper.bootstrap import Container
from shopkeeper.cli import app
from shopkeeper.cli.broadcasts import follow
from shopkeeper.settings import get_settings
from tests.bots.telegram.conftest import Connected
from tests.notifications.broadcasts.conftest import create, engine, people, send_now


async def test_the_bar_follows_a_broadcast_to_its_end(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    await people(container, bot, 15)
    broadcast = await send_now(client, bot, await create(client, bot))
    out = io.StringIO()
    console = Console(file=out, width=160, force_terminal=False)
    broadcast_id = uuid.UUID(broadcast["id"])

    delivering = asyncio.create_task(engine(container, "w1").deliver(broadcast_id))
    final = await follow(container, bot.so.shop.slug, broadcast_id, 0.1, console)
    await delivering

    assert final.status == "completed" and final.progress.sent == 15
    text = out.getvalue()
    assert "completed: sent 15 · failed 0 · unreachable 0 · left 0" in text
    assert "100%" in text


def test_an_unknown_shop_is_an_error_not_a_traceback(database_url: str) -> None:
    from tests.conftest import TEST_FERNET_KEY

    env = {
        "SHOPKEEPER_DATABASE_URL": database_url,
        "SHOPKEEPER_ENCRYPTION_KEYS": TEST_FERNET_KEY,
        "SHOPKEEPER_SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
        "SHOPKEEPER_LOG_JSON": "false",
    }
    get_settings.cache_clear()  # the command reads settings from this environment
    try:
        result = CliRunner().invoke(
            app, ["broadcasts", "progress", "no-such-shop", str(uuid.uuid4())], env=env
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "error:" in result.output and "Traceback" not in result.output
