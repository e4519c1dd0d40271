"""POST /orders with an Idempotency-Key: the same key and body give the same order, once.

The key row is inserted before the order is placed, under a SAVEPOINT: the unique
(shop_id, key) constraint decides which of concurrent requests places the order. A loser
waits for the winner's commit (PostgreSQL) or runs after it (SQLite's BEGIN IMMEDIATE),
then re-reads the key and compares body hashes; its own transaction stays usable.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.audit import Actor
from shopkeeper.errors import Conflict
from shopkeeper.kit.ids import new_id
from shopkeeper.orders.errors import IdempotencyKeyReused, InvalidIdempotencyKey
from shopkeeper.orders.models import IdempotencyKey
from shopkeeper.orders.repository import IdempotencyRepository
from shopkeeper.orders.schemas import OrderCreate, OrderRead
from shopkeeper.orders.service.placement import DEFAULT_TTL, place_order
from shopkeeper.orders.service.reads import get_order

MAX_KEY_LENGTH = 255


def request_hash(data: OrderCreate) -> str:
    """sha256 of the canonical JSON of the parsed body (key order and spacing do not matter)."""
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def valid_key(key: str) -> str:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(33 <= ord(c) <= 126 for c in key):
        raise InvalidIdempotencyKey()
    return key


async def place_order_once(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    key: str,
    data: OrderCreate,
    now: datetime,
    ttl: timedelta = DEFAULT_TTL,
    actor: Actor | None = None,
) -> tuple[OrderRead, bool]:
    """(order, True) when this call placed it; (the earlier order, False) on a repeat.

    `data.currency` must be resolved (the shop's default filled in) so the hash is stable.
    """
    key, digest = valid_key(key), request_hash(data)
    repo = IdempotencyRepository(session)
    if (seen := await repo.get(shop_id, key)) is not None:
        return await _replay(session, seen, digest), False
    row = IdempotencyKey(id=new_id(), shop_id=shop_id, key=key, request_hash=digest, created_at=now)
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        seen = await repo.get(shop_id, key)
        if seen is None:  # the winner rolled back between our insert and this read
            raise Conflict("A request with this Idempotency-Key is in progress; retry") from None
        return await _replay(session, seen, digest), False
    assert data.currency is not None
    order = await place_order(
        session, shop_id=shop_id, customer_id=data.customer_id, currency=data.currency,
        items=data.items, promo_code=data.promo_code, shipping_amount=data.shipping_amount,
        source=data.source, now=now, ttl=ttl, actor=actor,
    )  # fmt: skip
    row.order_id = order.id
    await session.flush()
    return order, True


async def _replay(session: AsyncSession, seen: IdempotencyKey, digest: str) -> OrderRead:
    if seen.request_hash != digest:
        raise IdempotencyKeyReused()
    if seen.order_id is None:  # only possible inside the placing transaction itself
        raise Conflict("A request with this Idempotency-Key is in progress; retry")
    return await get_order(session, shop_id=seen.shop_id, order_id=seen.order_id)
