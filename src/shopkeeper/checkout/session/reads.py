"""The stored session as an answer."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.session.models import CheckoutSession
from shopkeeper.checkout.session.repository import SessionRepository
from shopkeeper.checkout.session.schemas import SessionRead
from shopkeeper.checkout.shipping import ShippingAddress


def session_read(state: CheckoutSession) -> SessionRead:
    return SessionRead(
        cart_id=state.cart_id,
        version=state.version,
        shipping_method_code=state.shipping_method_code,
        addons=list(state.addons),
        address=ShippingAddress.model_validate(state.address) if state.address else None,
        delivery_date=state.delivery_date,
        payment_method_code=state.payment_method_code,
        chosen_promotion_ids=[uuid.UUID(p) for p in state.chosen_promotion_ids],
        removed_promotion_ids=[uuid.UUID(p) for p in state.removed_promotion_ids],
        promo_codes=[c["code"] for c in state.promo_codes],
        notice=state.notice,
    )


async def get_session(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID
) -> SessionRead | None:
    """The cart's checkout session as stored (None: nothing chosen yet)."""
    state = await SessionRepository(session).get(shop_id, cart_id)
    return None if state is None else session_read(state)
