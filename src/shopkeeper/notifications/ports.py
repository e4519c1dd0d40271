"""The Messenger port: how a message reaches a person on one channel.

Adapters implement it (`bots.telegram` for Telegram; Discord DM, email and SMS later) and the
composition root registers them with `register_messenger(container, messenger)`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

DeliveryStatus = Literal["sent", "blocked", "failed"]


@dataclass(frozen=True)
class Button:
    label: str
    url: str | None = None
    callback: str | None = None


@dataclass(frozen=True)
class OutboundMessage:
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    address: str  # the customer's id on the channel (a Telegram user id, an email address)
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Delivery:
    status: DeliveryStatus
    error: str = ""


class Messenger(Protocol):
    channel: str  # equals the identity kind it delivers to: "telegram", "discord", "email"

    async def send(self, session: AsyncSession, message: OutboundMessage) -> Delivery: ...
