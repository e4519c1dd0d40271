"""An anonymous cart joins the customer's at sign-in (or when identity merges customers).

Equal lines (type, variant, parent) add up, capped at 99; services and warranties follow
their parent line; lines beyond the customer's cart's 100 are left out. When the customer
has no open cart the anonymous one simply becomes theirs, keeping its id (a checkout begun
on it goes on) while its token stops working. The source cart ends `merged`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus
from shopkeeper.checkout.cart.carts import cart_of_token, item_facts, touch
from shopkeeper.checkout.cart.events import CartItemAdded, CartItemQuantityChanged
from shopkeeper.checkout.cart.models import Cart
from shopkeeper.checkout.cart.repository import CartRepository, line_key
from shopkeeper.checkout.cart.schemas import MAX_LINES, MAX_QUANTITY, CartsMerged, CartState


async def merge_carts(
    session: AsyncSession, *, shop_id: uuid.UUID, token: str, customer_id: uuid.UUID,
    now: datetime,
) -> CartsMerged:  # fmt: skip
    """The token's open cart into the customer's (CartNotFound: the token names none)."""
    source = await cart_of_token(session, shop_id=shop_id, token=token, lock=True)
    return await merge_into_customer(session, source=source, customer_id=customer_id, now=now)


async def merge_customer_carts(
    session: AsyncSession, *, shop_id: uuid.UUID, from_customer_id: uuid.UUID,
    into_customer_id: uuid.UUID, now: datetime,
) -> CartsMerged | None:  # fmt: skip
    """Two customer records became one: the open cart of the first joins the second's."""
    repo = CartRepository(session)
    source = await repo.active_of_customer(shop_id, from_customer_id, lock=True)
    if source is None or from_customer_id == into_customer_id:
        return None
    return await merge_into_customer(session, source=source, customer_id=into_customer_id,
                                     now=now)  # fmt: skip


async def merge_into_customer(
    session: AsyncSession, *, source: Cart, customer_id: uuid.UUID, now: datetime
) -> CartsMerged:
    repo = CartRepository(session)
    target = await repo.active_of_customer(source.shop_id, customer_id, lock=True)
    if target is None:
        target = await _adopt(session, source, customer_id, now)
        if target is source:
            moved = await repo.line_count(source.id)
            return CartsMerged(
                cart_id=source.id, version=source.version, merged_from=source.id, moved=moved,
                combined=0, dropped=0,
            )  # fmt: skip
    tally = await _move_lines(session, source, target, now)
    source.state = CartState.MERGED.value
    touch(source, now)
    await repo.delete_all_items(source.id)  # what is left was added to equal lines
    await session.flush()
    for event in tally.events:
        bus.publish(session, event, now=now)
    return CartsMerged(
        cart_id=target.id, version=target.version, merged_from=source.id, moved=tally.moved,
        combined=tally.combined, dropped=tally.dropped,
    )  # fmt: skip


async def _adopt(
    session: AsyncSession, source: Cart, customer_id: uuid.UUID, now: datetime
) -> Cart:
    """The customer has no open cart: the anonymous one becomes theirs (its token retired).
    Should a concurrent request have just made theirs, that one is returned to merge into."""
    try:
        async with session.begin_nested():
            source.customer_id = customer_id
            source.token_hash = None
            touch(source, now)
    except IntegrityError:
        found = await CartRepository(session).active_of_customer(
            source.shop_id, customer_id, lock=True
        )
        assert found is not None
        return found
    return source


@dataclass
class _Tally:
    moved: int = 0
    combined: int = 0
    dropped: int = 0
    events: list[CartItemAdded | CartItemQuantityChanged] = field(default_factory=list)


async def _move_lines(session: AsyncSession, source: Cart, target: Cart, now: datetime) -> _Tally:
    repo = CartRepository(session)
    theirs = {i.line_key: i for i in await repo.items(target.id)}
    ours = list(await repo.items(source.id))
    ours.sort(key=lambda i: i.parent_item_id is not None)  # parents first
    became: dict[uuid.UUID, uuid.UUID] = {}  # our line id → the target's equal line id
    tally = _Tally()
    touch(target, now)
    for item in ours:
        parent = None if item.parent_item_id is None else became.get(item.parent_item_id)
        if item.parent_item_id is not None and parent is None:
            tally.dropped += 1  # its parent was left out
            continue
        key = line_key(item.type, item.variant_id, parent)
        equal = theirs.get(key)
        if equal is not None:
            became[item.id] = equal.id
            quantity = min(MAX_QUANTITY, equal.quantity + item.quantity)
            tally.combined += 1
            if quantity != equal.quantity:
                old, equal.quantity, equal.updated_at = equal.quantity, quantity, now
                tally.events.append(CartItemQuantityChanged(
                    **item_facts(target, equal), old_quantity=old, quantity=quantity))  # fmt: skip
        elif len(theirs) >= MAX_LINES:
            tally.dropped += 1
        else:
            item.cart_id, item.parent_item_id, item.line_key = target.id, parent, key
            item.updated_at = now
            theirs[key] = item
            became[item.id] = item.id
            tally.moved += 1
            tally.events.append(CartItemAdded(**item_facts(target, item), quantity=item.quantity))
    await session.flush()
    return tally
