"""Helpers of the selling-flow tests: a customer chatting with the shop's bot through the
webhook (real aiogram, fake Bot API), plans priced in EUR and Stars, reads of the outcome."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper import orders, payments
from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.catalog import PeriodUnit, PlanTerms, ProductRead
from shopkeeper.db import unit_of_work
from shopkeeper.orders import OrderRead
from tests.bots.telegram.conftest import Connected, deliver
from tests.builders.catalog import create_product
from tests.builders.payments import configure
from tests.fakes.telegram import (
    FakeTelegram,
    callback_update,
    command_update,
    message_update,
    pre_checkout_update,
)


async def create_plan(
    container: Container, bot: Connected, *, name: str = "Lumen Gold",
    prices: dict[str, int] | None = None, unit: str = "month", count: int = 1,
) -> ProductRead:  # fmt: skip
    """A published plan of the bot's shop, priced 10.00 EUR and 500 Stars unless told."""
    terms = PlanTerms(period_unit=PeriodUnit(unit), period_count=count)
    return await create_product(
        container, shop=bot.so.shop, kind="plan", name=name, plan=terms,
        prices=prices if prices is not None else {"EUR": 1000, "XTR": 500},
    )  # fmt: skip


async def enable(client: AsyncClient, bot: Connected, provider: str = "sandbox") -> None:
    await configure(client, shop=bot.so.shop, staff=bot.so.owner, provider=provider, config={})


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, callback data or URL) of every inline button under a sent message."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [(b["text"], b.get("callback_data") or b.get("url") or "") for row in rows for b in row]


@dataclass
class Chat:
    """One Telegram user talking to the bot in their private chat."""

    client: AsyncClient
    bot: Connected
    telegram: FakeTelegram
    user: dict[str, Any]

    @property
    def id(self) -> int:
        return int(self.user["id"])

    def last(self) -> dict[str, Any]:
        """The last text message the bot sent to this user."""
        return self.telegram.sent(self.id)[-1]

    async def command(self, name: str, payload: str | None = None) -> dict[str, Any]:
        await self._deliver(command_update(self.user, name, payload))
        return self.last()

    async def say(self, text: str) -> dict[str, Any]:
        await self._deliver(message_update(self.user, text))
        return self.last()

    async def press(self, label: str, *, message: dict[str, Any] | None = None) -> None:
        """Press the button whose text contains `label` under `message` (the last one)."""
        shown = buttons(message or self.last())
        found = [data for text, data in shown if label in text]
        assert found, f"no button {label!r} in {shown}"
        await self._deliver(callback_update(self.user, found[0]))

    async def pre_checkout(self, *, total_amount: int, payload: str, **extra: Any) -> str:
        """A pre_checkout_query; returns its id (the fake keeps the answer under it)."""
        update = pre_checkout_update(self.user, total_amount=total_amount, payload=payload,
                                     **extra)  # fmt: skip
        await self._deliver(update)
        return str(update["pre_checkout_query"]["id"])

    async def pay(self, *, total_amount: int, payload: str, **extra: Any) -> dict[str, Any]:
        """Telegram reports a paid Stars charge (refundStarPayment will know it)."""
        recurring = extra.pop("recurring", None)
        update = self.telegram.successful_payment(
            self.user, total_amount=total_amount, payload=payload, **extra
        )
        if recurring is not None:
            update["message"]["successful_payment"].update(
                is_recurring=True, is_first_recurring=recurring == "first",
                subscription_expiration_date=2_000_000_000,
            )  # fmt: skip
        await self._deliver(update)
        return update

    async def deliver(self, update: dict[str, Any]) -> None:
        await self._deliver(update)

    async def _deliver(self, update: dict[str, Any]) -> None:
        response = await deliver(self.client, self.bot, update)
        assert response.status_code == 200, response.text


async def customer_of(container: Container, chat: Chat) -> uuid.UUID:
    async with unit_of_work(container.sessions) as session:
        query = select(TelegramUser.customer_id).where(TelegramUser.telegram_user_id == chat.id)
        return (await session.execute(query)).scalar_one()


async def customer_orders(container: Container, chat: Chat) -> list[OrderRead]:
    """The customer's orders, oldest first."""
    customer_id = await customer_of(container, chat)
    async with unit_of_work(container.sessions) as session:
        page = await orders.list_orders(
            session, shop_id=chat.bot.so.shop.id, customer_id=customer_id, limit=100
        )
    return list(reversed(page.items))


async def order_payments(container: Container, order: OrderRead) -> list[payments.PaymentRead]:
    async with unit_of_work(container.sessions) as session:
        return await payments.list_payments(session, shop_id=order.shop_id, order_id=order.id)
