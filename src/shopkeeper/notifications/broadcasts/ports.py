"""The port a broadcast is delivered through: a bot platform's chats and its send call.

The Telegram adapter implements it (`bots.telegram.broadcasting`) and the composition root
registers it with `register_channel(container, channel)`; notifications never import bots.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.notifications.broadcasts.errors import ChannelNotConfigured

SendOutcome = Literal["sent", "unreachable", "failed", "retry"]
_CHANNELS = "notifications.broadcast_channels"


@dataclass(frozen=True)
class Chat:
    customer_id: uuid.UUID
    chat_id: int


@dataclass(frozen=True)
class Post:
    """What every recipient of one broadcast gets."""

    bot_id: uuid.UUID
    text: str  # Telegram HTML
    image_url: str | None
    buttons: tuple[tuple[str, str], ...]  # (text, url)
    paid: bool


@dataclass(frozen=True)
class SendResult:
    outcome: SendOutcome
    message_id: int | None = None
    error: str = ""
    retry_after: float | None = None  # "retry": the platform asked to wait this long


class BroadcastChannel(Protocol):
    channel: str

    async def bots(self, session: AsyncSession, shop_id: uuid.UUID) -> list[uuid.UUID]:
        """The shop's live bots, oldest first."""
        ...

    def chats(
        self, session: AsyncSession, *, shop_id: uuid.UUID, bot_id: uuid.UUID
    ) -> AsyncIterator[list[Chat]]:
        """Chunks of the people who started the bot and have not blocked it."""
        ...

    async def send(self, post: Post, chat_id: int) -> SendResult:
        """One message; never raises for the recipient's side."""
        ...

    async def mark_unreachable(
        self, session: AsyncSession, *, bot_id: uuid.UUID, chat_id: int, now: datetime
    ) -> None: ...


def register_channel(container: Any, channel: BroadcastChannel) -> None:
    container.extras.setdefault(_CHANNELS, {})[channel.channel] = channel


def channel_for(container: Any, name: str = "telegram") -> BroadcastChannel:
    found = container.extras.get(_CHANNELS, {}).get(name)
    if found is None:
        raise ChannelNotConfigured(name)
    return found
