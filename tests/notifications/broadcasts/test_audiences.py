"""Audiences: who each kind reaches, measured live and fixed when sending starts; people who
blocked the bot or opted out of Telegram are never in one."""

from __future__ import annotations

import uuid
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper import subscriptions
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.notifications import preferences
from shopkeeper.notifications.broadcasts.models import BroadcastRecipient
from tests.bots.telegram.conftest import Connected
from tests.builders.orders import mark_paid, place_order
from tests.builders.staff import login
from tests.builders.subscriptions import create_plan, run_expire
from tests.notifications.broadcasts.conftest import Person, create, people, send_now, url


async def size(client: AsyncClient, bot: Connected, audience: dict[str, Any]) -> int:
    """GET …/audience-size with the audience as its body (a fresh login: time moves here)."""
    tokens = await login(client, email=bot.so.owner.user.email)
    response = await client.request(
        "GET", url(bot.so, "/audience-size"), json={"audience": audience}, headers=tokens.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["bot_id"] == str(bot.id)
    return int(response.json()["size"])


async def gift(container: Container, bot: Connected, plan: Any, person: Person, days: int) -> None:
    async with unit_of_work(container.sessions) as session:
        await subscriptions.gift(
            session, shop_id=bot.so.shop.id, product_id=plan.id, customer_id=person.customer_id,
            days=days, now=container.clock.now(),
        )  # fmt: skip


async def test_everyone_who_started_the_bot_but_not_who_blocked_or_opted_out(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    crowd = await people(container, bot, 4)
    await people(container, bot, 1, blocked_at=container.clock.now())
    await people(container, bot, 1, started_at=None)  # seen in a group, never opened the bot
    async with unit_of_work(container.sessions) as session:
        await preferences.opt_out(
            session, shop_id=bot.so.shop.id, customer_id=crowd[0].customer_id,
            channel="telegram", source="bot", now=container.clock.now(),
        )  # fmt: skip

    assert await size(client, bot, {"kind": "all"}) == 3
    broadcast = await send_now(client, bot, await create(client, bot))
    async with unit_of_work(container.sessions) as session:
        query = select(BroadcastRecipient.chat_id).where(
            BroadcastRecipient.broadcast_id == uuid.UUID(broadcast["id"])
        )
        snapshot = set(await session.scalars(query))
    assert snapshot == {p.chat_id for p in crowd[1:]}


async def test_live_subscribers_of_a_plan(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    crowd = await people(container, bot, 4)
    vip = await create_plan(container, shop=bot.so.shop, name="VIP")
    basic = await create_plan(container, shop=bot.so.shop, name="Basic")
    await gift(container, bot, vip, crowd[0], 30)
    await gift(container, bot, vip, crowd[1], 30)
    await gift(container, bot, basic, crowd[2], 30)

    assert await size(client, bot, {"kind": "plan_subscribers", "product_id": str(vip.id)}) == 2
    assert await size(client, bot, {"kind": "plan_subscribers", "product_id": str(basic.id)}) == 1
    nobody = {"kind": "plan_subscribers", "product_id": str(uuid.uuid4())}
    assert await size(client, bot, nobody) == 0


async def test_expired_within_n_days_and_not_renewed(
    client: AsyncClient, container: Container, bot: Connected, clock: FrozenClock
) -> None:
    long_ago, recently, renewed, never = await people(container, bot, 4)
    plan = await create_plan(container, shop=bot.so.shop, name="VIP")
    await gift(container, bot, plan, long_ago, 1)
    clock.advance(days=10)
    await run_expire(container)  # long_ago ended 9 days ago
    await gift(container, bot, plan, recently, 1)
    await gift(container, bot, plan, renewed, 1)
    clock.advance(days=2)
    await run_expire(container)  # recently and renewed ended a day ago
    await gift(container, bot, plan, renewed, 30)  # ... and renewed came back

    assert await size(client, bot, {"kind": "expired_within", "days": 3}) == 1
    assert await size(client, bot, {"kind": "expired_within", "days": 30}) == 2
    other = {"kind": "expired_within", "days": 30, "product_id": str(uuid.uuid4())}
    assert await size(client, bot, other) == 0
    assert never.customer_id  # never subscribed: in none of them


async def test_never_paid(client: AsyncClient, container: Container, bot: Connected) -> None:
    payer, unpaid, idle = await people(container, bot, 3)
    plan = await create_plan(container, shop=bot.so.shop, name="VIP")
    paid = await place_order(container, shop=bot.so.shop, items=[(plan, 1)],
                             customer_id=payer.customer_id)  # fmt: skip
    await mark_paid(container, paid)
    await place_order(container, shop=bot.so.shop, items=[(plan, 1)],
                      customer_id=unpaid.customer_id)  # fmt: skip

    assert await size(client, bot, {"kind": "never_paid"}) == 2
    assert idle.chat_id
