"""Events published by the identity context."""

from __future__ import annotations

import uuid

from shopkeeper.bus import Event


class CustomersMerged(Event):
    """Two customer records turned out to be one person: re-point rows to `into_customer_id`."""

    name = "identity.customers_merged.v1"
    key_field = "into_customer_id"

    shop_id: uuid.UUID
    from_customer_id: uuid.UUID
    into_customer_id: uuid.UUID
