"""Helpers of the playground tests: a shop with its playground bot, testers acting in it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from httpx import AsyncClient, Response

from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram import telegram_runtime
from shopkeeper.bots.telegram.playground import (
    ChatView,
    Outcome,
    PlaygroundRead,
    Tester,
    chat_view,
    create_playground_bot,
    send_text,
    standin,
)
from shopkeeper.bots.telegram.playground.models import PlaygroundBot
from shopkeeper.bots.telegram.playground.repository import PlaygroundRepository
from shopkeeper.shops import ShopRead
from tests.builders.staff import create_shop, create_user

BASE_URL = "http://testserver"


@dataclass
class World:
    """One shop's playground and the staff members playing in it."""

    container: Container
    shop: ShopRead
    read: PlaygroundRead

    def tester(self, name: str = "Olivia Stone", language: str = "en") -> Tester:
        return Tester(staff_user_id=uuid.uuid4(), name=name, language=language)

    async def row(self) -> PlaygroundBot:
        async with self.container.readers() as session:
            row = await PlaygroundRepository(session).bot(self.read.id)
        assert row is not None
        return row

    async def token(self) -> str:
        return self.container.secrets.decrypt((await self.row()).token_encrypted)

    async def bot(self) -> Bot:
        """The bot's aiogram client, as the runtime uses it (the stand-in, in process)."""
        runtime = telegram_runtime(self.container)
        entry = await runtime.entry(self.read.bot_id)  # type: ignore[arg-type]
        assert entry is not None
        return runtime.bot(entry)

    @property
    def channel(self) -> int:
        return self.read.channel_ids[0]

    async def say(self, tester: Tester, text: str) -> Outcome:
        return await send_text(self.container, shop_id=self.shop.id, tester=tester, text=text)

    async def view(self, tester: Tester) -> ChatView:
        async with self.container.readers() as session:
            view = await chat_view(
                session,
                shop_id=self.shop.id,
                staff_user_id=tester.staff_user_id,
                staff_name=tester.name,
                language=tester.language,
                now=self.container.clock.now(),
            )
        assert view is not None
        return view

    async def flush(self) -> None:
        await standin(self.container).writer.flush()


async def make_world(container: Container, *, name: str = "Lumen Club") -> World:
    owner = await create_user(container)
    slug = name.lower().replace(" ", "-")
    shop = await create_shop(container, owner=owner, slug=slug, name=name, currency="EUR")
    read = await create_playground_bot(
        container, shop_id=shop.id, actor=Actor.system("tests"), base_url=BASE_URL
    )
    return World(container, shop, read)


async def bot_api(
    client: AsyncClient, token: str, method: str, **params: Any
) -> tuple[int, dict[str, Any]]:
    """A Bot API call over HTTP with a JSON body, as a script would make it."""
    response: Response = await client.post(f"/playground-api/bot{token}/{method}", json=params)
    return response.status_code, response.json()
