"""Finalise, then pay: the order is committed before the gateway is called (never inside a
transaction); a repeat answers with the order and its latest payment attempt."""

from __future__ import annotations

from shopkeeper.checkout import payment
from shopkeeper.checkout.cart import CartOwner
from shopkeeper.checkout.finalize.schemas import FinalizeRequest, FinalizeResult
from shopkeeper.checkout.finalize.service import (
    Finalised,
    FinalizeContext,
    place_checkout_order,
)
from shopkeeper.container import Container
from shopkeeper.errors import AppError
from shopkeeper.shops import ShopRead


async def finalize_checkout(
    container: Container, ctx: FinalizeContext, *, shop: ShopRead, owner: CartOwner,
    data: FinalizeRequest, ip: str | None = None,
) -> FinalizeResult:  # fmt: skip
    done = await place_checkout_order(ctx, shop=shop, owner=owner, data=data)
    step: payment.CheckoutPaymentRead | None = None
    error: str | None = None
    try:
        step = await _payment_step(container, shop, done, data.return_url, ip)
    except AppError as exc:  # the order stands; the shopper retries with /payment/initialize
        error = exc.detail
    return FinalizeResult(created=done.created, order=done.order, checkout=done.checkout,
                          payment=step, payment_error=error)  # fmt: skip


async def _payment_step(
    container: Container, shop: ShopRead, done: Finalised, return_url: str | None,
    ip: str | None,
) -> payment.CheckoutPaymentRead:  # fmt: skip
    """A new order's payment starts; a repeat shows the latest attempt (or starts one if
    the first call never got so far)."""
    if not done.created:
        async with container.readers() as session:
            latest = await payment.latest_payment(session, shop_id=shop.id, order_id=done.order.id)
        if latest is not None:
            return latest
    return await payment.start_checkout_payment(
        container, shop=shop, cart_id=done.checkout.cart_id, order_id=done.order.id,
        method=done.checkout.payment_method, return_url=return_url, ip=ip,
    )  # fmt: skip
