"""Helpers of the channel tests: a registered chat, a started customer, a paid plan, reads."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper import access, bus
from shopkeeper.access import AccessLogRead, GrantRead
from shopkeeper.access.schemas import GrantFilter
from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.bus.models import Delivery
from shopkeeper.catalog import ProductRead
from shopkeeper.db import unit_of_work
from shopkeeper.notifications.models import NotificationMessage
from tests.bots.telegram.conftest import Connected, deliver
from tests.builders.subscriptions import buy, create_plan
from tests.fakes.telegram import FakeTelegram, chat_member_update, command_update

CHAT_ID = -1001234567890
TITLE = "Lumen VIP"


def channels_url(bot: Connected, path: str = "") -> str:
    return f"/api/v1/shops/{bot.so.shop.slug}/channels{path}"


async def register(
    client: AsyncClient,
    bot: Connected,
    telegram: FakeTelegram,
    *,
    chat_id: int = CHAT_ID,
    mode: str = "invite_link",
    products: Sequence[ProductRead] = (),
    kind: str = "channel",
) -> dict[str, Any]:
    """A chat the bot administers with every right it needs, registered through the API."""
    telegram.add_chat(chat_id, TITLE, kind)
    telegram.set_rights(chat_id, admin=True)
    body = {"chat_id": chat_id, "bot_id": str(bot.id), "mode": mode,
            "product_ids": [str(p.id) for p in products]}  # fmt: skip
    response = await client.post(channels_url(bot), json=body, headers=bot.so.owner.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def start(
    client: AsyncClient, bot: Connected, user: dict[str, Any], payload: str | None = None
) -> None:
    response = await deliver(client, bot, command_update(user, "start", payload))
    assert response.status_code == 200, response.text


async def customer_of(container: Container, user: dict[str, Any]) -> uuid.UUID:
    async with unit_of_work(container.sessions) as session:
        query = select(TelegramUser.customer_id).where(TelegramUser.telegram_user_id == user["id"])
        return (await session.execute(query)).scalar_one()


async def plan_with_channel(
    container: Container, client: AsyncClient, bot: Connected, telegram: FakeTelegram, **kw: Any
) -> tuple[ProductRead, dict[str, Any]]:
    plan = await create_plan(container, shop=bot.so.shop, name="VIP month")
    channel = await register(client, bot, telegram, products=[plan], **kw)
    return plan, channel


async def subscribe(
    container: Container, bot: Connected, plan: ProductRead, customer: uuid.UUID
) -> None:
    """A paid plan order by the customer; every resulting event delivered."""
    await buy(container, shop=bot.so.shop, plan=plan, customer_id=customer)
    await settle(container)


async def settle(container: Container) -> None:
    """Deliver every event; any handler that failed fails the test."""
    await bus.drain(container)
    async with unit_of_work(container.sessions) as session:
        failed = list(await session.scalars(select(Delivery)))
    assert not failed, [(d.handler, d.last_error) for d in failed]


async def joined(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram, user: dict[str, Any],
    chat_id: int = CHAT_ID, status: str = "member",
) -> None:  # fmt: skip
    """The person joins the chat: the fake knows it and the bot receives the chat_member update."""
    telegram.members[(chat_id, user["id"])] = status
    update = chat_member_update(user, telegram.chat(chat_id), old="left", new=status)
    response = await deliver(client, bot, update)
    assert response.status_code == 200, response.text


async def grants(container: Container, bot: Connected, customer: uuid.UUID) -> list[GrantRead]:
    async with unit_of_work(container.sessions) as session:
        page = await access.list_grants(
            session, shop_id=bot.so.shop.id, filters=GrantFilter(customer_id=customer)
        )
    return page.items


async def access_log(container: Container, bot: Connected) -> list[AccessLogRead]:
    """The shop's access log, oldest first."""
    async with unit_of_work(container.sessions) as session:
        page = await access.list_access_log(session, shop_id=bot.so.shop.id, limit=500)
    return list(reversed(page.items))


async def notifications_of(container: Container, bot: Connected) -> list[NotificationMessage]:
    async with unit_of_work(container.sessions) as session:
        query = select(NotificationMessage).where(NotificationMessage.shop_id == bot.so.shop.id)
        return list(await session.scalars(query.order_by(NotificationMessage.created_at)))


def buttons(params: dict[str, Any]) -> list[tuple[str, str | None]]:
    rows = (params.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b.get("url")) for row in rows for b in row]
