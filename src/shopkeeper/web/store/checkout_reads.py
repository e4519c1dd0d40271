"""What the cart and checkout pages read from the checkout contexts (direct calls, no HTTP)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.cache import cache_store
from shopkeeper.checkout import cart, shipping
from shopkeeper.checkout import session as checkout
from shopkeeper.checkout.session.schemas import PromotionsRead
from shopkeeper.container import Container
from shopkeeper.web.store.shopper import Shopper

STEPS = ("cart", "delivery", "extras", "payment", "details", "summary")


@dataclass(frozen=True)
class Reader:
    """A request's way into the contexts: the shopper, the transaction, the container, now."""

    shopper: Shopper
    session: AsyncSession
    container: Container
    now: datetime

    @property
    def shop_id(self) -> uuid.UUID:
        return self.shopper.store.shop.id

    @property
    def currency(self) -> str:
        return self.shopper.store.shop.currency

    @property
    def views(self) -> cart.CartViewStore:
        return cart.view_store(self.container)

    @property
    def calendar(self) -> shipping.CalendarClient:
        return shipping.calendar_client(self.container)

    @asynccontextmanager
    async def reading(self, *, keep: bool = False) -> AsyncIterator[Reader]:
        """End this request's change (kept, or dropped by default) and read the page to show
        in a reading session: building a view writes in a transaction of its own, which must
        not wait for this request's (SQLite has one writer at a time)."""
        if keep:
            await self.session.commit()
        else:
            await self.session.rollback()
        async with self.container.readers() as session:
            yield replace(self, session=session)

    async def has_cart(self) -> bool:
        """Whether the shopper has an open cart (a stale cookie is dropped); no view built."""
        try:
            found = await cart.find_cart(self.session, shop_id=self.shop_id,
                                         owner=self.shopper.owner)  # fmt: skip
        except cart.CartNotFound:
            self.shopper.forget_cart()
            return False
        return found is not None

    async def view(self) -> cart.CartView:
        """The shopper's cart priced now (empty when they have none; a stale cookie is
        dropped)."""
        try:
            return await cart.read_cart_view(
                self.session, shop_id=self.shop_id, owner=self.shopper.owner,
                currency=self.currency, store=self.views,
                now=self.now,
            )  # fmt: skip
        except cart.CartNotFound:
            self.shopper.forget_cart()
            return await self.view()

    async def summary(self) -> checkout.CheckoutSummary | None:
        """The checkout summary of the shopper's cart; None when they have no cart."""
        if (await self.view()).cart_id is None:
            return None
        return await checkout.checkout_summary(
            self.session, shop_id=self.shop_id, owner=self.shopper.owner,
            currency=self.currency, store=self.views,
            calendar=self.calendar, cache=cache_store(self.container), now=self.now,
        )  # fmt: skip

    async def promotions(self) -> PromotionsRead:
        return await checkout.available_promotions(
            self.session, shop_id=self.shop_id, owner=self.shopper.owner,
            currency=self.currency, store=self.views,
            now=self.now, cache=cache_store(self.container),
        )  # fmt: skip

    async def chosen(self, cart_id: uuid.UUID) -> checkout.SessionRead | None:
        return await checkout.get_session(self.session, shop_id=self.shop_id, cart_id=cart_id)
