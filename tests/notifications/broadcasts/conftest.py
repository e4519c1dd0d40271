"""Fixtures of the broadcast tests: the real aiogram client against the fake Bot API (which
here also notes when each send arrived), a shop with its owner and a connected bot, and
builders for the bot's people."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from httpx import AsyncClient

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.db import unit_of_work
from shopkeeper.notifications.broadcasts import BroadcastEngine
from shopkeeper.notifications.broadcasts.limiter import SlotGate
from shopkeeper.settings import Settings
from tests.bots.telegram.conftest import Connected, ShopOwner, bot, shop_owner
from tests.builders.fixtures import container
from tests.fakes.server import serve
from tests.fakes.telegram import FakeTelegram

__all__ = ["bot", "container", "shop_owner"]
RATE = 20.0  # the test cap: messages a second per bot


class TimedTelegram(FakeTelegram):
    """The fake Bot API, noting (arrival time, chat, status) of every broadcast send."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: list[tuple[float, Any, str]] = []

    async def _dispatch(self, token: str, method: str, params: dict[str, Any]) -> Any:
        arrived = time.monotonic()
        try:
            result = await super()._dispatch(token, method, params)
        except Exception as exc:
            if method.lower() in ("sendmessage", "sendphoto"):
                self.arrivals.append((arrived, params.get("chat_id"), type(exc).__name__))
            raise
        if method.lower() in ("sendmessage", "sendphoto"):
            self.arrivals.append((arrived, params.get("chat_id"), "ok"))
        return result

    def delivered(self) -> list[int]:
        """Chats each successful broadcast message went to (repeats included)."""
        return [chat for _, chat, status in self.arrivals if status == "ok"]

    def busiest_second(self) -> int:
        """The most sends that arrived within any one second."""
        times = sorted(t for t, _, _ in self.arrivals)
        best, left = 0, 0
        for right, at in enumerate(times):
            while at - times[left] >= 1.0:
                left += 1
            best = max(best, right - left + 1)
        return best


@pytest.fixture
async def telegram() -> AsyncIterator[TimedTelegram]:
    fake = TimedTelegram()
    async with serve(fake.app()) as url:
        fake.url = url  # type: ignore[attr-defined]
        yield fake


@pytest.fixture
def settings(database_url: str, telegram: TimedTelegram) -> Settings:
    from tests.conftest import make_settings

    return make_settings(
        database_url, login_delay_seconds=0.001, public_url="https://shop.example",
        telegram_api_url=telegram.url,  # type: ignore[attr-defined]
        broadcast_rate_per_second=RATE, broadcast_paid_rate_per_second=200,
        broadcast_lease_seconds=30,
    )  # fmt: skip


@dataclass(frozen=True)
class Person:
    customer_id: uuid.UUID
    chat_id: int


_next_chat = iter(range(500_000_001, 600_000_000))


async def people(container: Container, bot: Connected, n: int, **fields: Any) -> list[Person]:
    """`n` customers who started the bot (a telegram_user each), as a /start would leave them."""
    now = container.clock.now()
    found = []
    async with unit_of_work(container.sessions) as session:
        for _ in range(n):
            chat = next(_next_chat)
            customer = await identity.find_or_create_customer(
                session, shop_id=bot.so.shop.id, kind="telegram", value=str(chat), now=now
            )
            session.add(
                TelegramUser(
                    shop_id=bot.so.shop.id, bot_id=bot.id, telegram_user_id=chat,
                    customer_id=customer.id, first_name=f"P{chat}",
                    **{"started_at": now, "created_at": now, "last_seen_at": now, **fields},
                )
            )  # fmt: skip
            found.append(Person(customer.id, chat))
    return found


def url(so: ShopOwner, path: str = "") -> str:
    return f"/api/v1/shops/{so.shop.slug}/broadcasts{path}"


async def create(
    client: AsyncClient, bot: Connected, *, audience: dict[str, Any] | None = None, **body: Any
) -> dict[str, Any]:
    payload = {"text": "<b>Sale</b> today", "audience": audience or {"kind": "all"}, **body}
    response = await client.post(url(bot.so), json=payload, headers=bot.so.owner.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def send_now(
    client: AsyncClient, bot: Connected, broadcast: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(
        url(bot.so, f"/{broadcast['id']}/send"), headers=bot.so.owner.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def read(client: AsyncClient, bot: Connected, broadcast: dict[str, Any]) -> dict[str, Any]:
    response = await client.get(url(bot.so, f"/{broadcast['id']}"), headers=bot.so.owner.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def engine(container: Container, worker: str, gate: SlotGate | None = None) -> BroadcastEngine:
    return BroadcastEngine(container, worker=worker, gate=gate)
