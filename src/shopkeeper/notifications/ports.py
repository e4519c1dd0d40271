"""The Messenger port: how a message reaches a person on one channel.

Adapters implement it (`bots.telegram` for Telegram; Discord DM, email and SMS later) and the
composition root registers them with `register_messenger(container, messenger)`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

DeliveryStatus = Literal["sent", "blocked", "failed", "logged"]  # logged: SMS with no provider
# The identity kind a channel delivers to, where it differs from the channel's name.
CHANNEL_IDENTITY = {"sms": "phone"}


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
    required: bool = False  # legally required (a receipt): no unsubscribe link


@dataclass(frozen=True)
class Delivery:
    status: DeliveryStatus
    error: str = ""


class Messenger(Protocol):
    channel: str  # the identity kind it delivers to ("telegram", "email"; "sms" → "phone")

    async def send(self, session: AsyncSession, message: OutboundMessage) -> Delivery: ...


@dataclass(frozen=True)
class SmsResult:
    status: Literal["sent", "logged", "failed"]
    error: str = ""
    reference: str = ""  # the provider's message id


class SmsProvider(Protocol):
    """Sends one text message to a phone number (E.164); never raises for the provider's answer."""

    name: str

    async def send(self, *, to: str, text: str) -> SmsResult: ...
