"""An outbox event as it travels: from the outbox row, over a broker, into its handlers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shopkeeper.bus.events import Event, event_type
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.kit.clock import as_utc


class UnknownEvent(LookupError):
    """No Event class is registered under this wire name (its module is not imported)."""


@dataclass(frozen=True, slots=True)
class Envelope:
    event_id: uuid.UUID
    name: str
    topic: str
    key: str
    payload: dict[str, Any]
    correlation_id: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: OutboxEvent | Any) -> Envelope:
        """From an outbox row (the ORM object or a selected Row of its columns)."""
        return cls(
            event_id=row.event_id,
            name=row.name,
            topic=row.topic,
            key=row.key,
            payload=row.payload,
            correlation_id=row.correlation_id,
            created_at=as_utc(row.created_at),
        )

    def to_wire(self) -> dict[str, Any]:
        """The message body on a broker: self-contained JSON."""
        return {
            "event_id": str(self.event_id),
            "name": self.name,
            "topic": self.topic,
            "key": self.key,
            "payload": self.payload,
            "correlation_id": self.correlation_id,
            "created_at": self.created_at.isoformat(),
        }

    @classmethod
    def from_wire(cls, body: dict[str, Any]) -> Envelope:
        return cls(
            event_id=uuid.UUID(body["event_id"]),
            name=body["name"],
            topic=body["topic"],
            key=body["key"],
            payload=body["payload"],
            correlation_id=body.get("correlation_id"),
            created_at=as_utc(datetime.fromisoformat(body["created_at"])),
        )

    def headers(self) -> dict[str, str]:
        """Broker message headers: what a person reading the queue needs to trace it."""
        headers = {"event-id": str(self.event_id), "event-name": self.name, "event-key": self.key}
        if self.correlation_id:
            headers["correlation-id"] = self.correlation_id
        return headers

    def event(self) -> Event:
        cls = event_type(self.name)
        if cls is None:
            raise UnknownEvent(f"no Event class is named {self.name!r}")
        return cls.model_validate(self.payload)
