"""Builders for the access context: targets linked to products, paid orders, subscription
events published as the subscriptions context would, fake platform strategies, and reads.

Each opens its own unit of work on the test `container` and commits, so what it makes is
visible to the bus and the app under test.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import access, bus
from shopkeeper.access import (
    AccessLogRead,
    GrantOutcome,
    GrantRead,
    GrantRequest,
    TargetCreate,
    TargetRead,
)
from shopkeeper.access.schemas import GrantFilter, Platform
from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.bus import Event
from shopkeeper.catalog import ProductRead
from shopkeeper.db import unit_of_work
from shopkeeper.orders import OrderRead
from shopkeeper.shops import ShopRead
from shopkeeper.subscriptions.events import (
    SubscriptionEnded,
    SubscriptionRenewed,
    SubscriptionStarted,
)
from tests.builders.orders import mark_paid, place_order

BUILDER = Actor.system("tests")
PERIODS_FROM = datetime(2026, 1, 1, tzinfo=UTC)  # the FrozenClock's default "now"


async def create_target(
    container: Container,
    *,
    shop: ShopRead,
    platform: Platform | str = Platform.WEBHOOK,
    title: str | None = None,
    external_id: str | None = None,
    products: list[ProductRead] | tuple[ProductRead, ...] = (),
) -> TargetRead:
    """A target (a webhook grant unless told), linked to `products`."""
    data = TargetCreate(
        platform=Platform(platform),
        external_id=external_id or f"ext-{uuid.uuid4().hex[:8]}",
        title=title or f"Target {uuid.uuid4().hex[:4]}",
    )
    async with unit_of_work(container.sessions) as session:
        now = container.clock.now()
        target = await access.create_target(
            session, shop_id=shop.id, data=data, actor=BUILDER, now=now
        )
        for product in products:
            target = await access.link_product(
                session, shop_id=shop.id, target_id=target.id, product_id=product.id,
                actor=BUILDER, now=now,
            )  # fmt: skip
    return target


async def paid_order(
    container: Container, *, shop: ShopRead, customer_id: uuid.UUID, products: list[ProductRead]
) -> OrderRead:
    """An order of one of each product by the customer, placed and paid (OrderPaid queued)."""
    order = await place_order(
        container, shop=shop, items=[(p, 1) for p in products], customer_id=customer_id
    )
    return await mark_paid(container, order)


async def publish(container: Container, *events: Event) -> None:
    """Put events in the outbox in one committed unit of work (then `bus.drain`)."""
    async with unit_of_work(container.sessions) as session:
        for event in events:
            bus.publish(session, event, now=container.clock.now())


def started(
    shop: ShopRead, customer_id: uuid.UUID, plan: ProductRead, subscription_id: uuid.UUID
) -> SubscriptionStarted:
    return SubscriptionStarted(
        subscription_id=subscription_id, shop_id=shop.id, customer_id=customer_id,
        product_id=plan.id, status="active", period_end=_month_from_now(), order_id=None,
    )  # fmt: skip


def renewed(
    shop: ShopRead, customer_id: uuid.UUID, plan: ProductRead, subscription_id: uuid.UUID
) -> SubscriptionRenewed:
    return SubscriptionRenewed(
        subscription_id=subscription_id, shop_id=shop.id, customer_id=customer_id,
        product_id=plan.id, period_end=_month_from_now(days=60), order_id=None, reason="payment",
    )  # fmt: skip


def ended(
    shop: ShopRead, customer_id: uuid.UUID, plan: ProductRead, subscription_id: uuid.UUID
) -> SubscriptionEnded:
    return SubscriptionEnded(
        subscription_id=subscription_id, shop_id=shop.id, customer_id=customer_id,
        product_id=plan.id, reason="expired",
    )  # fmt: skip


def _month_from_now(days: int = 30) -> datetime:
    return PERIODS_FROM + timedelta(days=days)


async def grants_of(
    container: Container, *, shop: ShopRead, customer_id: uuid.UUID | None = None
) -> list[GrantRead]:
    async with unit_of_work(container.sessions) as session:
        page = await access.list_grants(
            session, shop_id=shop.id, filters=GrantFilter(customer_id=customer_id), limit=500
        )
    return page.items


async def the_grant(container: Container, *, shop: ShopRead, customer_id: uuid.UUID) -> GrantRead:
    [grant] = await grants_of(container, shop=shop, customer_id=customer_id)
    return grant


async def log_of(container: Container, *, shop: ShopRead) -> list[AccessLogRead]:
    """The shop's access log, oldest first."""
    async with unit_of_work(container.sessions) as session:
        page = await access.list_access_log(session, shop_id=shop.id, limit=500)
    return list(reversed(page.items))


@dataclass
class FakeStrategy:
    """A platform adapter that answers what the test says and remembers what it was asked."""

    platform: str
    outcome: GrantOutcome = field(
        default_factory=lambda: GrantOutcome(state="granted", join_url="https://t.me/+invite")
    )
    fail: Exception | None = None
    granted: list[GrantRequest] = field(default_factory=list)
    revoked: list[GrantRequest] = field(default_factory=list)

    async def grant(self, session: AsyncSession, request: GrantRequest) -> GrantOutcome:
        if self.fail is not None:
            raise self.fail
        self.granted.append(request)
        return self.outcome

    async def revoke(self, session: AsyncSession, request: GrantRequest) -> None:
        self.revoked.append(request)
