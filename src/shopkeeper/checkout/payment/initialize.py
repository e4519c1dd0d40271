"""POST /payment/initialize: pay (again) the order the caller's finalised cart became —
after a gateway refused, or to switch to another method."""

from __future__ import annotations

import uuid

from shopkeeper.checkout.cart import CartOwner, find_cart, owned_cart
from shopkeeper.checkout.payment import links
from shopkeeper.checkout.payment.errors import CheckoutOrderMissing
from shopkeeper.checkout.payment.schemas import CheckoutPaymentRead, PaymentInitialize
from shopkeeper.checkout.payment.start import start_checkout_payment
from shopkeeper.checkout.session import CheckoutCartNotFound
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.shops import ShopRead


async def initialize_payment(
    container: Container, *, shop: ShopRead, owner: CartOwner, data: PaymentInitialize,
    ip: str | None,
) -> CheckoutPaymentRead:  # fmt: skip
    """404 when the cart is not the caller's; 409 when it has no order yet or the order is
    paid or cancelled; 422 when the method is not available."""
    async with unit_of_work(container.sessions) as session:
        cart_id: uuid.UUID | None = None
        if data.cart_id is not None:
            cart = await owned_cart(session, shop_id=shop.id, cart_id=data.cart_id, owner=owner)
            cart_id = cart.id if cart is not None else None
        elif (cart := await find_cart(session, shop_id=shop.id, owner=owner)) is not None:
            cart_id = cart.id
        if cart_id is None:
            raise CheckoutCartNotFound()
        link = await links.order_of_cart(session, shop_id=shop.id, cart_id=cart_id)
        if link is None:
            raise CheckoutOrderMissing()
    return await start_checkout_payment(
        container, shop=shop, cart_id=cart_id, order_id=link.order_id,
        method=data.method or link.payment_method, return_url=data.return_url, ip=ip,
    )  # fmt: skip
