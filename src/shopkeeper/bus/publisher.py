"""`publish(session, event)`: an outbox row in the caller's transaction, nothing more."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus import wakeup  # noqa: F401  (installs the after-commit wake-up hook)
from shopkeeper.bus.events import Event
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.kit.context import correlation_id
from shopkeeper.kit.ids import new_id


def publish(session: AsyncSession, event: Event, *, now: datetime | None = None) -> None:
    """Add `event` to the outbox in the caller's transaction: delivered only if it commits."""
    session.add(
        OutboxEvent(
            event_id=new_id(),
            name=type(event).name,
            topic=type(event).topic(),
            key=event.key(),
            payload=event.model_dump(mode="json"),
            correlation_id=correlation_id.get(),
            created_at=now or datetime.now(UTC),
        )
    )
    session.info["published_events"] = session.info.get("published_events", 0) + 1
