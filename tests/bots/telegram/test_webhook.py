"""POST /telegram/{bot_id}: authenticated by the secret token, deduplicated by update_id."""

from __future__ import annotations

import asyncio
import uuid

from httpx import AsyncClient
from sqlalchemy import text

from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from tests.bots.telegram.conftest import Connected, deliver
from tests.fakes.telegram import FakeTelegram, command_update, next_update_id, tg_user


async def _count(container: Container, table: str) -> int:
    async with unit_of_work(container.sessions) as session:
        return int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar() or 0)


async def test_a_wrong_or_missing_secret_is_401_and_nothing_happens(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    update = command_update(tg_user(), "start")
    before = len(telegram.calls)

    wrong = await deliver(client, bot, update, secret="x" * 43)
    missing = await client.post(f"/telegram/{bot.id}", json=update)

    assert wrong.status_code == missing.status_code == 401
    assert len(telegram.calls) == before  # no reply was sent
    for table in ("telegram_update", "telegram_user", "identity_customer"):
        assert await _count(container, table) == 0


async def test_an_unknown_bot_is_404_and_a_malformed_body_400(
    client: AsyncClient, bot: Connected
) -> None:
    update = command_update(tg_user(), "start")

    unknown = await client.post(f"/telegram/{uuid.uuid4()}", json=update)
    not_a_uuid = await client.post("/telegram/not-a-bot", json=update)
    malformed = await deliver(client, bot, {"update_id": "x", "message": 5})
    not_json = await client.post(
        f"/telegram/{bot.id}", content=b"{", headers={
            "X-Telegram-Bot-Api-Secret-Token": bot.fake.webhook_secret or ""
        },
    )  # fmt: skip

    assert unknown.status_code == not_a_uuid.status_code == 404
    assert malformed.status_code == not_json.status_code == 400


async def test_a_disconnected_bots_webhook_is_404(client: AsyncClient, bot: Connected) -> None:
    await client.delete(bot.so.url(f"/{bot.id}"), headers=bot.so.owner.headers)

    response = await deliver(client, bot, command_update(tg_user(), "start"))

    assert response.status_code == 404


async def test_a_redelivered_update_is_processed_once(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user()
    update = command_update(user, "start", update_id=next_update_id())

    responses = [await deliver(client, bot, update) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert len(telegram.sent(user["id"])) == 1
    assert await _count(container, "telegram_update") == 1


async def test_concurrent_deliveries_of_one_update_are_processed_once(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user()
    update = command_update(user, "start", update_id=next_update_id())

    responses = await asyncio.gather(*(deliver(client, bot, update) for _ in range(5)))

    assert {r.status_code for r in responses} == {200}
    assert len(telegram.sent(user["id"])) == 1
    assert await _count(container, "telegram_user") == 1
    assert await _count(container, "identity_customer") == 1


async def test_first_updates_of_one_person_at_once_make_one_customer(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user()

    responses = await asyncio.gather(
        *(deliver(client, bot, command_update(user, "help")) for _ in range(4))
    )

    assert {r.status_code for r in responses} == {200}
    assert len(telegram.sent(user["id"])) == 4
    assert await _count(container, "telegram_user") == 1
    assert await _count(container, "identity_customer") == 1
