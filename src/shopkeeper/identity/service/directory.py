"""Customers as staff look them up: a label per customer for lists of orders and the like."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.identity.customer_repository import CustomerRepository


async def customer_labels(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, str]:
    """A label per known customer: the display name, else their oldest identity (an email,
    a phone, `telegram 4242`); at most two queries whatever the number of customers."""
    wanted = sorted({cid for cid in customer_ids if cid is not None})
    if not wanted:
        return {}
    repo = CustomerRepository(session)
    labels = await repo.names(shop_id, wanted)
    nameless = [cid for cid, name in labels.items() if not name]
    if nameless:
        for cid, identity in (await repo.first_identities(shop_id, nameless)).items():
            labels[cid] = _identity_label(identity.kind, identity.value)
    return labels


def _identity_label(kind: str, value: str) -> str:
    return value if kind in ("email", "phone") else f"{kind} {value}"
