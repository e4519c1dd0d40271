"""What the checkout's payment does on events: a payment's end updates its attempt (and a
failure cancels the order and opens the cart again); a new shipping method that does not
collect cash clears a cash-on-delivery choice; a payment method chosen computes the kept
totals view again."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import payments
from shopkeeper.bus.registry import HandlerTable
from shopkeeper.checkout.payment import outcomes
from shopkeeper.checkout.payment.events import PaymentMethodSelected
from shopkeeper.checkout.payment.selection import forget_cod_unless_collected
from shopkeeper.checkout.session import ShippingMethodSelected, update_totals
from shopkeeper.container import Container
from shopkeeper.kit.clock import Clock


async def on_payment_succeeded(
    event: payments.PaymentSucceeded, session: AsyncSession, clock: Clock
) -> None:
    await outcomes.record_success(session, event, clock.now())


async def on_payment_failed(
    event: payments.PaymentFailed, session: AsyncSession, clock: Clock
) -> None:
    await outcomes.record_failure(session, event, clock.now())


async def on_refund_succeeded(
    event: payments.RefundSucceeded, session: AsyncSession, clock: Clock
) -> None:
    await outcomes.record_refund(session, event, clock.now())


async def on_shipping_method_selected(
    event: ShippingMethodSelected, session: AsyncSession, clock: Clock
) -> None:
    await forget_cod_unless_collected(
        session, shop_id=event.shop_id, cart_id=event.cart_id, now=clock.now()
    )


async def on_payment_method_selected(
    event: PaymentMethodSelected, session: AsyncSession, clock: Clock, container: Container
) -> None:
    """The checkout's totals view follows the choice ("update totals")."""
    await update_totals(session, event.shop_id, event.cart_id, event.customer_id, container,
                        clock)  # fmt: skip


HANDLERS: HandlerTable = {
    payments.PaymentSucceeded: [on_payment_succeeded],
    payments.PaymentFailed: [on_payment_failed],
    payments.RefundSucceeded: [on_refund_succeeded],
    ShippingMethodSelected: [on_shipping_method_selected],
    PaymentMethodSelected: [on_payment_method_selected],
}
