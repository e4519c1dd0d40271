"""The shopper's payment method: the choices for their open cart, choosing one (stored on
the checkout session), and forgetting cash on delivery when the shipping method changes to
one that does not collect it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus
from shopkeeper.checkout.cart import CartOwner, CartViewStore, find_cart
from shopkeeper.checkout.payment.events import PaymentMethodSelected
from shopkeeper.checkout.payment.methods import COD, check_payment_method, payment_methods
from shopkeeper.checkout.payment.schemas import PaymentMethods
from shopkeeper.checkout.session import (
    CheckoutCartNotFound,
    clear_payment_method,
    get_session,
    set_payment_method,
)
from shopkeeper.checkout.shipping import ShippingMethodNotFound, get_method_by_code


async def available_methods(
    session: AsyncSession, *, shop_id: uuid.UUID, owner: CartOwner
) -> PaymentMethods:
    """The ways the owner's open cart can be paid, and the one chosen."""
    cart = await find_cart(session, shop_id=shop_id, owner=owner)
    if cart is None:
        raise CheckoutCartNotFound()
    state = await get_session(session, shop_id=shop_id, cart_id=cart.id)
    shipping = state.shipping_method_code if state else None
    return PaymentMethods(
        cart_id=cart.id,
        currency=cart.currency,
        selected=state.payment_method_code if state else None,
        methods=await payment_methods(
            session, shop_id=shop_id, currency=cart.currency, shipping_method_code=shipping
        ),
    )


async def select_method(
    session: AsyncSession, *, shop_id: uuid.UUID, owner: CartOwner, method: str,
    store: CartViewStore, now: datetime,
) -> PaymentMethods:  # fmt: skip
    """Choose how to pay; PaymentMethodUnavailable (422) when the checkout cannot be paid so
    now — raised after the change, so the caller's transaction undoes it."""
    cart = await find_cart(session, shop_id=shop_id, owner=owner)
    if cart is None:
        raise CheckoutCartNotFound()
    state = await set_payment_method(
        session, shop_id=shop_id, owner=owner, code=method, store=store, now=now
    )
    option = await check_payment_method(
        session, shop_id=shop_id, currency=cart.currency, method=method,
        shipping_method_code=state.shipping_method_code,
    )  # fmt: skip
    bus.publish(
        session,
        PaymentMethodSelected(
            cart_id=state.cart_id, shop_id=shop_id, customer_id=cart.customer_id,
            version=state.version, method=option.code, kind=option.kind.value,
        ),
        now=now,
    )  # fmt: skip
    return await available_methods(session, shop_id=shop_id, owner=owner)


async def forget_cod_unless_collected(
    session: AsyncSession, *, shop_id: uuid.UUID, cart_id: uuid.UUID, now: datetime
) -> bool:
    """Clear a cash-on-delivery choice when the checkout's shipping method (as it is now)
    does not collect cash (True: cleared). Idempotent: a redelivery finds nothing to clear."""
    state = await get_session(session, shop_id=shop_id, cart_id=cart_id)
    if state is None or state.payment_method_code != COD:
        return False
    name = "No shipping method"
    if state.shipping_method_code is not None:
        try:
            method = await get_method_by_code(
                session, shop_id=shop_id, code=state.shipping_method_code
            )
        except ShippingMethodNotFound:
            name = state.shipping_method_code
        else:
            if method.cash_on_delivery:
                return False
            name = method.name
    notice = f"{name} does not collect cash on delivery: choose how to pay again"
    return await clear_payment_method(
        session, shop_id=shop_id, cart_id=cart_id, notice=notice, now=now
    )
