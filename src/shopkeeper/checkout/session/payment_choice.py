"""The payment method code of a checkout, as the payment sub-context decides it: stored here
with the shopper's other choices (the payment sub-context checks the method and publishes
its own event)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.cart import CartOwner, CartViewStore
from shopkeeper.checkout.session.access import bump, for_change
from shopkeeper.checkout.session.reads import session_read
from shopkeeper.checkout.session.repository import SessionRepository
from shopkeeper.checkout.session.schemas import SessionRead


async def set_payment_method(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    owner: CartOwner,
    code: str,
    store: CartViewStore,
    now: datetime,
) -> SessionRead:
    """Store `code` on the owner's open cart's session (its cart row locked, as every session
    change); the caller checks the code against the stored choices and raises to undo."""
    checkout = await for_change(session, shop_id=shop_id, owner=owner, store=store, now=now)
    state = checkout.state
    assert state is not None
    state.payment_method_code = code
    bump(state, now)
    await session.flush()
    return session_read(state)


async def clear_payment_method(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID, notice: str, now: datetime
) -> bool:
    """Forget the chosen payment method, with a notice for the shopper (True: cleared)."""
    state = await SessionRepository(session).get(shop_id, cart_id)
    if state is None or state.payment_method_code is None:
        return False
    state.payment_method_code, state.notice = None, notice[:500]
    bump(state, now)
    await session.flush()
    return True
