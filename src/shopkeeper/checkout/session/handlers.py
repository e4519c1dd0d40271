"""What the checkout session does on events: a cart change that leaves the chosen shipping
method unable to carry the cart clears the method (and its date and add-ons), with a notice,
so the summary asks the shopper to choose again; a cart change and every choice made compute
the kept totals view again ("update totals") when the cart has one."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus.registry import HandlerTable
from shopkeeper.cache import cache_store
from shopkeeper.checkout.cart import (
    CartItemAdded,
    CartItemQuantityChanged,
    CartItemRemoved,
    view_store,
)
from shopkeeper.checkout.session.events import (
    DeliveryDateSelected,
    PromoCodeApplied,
    PromotionApplied,
    PromotionRemoved,
    ShippingAddressProvided,
    ShippingMethodSelected,
)
from shopkeeper.checkout.session.shipping_choice import recheck_shipping
from shopkeeper.checkout.session.totals import refresh_totals
from shopkeeper.checkout.shipping import calendar_client
from shopkeeper.container import Container
from shopkeeper.kit.clock import Clock


async def on_cart_changed(
    event: CartItemAdded | CartItemRemoved | CartItemQuantityChanged,
    session: AsyncSession,
    clock: Clock,
    container: Container,
) -> None:
    """Idempotent: a redelivery finds the method still fine, or already cleared."""
    await recheck_shipping(
        session,
        shop_id=event.shop_id,
        cart_id=event.cart_id,
        customer_id=event.customer_id,
        container=container,
        now=clock.now(),
    )
    await update_totals(session, event.shop_id, event.cart_id, event.customer_id, container,
                        clock)  # fmt: skip


async def on_choice_made(
    event: ShippingMethodSelected
    | ShippingAddressProvided
    | DeliveryDateSelected
    | PromotionApplied
    | PromotionRemoved
    | PromoCodeApplied,
    session: AsyncSession,
    clock: Clock,
    container: Container,
) -> None:
    await update_totals(session, event.shop_id, event.cart_id, event.customer_id, container,
                        clock)  # fmt: skip


async def update_totals(
    session: AsyncSession, shop_id: uuid.UUID, cart_id: uuid.UUID,
    customer_id: uuid.UUID | None, container: Container, clock: Clock,
) -> None:  # fmt: skip
    """The kept totals view of the cart, computed again if it is kept and stale."""
    await refresh_totals(
        session, shop_id=shop_id, cart_id=cart_id, customer_id=customer_id,
        views=view_store(container), calendar=calendar_client(container),
        cache=cache_store(container), now=clock.now(),
    )  # fmt: skip


HANDLERS: HandlerTable = {
    CartItemAdded: [on_cart_changed],
    CartItemRemoved: [on_cart_changed],
    CartItemQuantityChanged: [on_cart_changed],
    ShippingMethodSelected: [on_choice_made],
    ShippingAddressProvided: [on_choice_made],
    DeliveryDateSelected: [on_choice_made],
    PromotionApplied: [on_choice_made],
    PromotionRemoved: [on_choice_made],
    PromoCodeApplied: [on_choice_made],
}
