"""Seeding for the broadcast admin tests (HTTP and browser): a bot connected to the fake Bot
API, people who started it, and the staff member's own chat with it."""

from __future__ import annotations

import itertools
import re
from typing import Any

from httpx import AsyncClient, Response

from shopkeeper import identity, shops
from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.bots import telegram
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.db import unit_of_work
from tests.fakes.telegram import FakeTelegram

_chats = itertools.count(710_000_001)


async def connect_bot(
    container: Container, fake: FakeTelegram, shop: shops.ShopRead, username: str = "north_bot"
) -> telegram.BotRead:
    token = fake.add_bot(username, "North").token
    return await telegram.connect_bot(
        container, shop_id=shop.id, token=token, actor=Actor.system("test")
    )


async def people(
    container: Container, shop: shops.ShopRead, bot: telegram.BotRead, n: int, *,
    email: str | None = None,
) -> list[int]:  # fmt: skip
    """`n` customers who started the bot (their chat ids); with `email`, that customer has it."""
    now = container.clock.now()
    chats = []
    async with unit_of_work(container.sessions) as session:
        for _ in range(n):
            chat = next(_chats)
            customer = await identity.find_or_create_customer(
                session, shop_id=shop.id, kind="telegram", value=str(chat), now=now
            )
            if email:
                await identity.link_identity(
                    session, shop_id=shop.id, customer_id=customer.id, kind="email", value=email,
                    now=now,
                )  # fmt: skip
            session.add(
                TelegramUser(
                    shop_id=shop.id, bot_id=bot.id, telegram_user_id=chat,
                    customer_id=customer.id, first_name=f"P{chat}", started_at=now,
                    created_at=now, last_seen_at=now,
                )
            )  # fmt: skip
            chats.append(chat)
    return chats


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page carries a csrf_token field"
    return match.group(1)


def form_body(**fields: Any) -> dict[str, Any]:
    """The compose form as a browser posts it (no buttons, everyone, the only bot)."""
    body: dict[str, Any] = {
        "text": "<b>Sale</b> today",
        "image_url": "",
        "bot_id": "",
        "audience_kind": "all",
        "expired_within.days": "30",
        "button_text": ["", ""],
        "button_url": ["", ""],
    }
    body.update(fields)
    return body


async def compose(client: AsyncClient, slug: str, **fields: Any) -> Response:
    """Open the compose page and post its form (with the page's CSRF token)."""
    page = await client.get(f"/admin/s/{slug}/broadcasts/new")
    assert page.status_code == 200, page.text
    return await client.post(
        f"/admin/s/{slug}/broadcasts", data=form_body(csrf_token=csrf_of(page.text), **fields)
    )
