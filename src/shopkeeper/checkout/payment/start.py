"""Starting a checkout order's payment: the attempt first (its own transaction), the
gateway call outside any transaction, its answer last. Cash on delivery calls nobody: the
attempt waits for the courier. Pressing again with the same method resumes the attempt
still waiting; another method starts a new one (the old one is set aside as failed)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus, orders, payments
from shopkeeper.audit import Actor, ActorType
from shopkeeper.checkout.payment.errors import CheckoutOrderNotPayable, PaymentAlreadyStarting
from shopkeeper.checkout.payment.events import PaymentFailed, PaymentInitialized, PaymentPending
from shopkeeper.checkout.payment.methods import COD, check_payment_method
from shopkeeper.checkout.payment.models import CheckoutPaymentAttempt as Attempt
from shopkeeper.checkout.payment.reads import attempt_read
from shopkeeper.checkout.payment.repository import AttemptRepository
from shopkeeper.checkout.payment.schemas import AttemptStatus, CheckoutPaymentRead
from shopkeeper.checkout.session import get_session
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.errors import AppError
from shopkeeper.shops import ShopRead

OPEN = (payments.PaymentStatus.PENDING, payments.PaymentStatus.WAITING_FOR_CAPTURE)


async def start_checkout_payment(
    container: Container, *, shop: ShopRead, cart_id: uuid.UUID, order_id: uuid.UUID,
    method: str, return_url: str | None, ip: str | None = None,
) -> CheckoutPaymentRead:  # fmt: skip
    """Start (or resume) paying the checkout order `order_id` with `method`.

    Call with no transaction open. Raises before anything is written when the order cannot
    be paid so (paid, cancelled, the method unavailable); a gateway that refuses gives a
    failed attempt with `error` (try again); other errors of the payments core are raised
    after the attempt is recorded as failed."""
    async with unit_of_work(container.sessions) as session:
        row, resumed = await _open(session, shop, cart_id, order_id, method, container)
        if resumed or method == COD:
            return attempt_read(row)
        attempt_id = row.id
    data = payments.PaymentCreate.model_validate({"provider": method, "return_url": return_url})
    actor = Actor(type=ActorType.SYSTEM, label=f"checkout of cart {cart_id}", ip=ip)
    try:
        started = await payments.start_payment(
            container, shop=shop, order_id=order_id, data=data, actor=actor
        )
    except AppError as exc:
        failed = await _record_failure(container, shop.id, attempt_id, exc.detail)
        if isinstance(exc, payments.GatewayError):
            return failed
        raise
    return await _record_start(container, shop.id, attempt_id, started)


async def _open(
    session: AsyncSession, shop: ShopRead, cart_id: uuid.UUID, order_id: uuid.UUID,
    method: str, container: Container,
) -> tuple[Attempt, bool]:  # fmt: skip
    """The attempt to pay with: the waiting one of this method, or a new one (True: resumed)."""
    now = container.clock.now()
    order = await orders.get_order(session, shop_id=shop.id, order_id=order_id)
    if order.state != orders.OrderState.PENDING:
        what = "cancelled: finalise the cart again" if order.state == "cancelled" else "paid"
        raise CheckoutOrderNotPayable(f"Order {order.number} is {what}")
    state = await get_session(session, shop_id=shop.id, cart_id=cart_id)
    await check_payment_method(
        session, shop_id=shop.id, currency=order.currency, method=method,
        shipping_method_code=state.shipping_method_code if state else None,
    )  # fmt: skip
    repo = AttemptRepository(session)
    await repo.latest_of_order(shop.id, order_id, lock=True)  # wait for a concurrent start
    latest = await repo.latest_of_order(shop.id, order_id, fresh=True)
    if latest is not None and latest.status == AttemptStatus.PENDING:
        if latest.method == method and (method == COD or latest.redirect_url):
            return latest, True
        latest.status, latest.error = AttemptStatus.FAILED.value, f"Replaced by {method}"
        latest.updated_at = now
    row = Attempt(
        shop_id=shop.id, cart_id=cart_id, order_id=order_id,
        number=await repo.next_number(shop.id, order_id), method=method, payment_id=None,
        status=AttemptStatus.PENDING.value, redirect_url=None, error=None, created_at=now,
        updated_at=now,
    )  # fmt: skip
    try:
        async with session.begin_nested():
            repo.add(row)
    except IntegrityError:  # a concurrent request took this number: it starts the payment
        raise PaymentAlreadyStarting() from None
    if method == COD:
        _publish_started(session, row, now)
    return row, False


def _facts(row: Attempt) -> dict[str, Any]:
    return {
        "transaction_id": row.id, "cart_id": row.cart_id, "shop_id": row.shop_id,
        "order_id": row.order_id, "method": row.method,
    }  # fmt: skip


def _publish_started(session: AsyncSession, row: Attempt, now: datetime) -> None:
    bus.publish(
        session,
        PaymentInitialized(**_facts(row), payment_id=row.payment_id, redirect_url=row.redirect_url),
        now=now,
    )
    if row.status == AttemptStatus.PENDING:
        bus.publish(session, PaymentPending(**_facts(row), payment_id=row.payment_id), now=now)


async def _record_start(
    container: Container, shop_id: uuid.UUID, attempt_id: uuid.UUID,
    started: payments.PaymentStarted,
) -> CheckoutPaymentRead:  # fmt: skip
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        row = await AttemptRepository(session).get(shop_id, attempt_id, lock=True)
        assert row is not None
        row.payment_id, row.updated_at = started.payment_id, now
        row.redirect_url = started.redirect_url
        if row.status == AttemptStatus.PENDING and started.status not in OPEN:
            if started.status != payments.PaymentStatus.SUCCEEDED:  # success: its event says
                row.status = AttemptStatus.FAILED.value
        _publish_started(session, row, now)
        return attempt_read(row)


async def _record_failure(
    container: Container, shop_id: uuid.UUID, attempt_id: uuid.UUID, error: str
) -> CheckoutPaymentRead:
    """The gateway refused: the attempt failed (the order stays, to pay another way)."""
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        row = await AttemptRepository(session).get(shop_id, attempt_id, lock=True)
        assert row is not None
        if row.status == AttemptStatus.PENDING:
            row.status, row.error, row.updated_at = AttemptStatus.FAILED.value, error[:500], now
            bus.publish(
                session,
                PaymentFailed(**_facts(row), payment_id=None, reason=row.error,
                              order_cancelled=False),
                now=now,
            )  # fmt: skip
        return attempt_read(row)
