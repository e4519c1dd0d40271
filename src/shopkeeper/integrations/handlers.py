"""What integrations does when a public event arrives: queue one delivery per endpoint."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus import Event
from shopkeeper.integrations import delivery
from shopkeeper.integrations.catalogue import PUBLIC_EVENTS
from shopkeeper.kit.clock import Clock


async def on_public_event(
    event: Event, session: AsyncSession, clock: Clock, event_id: uuid.UUID
) -> None:
    """Queue the event for every enabled endpoint of its shop subscribed to its type.

    `event_id` is the outbox id, the same on every redelivery: the delivery table's unique
    (endpoint, event) refuses a second copy even if the handler runs twice.
    """
    shop_id: Any = getattr(event, "shop_id", None)
    if not isinstance(shop_id, uuid.UUID):
        return
    await delivery.enqueue(
        session,
        shop_id=shop_id,
        event_id=event_id,
        event_type=type(event).name,
        data=event.model_dump(mode="json"),
        now=clock.now(),
    )


HANDLERS = {event_type: [on_public_event] for event_type in PUBLIC_EVENTS.values()}
