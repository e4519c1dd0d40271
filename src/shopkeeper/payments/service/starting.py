"""Opening a payment for an order: the row first, the provider call after, its answer last."""

from __future__ import annotations

import ipaddress
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, catalog, identity, orders
from shopkeeper.audit import Actor
from shopkeeper.kit.crypto import SecretBox
from shopkeeper.kit.ids import new_id
from shopkeeper.payments.errors import (
    NothingToPay,
    OrderNotAwaitingPayment,
    PaymentNotFound,
    RecurringNotPossible,
    ReturnUrlRequired,
)
from shopkeeper.payments.models import Payment
from shopkeeper.payments.providers import DEFAULT_PROVIDER, provider_class, sandbox
from shopkeeper.payments.providers.base import (
    GatewayCredentials,
    PaymentRequest,
    PaymentStart,
    RecurringTerms,
    RenewalMode,
)
from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.schemas import PaymentCreate, PaymentStarted, PaymentStatus
from shopkeeper.payments.service.accounts import credentials
from shopkeeper.settings import Settings
from shopkeeper.shops import ShopRead


def _return_url(
    settings: Settings, data: PaymentCreate, provider: str, payment_id: uuid.UUID
) -> str:
    """Where the customer lands afterwards: the caller's URL, else our built-in page."""
    if data.return_url is not None:
        return str(data.return_url)
    done = sandbox.pay_page_url(settings, payment_id) + "/done"
    if provider != DEFAULT_PROVIDER and not settings.public_url:
        raise ReturnUrlRequired(provider)
    return done


async def _recurring(
    session: AsyncSession, shop_id: uuid.UUID, order: orders.OrderRead
) -> RecurringTerms:
    """The billing period of an order of exactly one plan."""
    if len(order.lines) != 1 or order.lines[0].kind != "plan" or order.lines[0].quantity != 1:
        raise RecurringNotPossible("A recurring payment needs an order of exactly one plan")
    line = order.lines[0]
    sellable = await catalog.get_sellable(
        session, shop_id=shop_id, variant_id=line.variant_id, currency=order.currency
    )
    if sellable.plan is None:
        raise RecurringNotPossible("The plan has no billing period")
    return RecurringTerms(
        interval=str(sellable.plan.period_unit), interval_count=sellable.plan.period_count
    )


async def _terms(
    session: AsyncSession, shop_id: uuid.UUID, order: orders.OrderRead, provider: str,
    required: bool,
) -> RecurringTerms | None:  # fmt: skip
    """Recurring when asked, or when the order is one plan and the provider renews plans by
    itself (a saved method; its own subscription, which repeats the first price, so only at
    full price); otherwise one payment."""
    if required:
        return await _recurring(session, shop_id, order)
    mode = provider_class(provider).renews_plans
    one_plan = len(order.lines) == 1 and order.lines[0].kind == "plan"
    if mode is None or not one_plan or order.lines[0].quantity != 1:
        return None
    if mode is RenewalMode.SUBSCRIPTION and order.discount:
        return None
    try:
        return await _recurring(session, shop_id, order)
    except RecurringNotPossible:
        return None


async def _payer_email(
    session: AsyncSession, shop_id: uuid.UUID, customer_id: uuid.UUID | None
) -> str | None:
    """The customer's email identity, for gateways that want the payer's address."""
    if customer_id is None:
        return None
    customer = await identity.get_customer(session, shop_id=shop_id, customer_id=customer_id)
    return next((i.value for i in customer.identities if i.kind == "email"), None)


def _public_ip(ip: str | None) -> str | None:
    """The caller's address when it is a real one (not a test client or a local proxy)."""
    try:
        return ip if ip and ipaddress.ip_address(ip).is_global else None
    except ValueError:
        return None


async def open_payment(
    session: AsyncSession, *, shop: ShopRead, order_id: uuid.UUID, data: PaymentCreate,
    settings: Settings, secrets: SecretBox, actor: Actor, now: datetime,
) -> tuple[PaymentRequest, GatewayCredentials]:  # fmt: skip
    """A pending payment row for what the order still owes, and what the provider needs."""
    provider = provider_class(data.provider).name
    order = await orders.get_order(session, shop_id=shop.id, order_id=order_id)
    if order.state != orders.OrderState.PENDING:
        raise OrderNotAwaitingPayment(order.state.value)
    amount = order.total - order.amount_paid
    if amount <= 0:
        raise NothingToPay()
    account = await credentials(session, shop_id=shop.id, provider=provider, secrets=secrets,
                                now=now, create_sandbox=True)  # fmt: skip
    payment_id = new_id()
    return_url = _return_url(settings, data, provider, payment_id)
    terms = await _terms(session, shop.id, order, provider, data.recurring)
    request = PaymentRequest(
        payment_id=payment_id, order_id=order.id, order_number=order.number, shop_name=shop.name,
        amount=amount, currency=order.currency, description=f"{shop.name}: order {order.number}",
        return_url=return_url, cancel_url=str(data.cancel_url or return_url),
        customer_id=order.customer_id,
        recurring=terms, payer_email=await _payer_email(session, shop.id, order.customer_id),
        payer_ip=_public_ip(actor.ip),
    )  # fmt: skip
    PaymentsRepository(session).add(Payment(
        id=payment_id, shop_id=shop.id, order_id=order.id, provider=provider,
        status=PaymentStatus.PENDING.value, amount=amount, currency=order.currency,
        amount_captured=0, amount_refunded=0, description=request.description[:300],
        shop_name=shop.name[:200], return_url=str(data.return_url) if data.return_url else None,
        recurring=terms is not None, applied=False, created_at=now, updated_at=now,
    ))  # fmt: skip
    await audit.record(
        session, actor=actor, shop_id=shop.id, action="payments.payment_created",
        target_type="payment", target_id=payment_id,
        after={"order_id": order.id, "provider": provider, "amount": amount,
               "currency": order.currency, "recurring": terms is not None}, now=now,
    )  # fmt: skip
    await session.flush()
    return request, account


async def record_start(
    session: AsyncSession, *, shop_id: uuid.UUID, payment_id: uuid.UUID,
    start: PaymentStart | None, error: str | None, now: datetime,
) -> PaymentStarted:  # fmt: skip
    """Keep the provider's answer; a refusal leaves the payment failed with the reason."""
    payment = await PaymentsRepository(session).payment(shop_id, payment_id, lock=True)
    if payment is None:
        raise PaymentNotFound()
    payment.updated_at = now
    if start is None:
        payment.status, payment.error = PaymentStatus.FAILED.value, (error or "")[:500]
    else:
        payment.provider_payment_id = start.provider_payment_id[:128]
        payment.provider_reference = (start.provider_reference or "")[:128] or None
        payment.redirect_url, payment.invoice = start.redirect_url, start.invoice
        if payment.status == PaymentStatus.PENDING:
            payment.status = start.status.value
    return PaymentStarted(
        payment_id=payment.id, order_id=payment.order_id, provider=payment.provider,
        status=PaymentStatus(payment.status), amount=payment.amount, currency=payment.currency,
        redirect_url=payment.redirect_url, invoice=payment.invoice,
    )  # fmt: skip
