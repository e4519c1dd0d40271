"""Start a payment: the pending row, the provider's checkout, its answer."""

from __future__ import annotations

import uuid

from shopkeeper.audit import Actor
from shopkeeper.container import Container
from shopkeeper.payments.flows.units import transaction
from shopkeeper.payments.providers import build_provider
from shopkeeper.payments.providers.base import GatewayError, PaymentStart
from shopkeeper.payments.schemas import PaymentCreate, PaymentStarted
from shopkeeper.payments.service.starting import open_payment, record_start
from shopkeeper.shops import ShopRead


async def start_payment(
    container: Container, *, shop: ShopRead, order_id: uuid.UUID, data: PaymentCreate, actor: Actor
) -> PaymentStarted:
    """Open a payment of what `order_id` owes; GatewayError if the provider refuses."""
    now = container.clock.now()
    async with transaction(container) as session:
        request, account = await open_payment(
            session, shop=shop, order_id=order_id, data=data, settings=container.settings,
            secrets=container.secrets, actor=actor, now=now,
        )  # fmt: skip
    provider = build_provider(account.provider, container.settings, container.extras)
    start: PaymentStart | None = None
    error: GatewayError | None = None
    try:
        start = await provider.create_payment(
            account, request, idempotency_key=str(request.payment_id)
        )
    except GatewayError as exc:
        error = exc
    async with transaction(container) as session:
        started = await record_start(
            session, shop_id=shop.id, payment_id=request.payment_id, start=start,
            error=error.detail if error else None, now=container.clock.now(),
        )  # fmt: skip
    if error is not None:
        raise error
    return started
