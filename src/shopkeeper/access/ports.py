"""The port through which access reaches a platform (Telegram, Discord, courses, webhooks).

Adapters (`bots.telegram`, `bots.discord`, ...) implement `AccessStrategy`; the composition
root registers them with `register_strategy(container, strategy)`. Access never imports them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

GrantState = Literal["pending", "granted", "action_required", "revoked"]


@dataclass(frozen=True)
class AccessTarget:
    """Something a product can grant: a chat, a role, a course, a custom webhook target."""

    id: uuid.UUID
    shop_id: uuid.UUID
    platform: str  # "telegram_chat" | "discord_role" | "course" | "webhook"
    external_id: str
    title: str
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GrantRequest:
    grant_id: uuid.UUID
    customer_id: uuid.UUID
    target: AccessTarget


@dataclass(frozen=True)
class GrantOutcome:
    state: GrantState  # "granted" or "action_required" (or "pending" to be retried later)
    join_url: str | None = None
    reason: str = ""


class AccessStrategy(Protocol):
    platform: str

    async def grant(self, session: AsyncSession, request: GrantRequest) -> GrantOutcome: ...

    async def revoke(self, session: AsyncSession, request: GrantRequest) -> None: ...
