"""Work with the provider after a webhook: capture (or release) authorisations, refund money
an order could not take. Run at once after processing, and again by `payments.settle` for
whatever is still open (a provider that was down, a crash in between)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Literal

import structlog

from shopkeeper import orders
from shopkeeper.container import Container
from shopkeeper.payments.flows.units import transaction
from shopkeeper.payments.providers import build_provider
from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.schemas import CAPTURED, PaymentStatus
from shopkeeper.payments.service.accounts import credentials
from shopkeeper.payments.service.refunds import handle, open_automatic_refund
from shopkeeper.payments.service.settlement import FollowUp, record_events, retry_parked

log = structlog.get_logger(__name__)
# Leave fresh work to the request that created it; the task picks up what is older.
SETTLE_AFTER = timedelta(minutes=2)
SETTLE_BATCH = 100


async def run_follow_ups(
    container: Container, *, shop_id: uuid.UUID, follow_ups: Sequence[FollowUp]
) -> None:
    """Each follow-up on its own; a failure is logged and left to `payments.settle`."""
    for follow_up in follow_ups:
        try:
            if follow_up.action == "capture":
                await capture_or_cancel(container, shop_id=shop_id, payment_id=follow_up.payment_id)
            else:
                await refund_automatically(
                    container, shop_id=shop_id, payment_id=follow_up.payment_id
                )
        except Exception:
            log.exception("payments.follow_up_failed", action=follow_up.action,
                          payment_id=str(follow_up.payment_id))  # fmt: skip


async def capture_or_cancel(
    container: Container, *, shop_id: uuid.UUID, payment_id: uuid.UUID
) -> None:
    """An authorised payment: capture it if its order still waits for money, else release it."""
    now = container.clock.now()
    async with transaction(container) as session:
        payment = await PaymentsRepository(session).payment(shop_id, payment_id)
        if payment is None or payment.status != PaymentStatus.WAITING_FOR_CAPTURE:
            return
        order = await orders.get_order(session, shop_id=shop_id, order_id=payment.order_id)
        take = order.state == orders.OrderState.PENDING
        account = await credentials(session, shop_id=shop_id, provider=payment.provider,
                                    secrets=container.secrets, now=now)  # fmt: skip
        target = handle(payment)
    provider = build_provider(account.provider, container.settings, container.extras)
    if take:
        facts = await provider.capture(account, target, idempotency_key=f"capture-{payment_id}")
    else:
        facts = await provider.cancel(account, target, idempotency_key=f"cancel-{payment_id}")
    async with transaction(container) as session:
        outcome = await record_events(session, shop_id=shop_id, provider=account.provider,
                                      events=facts, now=container.clock.now())  # fmt: skip
    follow_ups = [f for f in outcome.follow_ups if f.action == "refund"]
    await run_follow_ups(container, shop_id=shop_id, follow_ups=follow_ups)


async def refund_automatically(
    container: Container, *, shop_id: uuid.UUID, payment_id: uuid.UUID
) -> None:
    """Send back money that arrived for an order that could not take it."""
    from shopkeeper.payments.flows.refund import complete

    now = container.clock.now()
    async with transaction(container) as session:
        plan = await open_automatic_refund(session, shop_id=shop_id, payment_id=payment_id, now=now)
        if plan is None:
            return
        account = await credentials(session, shop_id=shop_id, provider=plan.provider,
                                    secrets=container.secrets, now=now)  # fmt: skip
    await complete(container, plan, account)
    log.info("payments.refunded_automatically", payment_id=str(payment_id), amount=plan.amount)


async def settle_due(container: Container, now: datetime) -> int:
    """Retry what is still open: authorisations to capture, flagged money to refund, parked
    webhooks whose payment has been captured meanwhile."""
    captured = [s.value for s in CAPTURED]
    async with transaction(container) as session:
        rows = await PaymentsRepository(session).payments_to_settle(
            captured, before=now - SETTLE_AFTER, limit=SETTLE_BATCH
        )
        due = [(p.shop_id, FollowUp(_action(p.status), p.id)) for p in rows]
    for shop_id, follow_up in due:
        await run_follow_ups(container, shop_id=shop_id, follow_ups=[follow_up])
    async with transaction(container) as session:
        unparked = await retry_parked(
            session, before=now - SETTLE_AFTER, limit=SETTLE_BATCH, now=now
        )
    return len(due) + unparked


def _action(status: str) -> Literal["capture", "refund"]:
    return "capture" if status == PaymentStatus.WAITING_FOR_CAPTURE else "refund"
