"""The update's unit of work: a refused action rolls back and is told in the user's language."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from httpx import AsyncClient
from sqlalchemy import func, select

from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram import telegram_runtime
from shopkeeper.bots.telegram.models import TelegramUpdate, TelegramUser
from shopkeeper.db import unit_of_work
from shopkeeper.errors import Conflict
from tests.bots.telegram.conftest import Connected, deliver
from tests.fakes.telegram import FakeTelegram, command_update, tg_user


async def refuse(message: Message, telegram_user: TelegramUser) -> None:
    telegram_user.language = "pl"  # a change the failure must undo
    raise Conflict("Plan Gold is sold out")


async def test_a_typed_error_rolls_back_and_is_answered(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    router = Router(name="test-refuse")
    router.message.register(refuse, Command("refuse"))
    telegram_runtime(container).dispatcher.include_router(router)
    user = tg_user(language_code="ru")
    await deliver(client, bot, command_update(user, "start"))

    response = await deliver(client, bot, command_update(user, "refuse"))

    assert response.status_code == 200
    assert telegram.sent(user["id"])[-1]["text"] == "Не получилось: Plan Gold is sold out"
    async with unit_of_work(container.sessions) as session:
        row = (await session.execute(select(TelegramUser))).scalar_one()
        updates = await session.scalar(select(func.count()).select_from(TelegramUpdate))
    assert row.language is None and updates == 1  # only the /start was recorded
