"""A storefront purchase: the order (placed like the bot does, reused on a second press)
and its payment at the shop's gateway, with the way back to the storefront."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import orders, payments, subscriptions
from shopkeeper.audit import Actor, ActorType
from shopkeeper.container import Container
from shopkeeper.errors import Conflict
from shopkeeper.shops import ShopRead
from shopkeeper.web.store.offers import Offer

SOURCE = "storefront"
# The gateways a customer is sent to, best first (the sandbox only when a shop enables it).
LINK_GATEWAYS = ("stripe", "yookassa", "payu", "przelewy24", "sandbox")
REUSE_MARGIN = timedelta(minutes=5)


class NoPaymentGateway(Conflict):
    def __init__(self) -> None:
        super().__init__("This shop does not take payments online yet")


def customer_actor(customer_id: uuid.UUID, ip: str | None) -> Actor:
    """The storefront acting for a customer (customers are not staff: a system actor)."""
    return Actor(type=ActorType.SYSTEM, label=f"storefront customer {customer_id}", ip=ip)


async def gateway_for(session: AsyncSession, *, shop_id: uuid.UUID) -> str:
    enabled = set(await payments.enabled_gateways(session, shop_id=shop_id))
    for gateway in LINK_GATEWAYS:
        if gateway in enabled:
            return gateway
    raise NoPaymentGateway()


async def place(
    session: AsyncSession, *, shop: ShopRead, customer_id: uuid.UUID, offer: Offer,
    ttl: timedelta, now: datetime,
) -> orders.OrderRead:  # fmt: skip
    """The order to pay: a pending one of the same choice, or a new one."""
    recent = await orders.list_orders(session, shop_id=shop.id, state=orders.OrderState.PENDING,
                                      customer_id=customer_id, limit=10)  # fmt: skip
    for order in recent.items:
        if _same_choice(order, offer) and (
            order.expires_at is None or order.expires_at > now + REUSE_MARGIN
        ):
            return order
    return await orders.place_order(
        session, shop_id=shop.id, customer_id=customer_id, currency=offer.currency,
        items=[orders.OrderItemIn(variant_id=offer.variant.id)], source=SOURCE, now=now,
        ttl=ttl,
    )  # fmt: skip


def _same_choice(order: orders.OrderRead, offer: Offer) -> bool:
    lines = [(line.variant_id, line.quantity) for line in order.lines]
    return (order.source == SOURCE and order.currency == offer.currency
            and lines == [(offer.variant.id, 1)] and not order.promo_code)  # fmt: skip


async def pay(
    container: Container, *, shop: ShopRead, order: orders.OrderRead, gateway: str,
    success_url: str, cancel_url: str, actor: Actor,
) -> payments.PaymentStarted:  # fmt: skip
    """Open the payment (its own units of work: call with no transaction open)."""
    data = payments.PaymentCreate.model_validate(
        {"provider": gateway, "return_url": success_url, "cancel_url": cancel_url}
    )
    return await payments.start_payment(container, shop=shop, order_id=order.id, data=data,
                                        actor=actor)  # fmt: skip


@dataclass(frozen=True)
class OrderProgress:
    """Where a customer's order stands, as the success page polls it."""

    order: orders.OrderRead
    payment_failed: bool
    plans: list[subscriptions.CustomerSubscription]  # the live subscriptions the order bought
    waiting_for_plans: bool  # paid, but a plan's subscription has not started yet

    @property
    def done(self) -> bool:
        return self.order.paid_at is not None and not self.waiting_for_plans

    @property
    def premium(self) -> bool:
        return self.done and bool(self.plans)


async def progress(
    session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID, customer_id: uuid.UUID,
    now: datetime,
) -> OrderProgress:  # fmt: skip
    """The customer's own order (OrderNotFound for anyone else's) and what it has led to."""
    order = await orders.get_order(session, shop_id=shop_id, order_id=order_id)
    if order.customer_id != customer_id:
        raise orders.OrderNotFound()
    tried = await payments.list_payments(session, shop_id=shop_id, order_id=order_id)
    failed = bool(tried) and tried[-1].status in (payments.PaymentStatus.FAILED,
                                                  payments.PaymentStatus.CANCELED)  # fmt: skip
    plan_ids = {line.product_id for line in order.lines if line.kind == "plan"}
    live = await subscriptions.list_customer_subscriptions(
        session, shop_id=shop_id, customer_id=customer_id, now=now
    )
    bought = [s for s in live if s.product_id in plan_ids]
    waiting = order.paid_at is not None and {s.product_id for s in bought} != plan_ids
    return OrderProgress(order=order, payment_failed=failed and order.paid_at is None,
                         plans=bought, waiting_for_plans=waiting)  # fmt: skip
