"""Events published by the integrations context (frozen; ids and primitives only)."""

from __future__ import annotations

import uuid

from shopkeeper.bus import Event


class EndpointDisabled(Event):
    """A webhook endpoint was switched off after sustained failure (notifications tell staff)."""

    name = "integrations.endpoint_disabled.v1"
    key_field = "endpoint_id"

    endpoint_id: uuid.UUID
    shop_id: uuid.UUID
    url: str
    reason: str
