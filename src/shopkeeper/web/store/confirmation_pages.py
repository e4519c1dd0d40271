"""The confirmation page the gateway sends the shopper back to: the order's number, what was
ordered and the payment's status (polled every 2 s while it is pending). Shown to whoever
finalised the cart: its signed-in customer, or the browser that finalised it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import APIRouter, Response

from shopkeeper import orders
from shopkeeper.checkout import cart, finalize, payment
from shopkeeper.deps import SessionDep
from shopkeeper.web.store.errors import StoreRoute
from shopkeeper.web.store.shopper import Shopper, ShopperDep

router = APIRouter(prefix="/s/{shop}", route_class=StoreRoute, include_in_schema=False)
POLL_SECONDS = 2


class PlacedOrderNotFound(orders.OrderNotFound):
    """No order of this cart, or not the requester's (the same answer for both)."""


@dataclass(frozen=True)
class Placed:
    cart_id: uuid.UUID
    order: orders.OrderRead
    attempt: payment.CheckoutPaymentRead | None

    @property
    def status(self) -> str:
        """paid, failed, cod (paid on delivery), cancelled or pending (still polled)."""
        state = self.attempt.status if self.attempt else None
        if self.order.paid_at is not None or state == payment.AttemptStatus.SUCCESS:
            return "paid"
        if state == payment.AttemptStatus.FAILED:
            return "failed"
        if self.order.state == orders.OrderState.CANCELLED:
            return "cancelled"
        if self.attempt is not None and self.attempt.method == payment.COD:
            return "cod"
        return "pending"


async def placed(shopper: Shopper, session: SessionDep, cart_id: uuid.UUID) -> Placed:
    shop_id = shopper.store.shop.id
    done = await finalize.order_of_cart(session, shop_id=shop_id, cart_id=cart_id)
    if done is None or not await _may_see(shopper, session, done):
        raise PlacedOrderNotFound()
    order = await orders.get_order(session, shop_id=shop_id, order_id=done.order_id)
    attempt = await payment.latest_payment(session, shop_id=shop_id, order_id=order.id)
    if attempt is not None and attempt.status == payment.AttemptStatus.PENDING:
        try:  # asks the payment itself, before its events are delivered
            attempt = await payment.payment_status(
                session, shop_id=shop_id, owner=shopper.owner,
                transaction_id=attempt.transaction_id,
            )  # fmt: skip
        except payment.PaymentAttemptNotFound:
            pass
    return Placed(cart_id, order, attempt)


async def _may_see(shopper: Shopper, session: SessionDep,
                   done: finalize.CheckoutOrderRead) -> bool:  # fmt: skip
    visitor = shopper.store.visitor
    if visitor is not None and done.customer_id == visitor.customer.id:
        return True
    if shopper.placed_here(str(done.cart_id)):
        return True
    owned = await cart.owned_cart(session, shop_id=done.shop_id, cart_id=done.cart_id,
                                  owner=shopper.owner)  # fmt: skip
    return owned is not None


@router.get("/checkout/confirmation/{cart_id}", name="store_checkout_confirmation")
async def confirmation(cart_id: uuid.UUID, shopper: ShopperDep, session: SessionDep) -> Response:
    found = await placed(shopper, session, cart_id)
    return shopper.render("store/checkout_confirmation.html",
                          {"placed": found, "poll": POLL_SECONDS})  # fmt: skip


@router.get("/checkout/confirmation/{cart_id}/status", name="store_checkout_confirmation_status")
async def confirmation_status(cart_id: uuid.UUID, shopper: ShopperDep,
                              session: SessionDep) -> Response:  # fmt: skip
    """The confirmation's live part (HTMX polls it while the payment is pending)."""
    found = await placed(shopper, session, cart_id)
    return shopper.render("store/_checkout_payment_status.html",
                          {"placed": found, "poll": POLL_SECONDS})  # fmt: skip
