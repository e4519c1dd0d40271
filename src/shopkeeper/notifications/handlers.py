"""What notifications says when subscriptions, access and payments change (each once):
reminders and access news to the customer, a payment confirmation by email, a refund receipt,
a failed payment to the shop's owners and admins."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog, identity, orders, payments, shops
from shopkeeper.access.events import AccessActionRequired, AccessGranted, AccessRevoked
from shopkeeper.bus.registry import HandlerTable
from shopkeeper.container import Container
from shopkeeper.kit.clock import Clock
from shopkeeper.kit.money import format_money
from shopkeeper.notifications.ports import Button
from shopkeeper.notifications.service.sending import Notice, notify, registered_messengers
from shopkeeper.notifications.service.staff import StaffAlert, alert_staff
from shopkeeper.notifications.templates import pick_language
from shopkeeper.orders.events import OrderRefunded
from shopkeeper.payments.events import PaymentFailed, PaymentSucceeded, RefundSucceeded
from shopkeeper.subscriptions.events import SubscriptionReminderDue

_JOIN = {"en": "Join", "ru": "Войти", "pl": "Dołącz"}


async def on_reminder_due(
    event: SubscriptionReminderDue,
    session: AsyncSession,
    container: Container,
    clock: Clock,
    event_id: uuid.UUID,
) -> None:
    """Before the end: "ends in N days"; at the end: "has ended"."""
    plan = await catalog.get_product(session, shop_id=event.shop_id, product_id=event.product_id)
    purpose = "subscription.expired" if event.kind == "expired" else "subscription.reminder"
    variables = {
        "plan": plan.name,
        "days_left": event.days_left,
        "period_end": event.period_end.date().isoformat(),
    }
    await _send(session, container, clock, event, purpose, variables, event_id)


async def on_access_granted(
    event: AccessGranted,
    session: AsyncSession,
    container: Container,
    clock: Clock,
    event_id: uuid.UUID,
) -> None:
    variables = {"title": event.title, "join_url": event.join_url or ""}
    buttons = (Button(label=_JOIN["en"], url=event.join_url),) if event.join_url else ()
    await _send(session, container, clock, event, "access.granted", variables, event_id, buttons)


async def on_access_revoked(
    event: AccessRevoked,
    session: AsyncSession,
    container: Container,
    clock: Clock,
    event_id: uuid.UUID,
) -> None:
    await _send(
        session, container, clock, event, "access.revoked", {"title": event.title}, event_id
    )


async def on_access_action_required(
    event: AccessActionRequired,
    session: AsyncSession,
    container: Container,
    clock: Clock,
    event_id: uuid.UUID,
) -> None:
    variables = {"title": event.title, "reason": event.reason}
    await _send(session, container, clock, event, "access.action_required", variables, event_id)


async def _send(
    session: AsyncSession,
    container: Container,
    clock: Clock,
    event: SubscriptionReminderDue | AccessGranted | AccessRevoked | AccessActionRequired,
    purpose: str,
    variables: Mapping[str, object],
    event_id: uuid.UUID,
    buttons: tuple[Button, ...] = (),
) -> None:
    notice = Notice(
        shop_id=event.shop_id,
        customer_id=event.customer_id,
        purpose=purpose,
        variables=variables,
        dedupe_key=f"{purpose}:{event_id}",
        buttons=buttons,
    )
    await notify(session, registered_messengers(container), notice, now=clock.now())


async def on_payment_succeeded(
    event: PaymentSucceeded,
    session: AsyncSession,
    container: Container,
    clock: Clock,
    event_id: uuid.UUID,
) -> None:
    """payment.completed: a confirmation to the customer, by email only (nothing for one
    without an email address: a `skipped` entry says so)."""
    if not event.applied:
        return
    order = await orders.get_order(session, shop_id=event.shop_id, order_id=event.order_id)
    if order.customer_id is None:
        return
    shop = await shops.get_shop_by_id(session, shop_id=event.shop_id)
    customer = await identity.get_customer(
        session, shop_id=event.shop_id, customer_id=order.customer_id
    )
    variables = {
        "shop": shop.name,
        "order_number": order.number,
        "amount": format_money(event.amount, event.currency, pick_language(customer.language)),
        "items": ", ".join(line.name for line in order.lines),
    }
    notice = Notice(
        shop_id=event.shop_id, customer_id=customer.id, purpose="payment_confirmation",
        variables=variables, dedupe_key=f"payment_confirmation:{event.payment_id}",
        channels=("email",), required=True,  # a receipt: sent even to those who opted out
    )  # fmt: skip
    await notify(session, registered_messengers(container), notice, now=clock.now())


async def on_order_refunded(
    event: OrderRefunded, session: AsyncSession, container: Container, clock: Clock
) -> None:
    """order.refunded: each refund of a customer's paid order, over the first channel that
    reaches them. A receipt for their money, so it is sent even to those who opted out."""
    if event.customer_id is not None:
        await _refunded(session, container, clock, event, full=event.fully_refunded)


async def on_refund_succeeded(
    event: RefundSucceeded, session: AsyncSession, container: Container, clock: Clock
) -> None:
    """Money the order could not take (it was cancelled, or paid already) went back by itself:
    the same receipt. A refund of a paid order is told by `on_order_refunded`."""
    payment = await payments.get_payment(
        session, shop_id=event.shop_id, payment_id=event.payment_id
    )
    if not payment.applied:
        await _refunded(session, container, clock, event, full=False)


async def _refunded(
    session: AsyncSession, container: Container, clock: Clock,
    event: OrderRefunded | RefundSucceeded, *, full: bool,
) -> None:  # fmt: skip
    shop_id = event.shop_id
    order = await orders.get_order(session, shop_id=shop_id, order_id=event.order_id)
    if order.customer_id is None:
        return
    shop = await shops.get_shop_by_id(session, shop_id=shop_id)
    customer = await identity.get_customer(session, shop_id=shop_id, customer_id=order.customer_id)
    language = pick_language(customer.language)
    variables = {
        "shop": shop.name, "order_number": order.number,
        "amount": format_money(event.amount, event.currency, language),
        "items": ", ".join(line.name for line in order.lines), "fully_refunded": full,
    }  # fmt: skip
    notice = Notice(
        shop_id=shop_id, customer_id=customer.id, purpose="order.refunded", variables=variables,
        dedupe_key=f"order.refunded:{event.refund_id}", required=True,
    )  # fmt: skip
    await notify(session, registered_messengers(container), notice, now=clock.now())


async def on_payment_failed(
    event: PaymentFailed,
    session: AsyncSession,
    container: Container,
    clock: Clock,
    event_id: uuid.UUID,
) -> None:
    """payment.failed: an alert to the shop's owners and admins. A canceled payment alerts
    only when a reason other than its expiry is given (an abandoned checkout is no incident)."""
    reason = event.reason or ""
    if event.status != "failed" and (not reason or "expire" in reason.lower()):
        return
    order = await orders.get_order(session, shop_id=event.shop_id, order_id=event.order_id)
    shop = await shops.get_shop_by_id(session, shop_id=event.shop_id)
    variables = {
        "shop": shop.name,
        "order_number": order.number,
        "amount": format_money(order.total, order.currency, pick_language(shop.default_language)),
        "provider": event.provider,
        "reason": reason or event.status,
    }
    alert = StaffAlert(
        shop_id=event.shop_id, purpose="staff.payment_failed", variables=variables,
        dedupe_key=f"staff.payment_failed:{event.payment_id}",
    )  # fmt: skip
    await alert_staff(session, container.settings, alert, now=clock.now())


HANDLERS: HandlerTable = {
    SubscriptionReminderDue: [on_reminder_due],
    AccessGranted: [on_access_granted],
    AccessRevoked: [on_access_revoked],
    AccessActionRequired: [on_access_action_required],
    PaymentSucceeded: [on_payment_succeeded],
    PaymentFailed: [on_payment_failed],
    OrderRefunded: [on_order_refunded],
    RefundSucceeded: [on_refund_succeeded],
}
