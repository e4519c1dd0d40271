"""Plans that renew through a provider: its own repeat charges, and charges of a saved method.

A provider's own subscription (Stripe) reports each period's charge (`renewed`): it is booked
once per charge (the invoice names it) as the payment of a new renewal order of the same
plan, so the order is paid and the customer's subscription extends. When no such order can
be placed (the plan is gone) the charge goes on the first order, which refuses it, and the
money is refunded. `recurring_ended` is told to others (RecurringEnded).

A saved method (YooKassa) is charged on our initiative: `open_saved_method_charge` opens the
payment of a renewal order the caller placed. `renewal_reference` says what renews the plan
an order paid for.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, bus, orders, shops
from shopkeeper.audit import Actor
from shopkeeper.errors import AppError
from shopkeeper.kit.crypto import SecretBox
from shopkeeper.kit.ids import new_id
from shopkeeper.payments.errors import NothingToPay, OrderNotAwaitingPayment, RecurringNotPossible
from shopkeeper.payments.events import RecurringEnded
from shopkeeper.payments.models import Payment
from shopkeeper.payments.providers import PROVIDERS, provider_class
from shopkeeper.payments.providers.base import (
    EventKind,
    GatewayCredentials,
    PaymentEvent,
    PaymentRequest,
    RenewalMode,
)
from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.schemas import PaymentStatus, RenewalReference
from shopkeeper.payments.service.accounts import credentials
from shopkeeper.payments.service.charges import book_charge

if TYPE_CHECKING:
    from shopkeeper.payments.service.settlement import Result, Settlement

log = structlog.get_logger(__name__)
RENEWAL_SOURCE = "renewal"


def saved_method_providers() -> list[str]:
    """The providers whose saved payment methods we charge again ourselves."""
    return sorted(n for n, c in PROVIDERS.items() if c.renews_plans is RenewalMode.SAVED_METHOD)


def subscription_providers() -> list[str]:
    """The providers that renew plans with subscriptions of their own."""
    return sorted(n for n, c in PROVIDERS.items() if c.renews_plans is RenewalMode.SUBSCRIPTION)


async def renewal_reference(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID
) -> RenewalReference | None:
    """What renews the plan `order_id` paid for: its payment's provider subscription or saved
    method; None when it renews only by the customer paying again."""
    payment = await PaymentsRepository(session).applied_payment(shop_id, order_id)
    if payment is None:
        return None
    mode = provider_class(payment.provider).renews_plans
    if mode is RenewalMode.SUBSCRIPTION and payment.provider_subscription_id:
        reference = payment.provider_subscription_id
    elif mode is RenewalMode.SAVED_METHOD and payment.payment_method_id:
        reference = payment.payment_method_id
    else:
        return None
    return RenewalReference(provider=payment.provider, reference=reference, mode=mode.value)


async def apply(settlement: Settlement, first: Payment, event: PaymentEvent) -> Result:
    """A fact about the provider's subscription that `first` started."""
    if event.kind is EventKind.RECURRING_ENDED:
        bus.publish(settlement.session, RecurringEnded(
            payment_id=first.id, order_id=first.order_id, shop_id=settlement.shop_id,
            provider=settlement.provider,
            reference=event.subscription_ref or first.provider_subscription_id or "",
            reason=event.reason,
        ), now=settlement.now)  # fmt: skip
        return "processed"
    return await _book_renewal(settlement, first, event)


async def _book_renewal(settlement: Settlement, first: Payment, event: PaymentEvent) -> Result:
    """Book the provider's repeat charge once, as the payment of a renewal order."""
    session, repo, now = settlement.session, settlement.repo, settlement.now
    shop_id, provider = settlement.shop_id, settlement.provider
    if not event.provider_refs:
        return "ignored"
    if await repo.payment_by_refs(shop_id, provider, event.provider_refs) is not None:
        return "ignored"  # this charge is booked already (another event about it)
    order_id = await renewal_order(session, shop_id=shop_id, order_id=first.order_id, now=now)
    order = await orders.get_order(session, shop_id=shop_id, order_id=order_id or first.order_id)
    payment = await book_charge(
        session, shop_id=shop_id, provider=provider, order=order, event=event,
        action="payments.renewal_recorded", now=now, renews=first.order_id,
    )  # fmt: skip
    charged = dataclasses.replace(event, kind=EventKind.SUCCEEDED, payment_id=payment.id)
    result, _ = await settlement.apply(charged)
    return result


async def renewal_order(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID, now: datetime
) -> uuid.UUID | None:
    """A new order of the one plan `order_id` bought, for the same customer and currency
    (None when impossible: not one plan, or the catalog refuses it now)."""
    first = await orders.get_order(session, shop_id=shop_id, order_id=order_id)
    plans = [line for line in first.lines if line.kind == "plan"]
    if len(plans) != 1:
        return None
    try:
        async with session.begin_nested():
            placed = await orders.place_order(
                session, shop_id=shop_id, customer_id=first.customer_id, currency=first.currency,
                items=[orders.OrderItemIn(variant_id=plans[0].variant_id)],
                source=RENEWAL_SOURCE, now=now,
            )  # fmt: skip
    except AppError as exc:
        log.warning("payments.renewal_order_refused", order_id=str(order_id), error=exc.code)
        return None
    return placed.id


async def open_saved_method_charge(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID, provider: str,
    method_reference: str, secrets: SecretBox, now: datetime,
) -> tuple[PaymentRequest, GatewayCredentials]:  # fmt: skip
    """A pending payment of what `order_id` owes, to be charged from a saved method."""
    if provider_class(provider).renews_plans is not RenewalMode.SAVED_METHOD:
        raise RecurringNotPossible(f"{provider} does not charge saved payment methods")
    order = await orders.get_order(session, shop_id=shop_id, order_id=order_id)
    if order.state != orders.OrderState.PENDING:
        raise OrderNotAwaitingPayment(order.state.value)
    amount = order.total - order.amount_paid
    if amount <= 0:
        raise NothingToPay()
    account = await credentials(session, shop_id=shop_id, provider=provider, secrets=secrets,
                                now=now)  # fmt: skip
    shop = await shops.get_shop_by_id(session, shop_id=shop_id)
    request = PaymentRequest(
        payment_id=new_id(), order_id=order.id, order_number=order.number, shop_name=shop.name,
        amount=amount, currency=order.currency,
        description=f"{shop.name}: order {order.number}", return_url="", cancel_url="",
        customer_id=order.customer_id,
    )  # fmt: skip
    PaymentsRepository(session).add(Payment(
        id=request.payment_id, shop_id=shop_id, order_id=order.id, provider=provider,
        status=PaymentStatus.PENDING.value, amount=amount, currency=order.currency,
        amount_captured=0, amount_refunded=0, payment_method_id=method_reference[:128],
        description=request.description[:300], shop_name=shop.name[:200], recurring=True,
        applied=False, created_at=now, updated_at=now,
    ))  # fmt: skip
    await audit.record(
        session, actor=Actor.system("renewal"), shop_id=shop_id,
        action="payments.payment_created", target_type="payment", target_id=request.payment_id,
        after={"order_id": order.id, "provider": provider, "amount": amount,
               "currency": order.currency, "saved_method": True}, now=now,
    )  # fmt: skip
    await session.flush()
    return request, account
