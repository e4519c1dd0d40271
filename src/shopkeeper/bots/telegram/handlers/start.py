"""/start: greet, remember a deep link's referral, promo code or plan, show the main menu."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.methods import TelegramMethod
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.channels import linking
from shopkeeper.bots.telegram.deeplinks import parse_start_payload
from shopkeeper.bots.telegram.filters import private_chat
from shopkeeper.bots.telegram.handlers import buy
from shopkeeper.bots.telegram.keyboards import main_menu
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.bots.telegram.service import users
from shopkeeper.bots.telegram.texts import Texts
from shopkeeper.container import Container
from shopkeeper.shops import ShopRead


def router() -> Router:
    router = Router(name="start")
    router.message.filter(private_chat)
    router.message.register(on_start, CommandStart())
    return router


async def on_start(
    message: Message,
    command: CommandObject,
    telegram_user: TelegramUser | None,
    texts: Texts,
    shop: ShopRead,
    now: datetime,
    session: AsyncSession,
    container: Container,
) -> TelegramMethod[Any] | None:
    if telegram_user is None:
        return None
    payload = parse_start_payload(command.args)
    first_start = telegram_user.started_at is None
    users.record_start(telegram_user, payload, now=now)
    # A first /start may be what a waiting grant needs (this bot can now reach the person),
    # and a link payload ties the account to a customer; a returning user's grants are not
    # waiting on them (the event bus and the rights check retry the others).
    if first_start or linking.parse_link(container.settings.secret_key, command.args):
        await linking.on_started(
            session, container, person=telegram_user, args=command.args, now=now
        )
    lines = [texts("start.greeting", name=telegram_user.first_name, shop=shop.name)]
    if payload.promo:
        lines.append(texts("start.promo_saved", code=payload.promo))
    if payload.plan:
        screen = await buy.deep_link_screen(
            session, shop=shop, user=telegram_user, texts=texts, now=now
        )
        if screen is not None:  # straight to the plan's card
            return message.answer("\n\n".join([*lines, screen[0]]), reply_markup=screen[1])
        lines.append(texts("start.plan_selected"))
    lines.append(texts("menu.prompt"))
    return message.answer("\n\n".join(lines), reply_markup=main_menu(texts))
