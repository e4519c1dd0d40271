"""Refund an order through its payment's provider: reserve, send, record the answer."""

from __future__ import annotations

import uuid

from shopkeeper.audit import Actor
from shopkeeper.container import Container
from shopkeeper.payments.flows.units import transaction
from shopkeeper.payments.providers import build_provider
from shopkeeper.payments.providers.base import GatewayCredentials, GatewayError, RefundStart
from shopkeeper.payments.schemas import RefundRead
from shopkeeper.payments.service.accounts import credentials
from shopkeeper.payments.service.refunds import RefundPlan, finish_refund, open_refund


async def send_refund(
    container: Container, plan: RefundPlan, account: GatewayCredentials
) -> tuple[RefundStart | None, GatewayError | None]:
    """Ask the provider; our refund id is the idempotency key, so a retry cannot pay twice."""
    provider = build_provider(plan.provider, container.settings, container.extras)
    try:
        result = await provider.refund(
            account, plan.payment, amount=plan.amount, idempotency_key=str(plan.refund_id),
            reason=plan.reason,
        )  # fmt: skip
    except GatewayError as exc:
        return None, exc
    return result, None


async def complete(
    container: Container, plan: RefundPlan, account: GatewayCredentials
) -> RefundRead:
    """Send a reserved refund and record the answer; GatewayError after recording a refusal."""
    result, error = await send_refund(container, plan, account)
    async with transaction(container) as session:
        read = await finish_refund(
            session, plan=plan, result=result, error=error.detail if error else None,
            now=container.clock.now(),
        )  # fmt: skip
    if error is not None:
        raise error
    return read


async def refund_order(
    container: Container, *, shop_id: uuid.UUID, order_id: uuid.UUID, amount: int | None,
    reason: str, actor: Actor, expected_remaining: int | None = None,
) -> RefundRead:  # fmt: skip
    """Refund `amount` (or all that remains) of the order's payment (see `open_refund` for
    `expected_remaining`)."""
    now = container.clock.now()
    async with transaction(container) as session:
        plan = await open_refund(
            session, shop_id=shop_id, order_id=order_id, amount=amount, reason=reason,
            actor=actor, now=now, expected_remaining=expected_remaining,
        )  # fmt: skip
        account = await credentials(session, shop_id=shop_id, provider=plan.provider,
                                    secrets=container.secrets, now=now)  # fmt: skip
    return await complete(container, plan, account)
