"""What the checkout session does on cart events: a cart change that leaves the chosen
shipping method unable to carry the cart clears the method (and its date and add-ons), with
a notice, so the summary asks the shopper to choose again."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus.registry import HandlerTable
from shopkeeper.checkout.cart import CartItemAdded, CartItemQuantityChanged, CartItemRemoved
from shopkeeper.checkout.session.shipping_choice import recheck_shipping
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


HANDLERS: HandlerTable = {
    CartItemAdded: [on_cart_changed],
    CartItemRemoved: [on_cart_changed],
    CartItemQuantityChanged: [on_cart_changed],
}
