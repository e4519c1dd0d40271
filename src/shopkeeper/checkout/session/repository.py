"""All SQL of the checkout session."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.session.models import CheckoutSession


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, shop_id: uuid.UUID, cart_id: uuid.UUID) -> CheckoutSession | None:
        stmt = select(CheckoutSession).where(
            CheckoutSession.shop_id == shop_id, CheckoutSession.cart_id == cart_id
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def get_or_add(
        self, shop_id: uuid.UUID, cart_id: uuid.UUID, now: datetime
    ) -> CheckoutSession:
        """The cart's session, a new empty one if none (the caller holds the cart's lock)."""
        found = await self.get(shop_id, cart_id)
        if found is not None:
            return found
        row = CheckoutSession(
            cart_id=cart_id,
            shop_id=shop_id,
            shipping_method_code=None,
            addons=[],
            address=None,
            delivery_date=None,
            payment_method_code=None,
            chosen_promotion_ids=[],
            removed_promotion_ids=[],
            promo_codes=[],
            notice=None,
            version=0,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row
