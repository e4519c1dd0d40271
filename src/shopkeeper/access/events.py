"""Events published by the access context (frozen; ids and primitives only)."""

from __future__ import annotations

import uuid

from shopkeeper.bus import Event


class AccessGranted(Event):
    """A customer may now use a target (a Telegram chat, a Discord role, a course, ...)."""

    name = "access.access_granted.v1"
    key_field = "grant_id"

    grant_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    target_id: uuid.UUID
    platform: str
    title: str
    join_url: str | None


class AccessActionRequired(Event):
    """The grant waits for the customer (for example to link a Telegram or Discord account)."""

    name = "access.action_required.v1"
    key_field = "grant_id"

    grant_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    target_id: uuid.UUID
    platform: str
    title: str
    reason: str


class AccessRevoked(Event):
    """No active purchase grants the target any more; the customer was removed from it."""

    name = "access.access_revoked.v1"
    key_field = "grant_id"

    grant_id: uuid.UUID
    shop_id: uuid.UUID
    customer_id: uuid.UUID
    target_id: uuid.UUID
    platform: str
    title: str
    reason: str
