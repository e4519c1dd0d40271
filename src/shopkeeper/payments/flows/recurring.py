"""Renewals we drive at the provider: charge a saved method, stop a provider's subscription.

Each is reserve → call the provider → record its answer, in separate units of work; our
payment id is the idempotency key, so a repeated call cannot charge twice.
"""

from __future__ import annotations

import uuid

import structlog

from shopkeeper.container import Container
from shopkeeper.payments.flows.follow_up import run_follow_ups
from shopkeeper.payments.flows.units import transaction
from shopkeeper.payments.providers import build_provider
from shopkeeper.payments.providers.base import GatewayError, PaymentEvent, PaymentStart
from shopkeeper.payments.repository import PaymentsRepository
from shopkeeper.payments.schemas import PaymentRead
from shopkeeper.payments.service.accounts import credentials
from shopkeeper.payments.service.renewals import open_saved_method_charge
from shopkeeper.payments.service.settlement import record_events
from shopkeeper.payments.service.starting import record_start

log = structlog.get_logger(__name__)


async def charge_saved_method(
    container: Container, *, shop_id: uuid.UUID, order_id: uuid.UUID, provider: str,
    method_reference: str,
) -> PaymentRead:  # fmt: skip
    """Charge what `order_id` owes from a saved payment method, without the customer.

    Returns the payment as it stands: succeeded (the order is paid), failed or canceled with
    the reason in `error` (a declined card, a refusal), or pending (a webhook settles it).
    """
    now = container.clock.now()
    async with transaction(container) as session:
        request, account = await open_saved_method_charge(
            session, shop_id=shop_id, order_id=order_id, provider=provider,
            method_reference=method_reference, secrets=container.secrets, now=now,
        )  # fmt: skip
    adapter = build_provider(provider, container.settings, container.extras)
    start: PaymentStart | None = None
    facts: list[PaymentEvent] = []
    error: str | None = None
    try:
        start, facts = await adapter.create_recurring_payment(
            account, request, method_reference=method_reference,
            idempotency_key=str(request.payment_id),
        )  # fmt: skip
    except GatewayError as exc:
        error = exc.detail
        log.warning("payments.saved_method_refused", provider=provider, error=exc.detail)
    async with transaction(container) as session:
        await record_start(session, shop_id=shop_id, payment_id=request.payment_id, start=start,
                           error=error, now=container.clock.now())  # fmt: skip
        outcome = await record_events(session, shop_id=shop_id, provider=provider, events=facts,
                                      now=container.clock.now())  # fmt: skip
    if outcome.follow_ups:
        await run_follow_ups(container, shop_id=shop_id, follow_ups=outcome.follow_ups)
    return await _read(container, shop_id, request.payment_id)


async def _read(container: Container, shop_id: uuid.UUID, payment_id: uuid.UUID) -> PaymentRead:
    async with transaction(container) as session:
        payment = await PaymentsRepository(session).payment(shop_id, payment_id)
        assert payment is not None
        return PaymentRead.model_validate(payment)


async def set_provider_cancel_at_period_end(
    container: Container, *, shop_id: uuid.UUID, provider: str, reference: str, cancel: bool,
    idempotency_key: str,
) -> None:  # fmt: skip
    """Tell the provider's own subscription `reference` to stop (or go on) after its period;
    GatewayError when it refuses or cannot be reached."""
    now = container.clock.now()
    async with transaction(container) as session:
        account = await credentials(session, shop_id=shop_id, provider=provider,
                                    secrets=container.secrets, now=now)  # fmt: skip
    adapter = build_provider(provider, container.settings, container.extras)
    await adapter.set_cancel_at_period_end(
        account, reference, cancel=cancel, idempotency_key=idempotency_key
    )
