"""Verified payment facts → payment state, refunds, the ledger and the order.

How out-of-order and repeated facts end right (the rule): a fact is applied only if it
still says something new, so applying any fact twice changes nothing.
- `succeeded` books the capture once (ledger `payment` entry unique per payment) and pays
  the order in the same transaction (orders.mark_paid). If the order cannot take the money
  (cancelled, expired, already paid, wrong amount) the money is still booked, the payment is
  flagged and refunded automatically. A capture is never undone by a later `failed` or
  `canceled` fact (those only change a payment without a capture); money facts win.
- `refunded` needs a capture. A refund fact for a payment without one yet, or for a payment
  we cannot identify yet, is parked: its webhook stays verified and normalised with status
  `parked`, and is applied right after that payment's capture is booked. Where the provider
  states the payment afresh (YooKassa re-reads it), the success is implied by that answer.
- A refund is booked once per refund (ledger `refund` entry unique per refund); a running
  total (Stripe `amount_refunded`) only books what no known refund explains yet, first
  completing our own refunds still in flight.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus, orders
from shopkeeper.errors import Conflict, NotFound, Unprocessable
from shopkeeper.kit.ids import new_id
from shopkeeper.payments.events import PaymentFailed, PaymentSucceeded, RefundSucceeded
from shopkeeper.payments.models import Payment, Refund, WebhookEvent
from shopkeeper.payments.providers.base import EventKind, PaymentEvent
from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.schemas import CAPTURED, LedgerKind, PaymentStatus, RefundSource

log = structlog.get_logger(__name__)
Result = Literal["processed", "parked", "ignored"]
# What the orders context may refuse when money arrives or leaves: kept on record, flagged.
ORDER_REFUSALS = (Conflict, Unprocessable, NotFound)
SUBSCRIPTION_FACTS = frozenset({EventKind.RENEWED, EventKind.RECURRING_ENDED})


@dataclass(frozen=True)
class FollowUp:
    """Work with the provider after the transaction: capture an authorisation, or refund."""

    action: Literal["capture", "refund"]
    payment_id: uuid.UUID


@dataclass
class Outcome:
    status: Result = "ignored"
    payment_id: uuid.UUID | None = None
    subject_ref: str | None = None
    follow_ups: list[FollowUp] = field(default_factory=list)


class Settlement:
    """Applies facts for one shop and provider within the caller's transaction."""

    def __init__(self, session: AsyncSession, *, shop_id: uuid.UUID, provider: str,
                 now: datetime) -> None:  # fmt: skip
        self.session = session
        self.repo = PaymentsRepository(session)
        self.shop_id, self.provider, self.now = shop_id, provider, now
        self.follow_ups: list[FollowUp] = []
        self._unparked: set[tuple[object, ...]] = set()

    async def record(self, events: list[PaymentEvent]) -> Outcome:
        outcome = Outcome(follow_ups=self.follow_ups)
        for event in events:
            result, payment = await self.apply(event)
            outcome.payment_id = outcome.payment_id or (payment.id if payment else None)
            if result == "parked" and outcome.status != "parked":
                outcome.status = "parked"
                outcome.subject_ref = event.provider_refs[0] if event.provider_refs else None
            elif result == "processed" and outcome.status == "ignored":
                outcome.status = "processed"
        return outcome

    async def apply(self, event: PaymentEvent) -> tuple[Result, Payment | None]:
        payment = await self._find(event)
        if payment is None:
            log.info("payments.fact_unmatched", kind=event.kind, refs=event.provider_refs)
            return ("parked" if event.kind is EventKind.REFUNDED else "ignored"), None
        if event.kind in SUBSCRIPTION_FACTS:  # about the payment's subscription, not its money
            from shopkeeper.payments.service import renewals  # it builds on this class

            return await renewals.apply(self, payment, event), payment
        if self._learn(payment, event):
            await self.session.flush()  # later lookups by that id must find the payment
            if PaymentStatus(payment.status) in CAPTURED:
                await self._unpark(payment)  # facts parked under the id just learned
        if event.kind is EventKind.SUCCEEDED:
            return await self._capture(payment, event), payment
        if event.kind is EventKind.WAITING_FOR_CAPTURE:
            return self._authorised(payment), payment
        if event.kind is EventKind.REFUNDED:
            return await self._refund_fact(payment, event), payment
        return self._failed(payment, event), payment

    async def _find(self, event: PaymentEvent) -> Payment | None:
        if event.payment_id is not None:
            found = await self.repo.payment(self.shop_id, event.payment_id, lock=True)
            if found is not None and found.provider == self.provider:
                return found
        if event.kind in SUBSCRIPTION_FACTS:
            if event.subscription_ref is None:
                return None
            return await self.repo.payment_by_subscription(
                self.shop_id, self.provider, event.subscription_ref, lock=True
            )
        return await self.repo.payment_by_refs(
            self.shop_id, self.provider, event.provider_refs, lock=True
        )

    def _learn(self, payment: Payment, event: PaymentEvent) -> bool:
        """Keep the provider's secondary id (it names the payment in later facts); True if new."""
        if event.payment_method_id:
            payment.payment_method_id = event.payment_method_id[:128]
        if event.subscription_ref and not payment.provider_subscription_id:
            payment.provider_subscription_id = event.subscription_ref[:128]
        if not event.reference or payment.provider_reference:
            return False
        if event.reference == payment.provider_payment_id:
            return False
        payment.provider_reference = event.reference[:128]
        return True

    # -- capture ---------------------------------------------------------------------------
    async def _capture(self, payment: Payment, event: PaymentEvent) -> Result:
        if PaymentStatus(payment.status) in CAPTURED:
            return "ignored"
        amount = event.amount if event.amount is not None else payment.amount
        payment.status = PaymentStatus.SUCCEEDED.value
        payment.amount_captured = amount
        payment.succeeded_at = payment.updated_at = self.now
        await self._book(payment, LedgerKind.PAYMENT, str(payment.id), amount)
        if event.fee:
            await self._book(payment, LedgerKind.FEE, str(payment.id), -event.fee)
        if event.currency and event.currency != payment.currency:
            payment.flag = f"captured in {event.currency}, asked in {payment.currency}"
        else:
            await self._pay_order(payment, amount)
        if not payment.applied:
            self.follow_ups.append(FollowUp("refund", payment.id))
        bus.publish(self.session, PaymentSucceeded(
            payment_id=payment.id, order_id=payment.order_id, shop_id=self.shop_id,
            provider=self.provider, amount=amount, currency=payment.currency,
            applied=payment.applied,
        ), now=self.now)  # fmt: skip
        await self._unpark(payment)
        return "processed"

    async def _pay_order(self, payment: Payment, amount: int) -> None:
        payment.applied = True
        try:  # a refusal writes nothing (orders.mark_paid), so no savepoint is needed
            await orders.mark_paid(
                self.session, shop_id=self.shop_id, order_id=payment.order_id,
                payment_id=payment.id, amount=amount, now=self.now,
            )  # fmt: skip
        except ORDER_REFUSALS as exc:
            payment.applied, payment.flag = False, f"{exc.code}: {exc.detail}"[:300]
            log.warning("payments.money_not_applied", payment_id=str(payment.id), reason=exc.code)

    def _authorised(self, payment: Payment) -> Result:
        if payment.status not in (PaymentStatus.PENDING, PaymentStatus.FAILED,
                                  PaymentStatus.WAITING_FOR_CAPTURE):  # fmt: skip
            return "ignored"
        payment.status = PaymentStatus.WAITING_FOR_CAPTURE.value
        payment.updated_at = self.now
        self.follow_ups.append(FollowUp("capture", payment.id))
        return "processed"

    def _failed(self, payment: Payment, event: PaymentEvent) -> Result:
        status = (
            PaymentStatus.CANCELED if event.kind is EventKind.CANCELED else PaymentStatus.FAILED
        )
        current = PaymentStatus(payment.status)
        if current in CAPTURED or current in (PaymentStatus.CANCELED, status):
            return "ignored"
        payment.status, payment.updated_at = status.value, self.now
        if event.reason:
            payment.error = event.reason[:500]
        bus.publish(self.session, PaymentFailed(
            payment_id=payment.id, order_id=payment.order_id, shop_id=self.shop_id,
            provider=self.provider, status=status.value, reason=event.reason,
        ), now=self.now)  # fmt: skip
        return "processed"

    async def _unpark(self, payment: Payment) -> None:
        """Apply the facts that waited for this payment's capture."""
        refs = [r for r in (payment.provider_payment_id, payment.provider_reference) if r]
        if (payment.id, *refs) in self._unparked:
            return
        self._unparked.add((payment.id, *refs))
        for row in await self.repo.parked_webhooks(self.shop_id, self.provider, payment.id, refs):
            await self.retry(row)

    async def retry(self, row: WebhookEvent) -> bool:
        """Apply a parked webhook's facts again; True once none of them waits any more."""
        results = [(await self.apply(PaymentEvent.from_json(e)))[0] for e in row.events or []]
        if "parked" in results:
            return False
        row.status, row.processed_at = "processed", self.now
        return True

    # -- refunds ---------------------------------------------------------------------------
    async def _refund_fact(self, payment: Payment, event: PaymentEvent) -> Result:
        if PaymentStatus(payment.status) not in CAPTURED:
            return "parked"
        if event.refund_id is None and event.our_refund_id is None:
            if event.refunded_total is None:
                return "ignored"
            return await self._reconcile_total(payment, event.refunded_total)
        refund = await self._match_refund(payment, event)
        if refund is None:
            return "ignored"
        if refund.status != "succeeded":
            await self.complete_refund(payment, refund)
        return "processed"

    async def _match_refund(self, payment: Payment, event: PaymentEvent) -> Refund | None:
        """The refund a fact is about: ours by id, known by the provider's id, one of ours in
        flight of the same amount, or else a new one made at the provider."""
        if event.our_refund_id is not None:
            ours = await self.repo.refund(event.our_refund_id, shop_id=self.shop_id)
            if ours is not None and ours.payment_id == payment.id:
                return await self._adopt(ours, event.refund_id)
        if event.refund_id is not None:
            known = await self.repo.refund_by_provider_id(
                self.shop_id, self.provider, event.refund_id
            )
            if known is not None:
                return known
        if event.amount is None:
            return None
        for refund in await self.repo.refunds_of_payment(payment.id):
            # the provider answered before we stored its id for our request
            in_flight = refund.status == "pending" and not refund.provider_refund_id
            if in_flight and refund.amount == event.amount:
                return await self._adopt(refund, event.refund_id)
        return await self.new_refund(
            payment, amount=event.amount, source=RefundSource.PROVIDER,
            reason="refunded at the provider", provider_refund_id=event.refund_id,
        )  # fmt: skip

    async def _adopt(self, refund: Refund, provider_refund_id: str | None) -> Refund:
        if provider_refund_id and not refund.provider_refund_id:
            refund.provider_refund_id = provider_refund_id[:128]
            await self.session.flush()  # later lookups by the provider's id must find it
        return refund

    async def _reconcile_total(self, payment: Payment, total: int) -> Result:
        refunds = await self.repo.refunds_of_payment(payment.id)
        missing = total - sum(r.amount for r in refunds if r.status == "succeeded")
        if missing <= 0:
            return "ignored"
        for refund in refunds:
            if refund.status == "pending" and 0 < refund.amount <= missing:
                await self.complete_refund(payment, refund)
                missing -= refund.amount
        if missing > 0:
            extra = await self.new_refund(
                payment, amount=missing, source=RefundSource.PROVIDER,
                reason="refunded at the provider",
            )  # fmt: skip
            await self.complete_refund(payment, extra)
        return "processed"

    async def new_refund(
        self, payment: Payment, *, amount: int, source: RefundSource, reason: str,
        provider_refund_id: str | None = None,
    ) -> Refund:  # fmt: skip
        refund = Refund(
            id=new_id(), shop_id=self.shop_id, order_id=payment.order_id, payment_id=payment.id,
            provider=self.provider, status="pending", amount=amount, currency=payment.currency,
            provider_refund_id=provider_refund_id, source=source.value, reason=reason[:500],
            created_at=self.now,
        )  # fmt: skip
        self.session.add(refund)
        await self.session.flush()  # later queries of this transaction must see it
        return refund

    async def complete_refund(self, payment: Payment, refund: Refund) -> None:
        """The money went back: book it, update the payment and the order, tell others."""
        amount = min(refund.amount, payment.amount_captured - payment.amount_refunded)
        if amount <= 0:
            refund.status, refund.error = "failed", "nothing left to refund on this payment"
            return
        if amount != refund.amount:
            log.warning("payments.refund_clamped", refund_id=str(refund.id), asked=refund.amount)
            refund.amount = amount
        refund.status, refund.succeeded_at = "succeeded", self.now
        payment.amount_refunded += amount
        payment.updated_at = self.now
        if payment.amount_refunded >= payment.amount_captured:
            payment.status = PaymentStatus.REFUNDED.value
        await self._book(payment, LedgerKind.REFUND, str(refund.id), -amount, refund.id)
        if payment.applied:
            await self._refund_order(payment, refund)
        bus.publish(self.session, RefundSucceeded(
            refund_id=refund.id, payment_id=payment.id, order_id=payment.order_id,
            shop_id=self.shop_id, provider=self.provider, amount=amount,
            currency=payment.currency, source=refund.source,
        ), now=self.now)  # fmt: skip

    async def _refund_order(self, payment: Payment, refund: Refund) -> None:
        try:
            async with self.session.begin_nested():
                await orders.record_refund(
                    self.session, shop_id=self.shop_id, order_id=payment.order_id,
                    refund_id=refund.id, amount=refund.amount, now=self.now,
                )  # fmt: skip
        except ORDER_REFUSALS as exc:
            refund.error = f"order not updated: {exc.code}: {exc.detail}"[:500]
            log.error("payments.order_refund_refused", refund_id=str(refund.id), reason=exc.code)

    async def _book(self, payment: Payment, kind: LedgerKind, source_id: str, amount: int,
                    refund_id: uuid.UUID | None = None) -> None:  # fmt: skip
        """One ledger entry. Callers book each movement once, deciding under the payment's row
        lock (a capture only from an uncaptured status, a refund only while not succeeded);
        the unique (kind, source_id) is the backstop that makes a slip fail, not double-book.
        Written at once (a Core insert): the payment and any refund it names are rows already."""
        await self.repo.book(
            id=new_id(), shop_id=self.shop_id, order_id=payment.order_id, payment_id=payment.id,
            refund_id=refund_id, kind=kind.value, source_id=source_id, amount=amount,
            currency=payment.currency, created_at=self.now,
        )  # fmt: skip


async def record_events(
    session: AsyncSession, *, shop_id: uuid.UUID, provider: str, events: list[PaymentEvent],
    now: datetime,
) -> Outcome:  # fmt: skip
    """Apply verified facts (from a webhook, a re-read, or a bot update) in the caller's tx."""
    return await Settlement(session, shop_id=shop_id, provider=provider, now=now).record(events)


async def retry_parked(
    session: AsyncSession, *, before: datetime, limit: int, now: datetime
) -> int:
    """Parked webhooks older than `before`, applied again (a capture that taught us the
    payment's id in a concurrent transaction may have missed them); how many got through."""
    done = 0
    for row in await PaymentsRepository(session).parked_before(before, limit):
        settlement = Settlement(session, shop_id=row.shop_id, provider=row.provider, now=now)
        done += await settlement.retry(row)
    return done
