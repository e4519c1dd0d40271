"""Long polling: without a public URL bots are polled by the worker's loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram import polling, telegram_runtime
from shopkeeper.bots.telegram.polling import Poller, polling_loop
from shopkeeper.worker import background_loops
from tests.bots.telegram.conftest import Connected, ShopOwner, connect
from tests.fakes.telegram import FakeTelegram, command_update, tg_user


@pytest.fixture
def public_url() -> None:
    return None


@contextlib.asynccontextmanager
async def running(container: Container) -> AsyncIterator[None]:
    task = asyncio.create_task(polling_loop(container))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_without_a_public_url_the_bot_polls_and_answers(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    assert bot.read["mode"] == "polling"
    assert telegram.calls_to("deleteWebhook") and not telegram.calls_to("setWebhook")
    user = tg_user()

    update = command_update(user, "start")

    async with running(container):
        telegram.push_update(bot.fake, update)
        await telegram.wait_for("sendMessage")
        for _ in range(200):  # the next getUpdates confirms the update
            if bot.fake.updates == []:
                break
            await asyncio.sleep(0.01)

    assert telegram.sent(user["id"])[0]["text"].startswith("Hello, Anna!")
    offsets = [c.params.get("offset") for c in telegram.calls_to("getUpdates")]
    assert offsets[0] is None and update["update_id"] + 1 in offsets
    assert polling_loop in background_loops()


async def test_a_bot_connected_while_polling_is_picked_up_and_removed_one_dropped(
    client: AsyncClient, container: Container, shop_owner: ShopOwner, telegram: FakeTelegram
) -> None:
    user = tg_user()
    async with running(container):
        await asyncio.sleep(0.05)
        bot = await connect(client, shop_owner, telegram.add_bot("late_bot"))
        telegram.push_update(bot.fake, command_update(user, "help"))
        await telegram.wait_for("sendMessage")
        await client.delete(shop_owner.url(f"/{bot.id}"), headers=shop_owner.owner.headers)
        await asyncio.sleep(0.5)
        calls = len(telegram.calls_to("getUpdates"))
        await asyncio.sleep(0.5)
        assert len(telegram.calls_to("getUpdates")) <= calls + 1  # the poller stopped


async def test_polling_survives_bot_api_errors(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(polling, "BACKOFF_FIRST", 0.05)
    telegram.fail("getUpdates", times=2, code=502, description="Bad Gateway")
    user = tg_user()
    telegram.push_update(bot.fake, command_update(user, "start"))

    async with running(container):
        await telegram.wait_for("sendMessage")

    statuses = [c.status for c in telegram.calls_to("getUpdates")]
    assert statuses[:3] == [502, 502, 200]


async def test_one_poller_per_bot_however_many_workers(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    runtime = telegram_runtime(container)
    first, second = Poller(runtime), Poller(runtime)
    try:
        await first.sync()
        await second.sync()
        assert set(first.tasks) == {bot.id} and second.tasks == {}
        await first.stop()  # the first worker leaves: its bots are free at once
        await second.sync()
        assert set(second.tasks) == {bot.id}
    finally:
        await first.stop()
        await second.stop()
