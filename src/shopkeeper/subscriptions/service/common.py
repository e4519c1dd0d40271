"""What the use cases share: plan terms, locking, moving or ending a subscription, events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, bus, catalog, identity
from shopkeeper.audit import Actor
from shopkeeper.catalog import ProductKind
from shopkeeper.kit.ids import new_id
from shopkeeper.subscriptions.errors import NotAPlan, SubscriptionNotFound, SubscriptionNotLive
from shopkeeper.subscriptions.events import (
    SubscriptionEnded,
    SubscriptionRenewed,
    SubscriptionStarted,
)
from shopkeeper.subscriptions.models import LIVE_STATUSES, Subscription, SubscriptionPeriod
from shopkeeper.subscriptions.periods import add_period
from shopkeeper.subscriptions.repository import PeriodRepository, SubscriptionRepository
from shopkeeper.subscriptions.schemas import SubscriptionRead

INSERT_ATTEMPTS = 3


@dataclass(frozen=True)
class Terms:
    """A plan's period terms as the catalog has them now."""

    title: str
    unit: str
    count: int
    trial_days: int
    grace_days: int

    def after(self, moment: datetime, periods: int) -> datetime:
        return add_period(moment, self.unit, self.count * periods)


async def plan_terms(session: AsyncSession, shop_id: uuid.UUID, product_id: uuid.UUID) -> Terms:
    """The plan's terms; ProductNotFound (404) or NotAPlan (422) otherwise."""
    product = await catalog.get_product(session, shop_id=shop_id, product_id=product_id)
    if product.kind != ProductKind.PLAN or product.plan is None:
        raise NotAPlan()
    plan = product.plan
    return Terms(
        title=product.name, unit=plan.period_unit.value, count=plan.period_count,
        trial_days=plan.trial_days, grace_days=plan.grace_days,
    )  # fmt: skip


async def survivor(session: AsyncSession, shop_id: uuid.UUID, customer_id: uuid.UUID) -> uuid.UUID:
    """The customer's id after merges (CustomerNotFound when not the shop's customer)."""
    return (await identity.get_customer(session, shop_id=shop_id, customer_id=customer_id)).id


async def locked(
    session: AsyncSession, shop_id: uuid.UUID, subscription_id: uuid.UUID
) -> Subscription:
    found = await SubscriptionRepository(session).get(shop_id, subscription_id, for_update=True)
    if found is None:
        raise SubscriptionNotFound()
    return found


def require_live(subscription: Subscription) -> None:
    if subscription.status not in LIVE_STATUSES:
        raise SubscriptionNotLive(subscription.status)


def new_values(
    *,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID,
    product_id: uuid.UUID,
    period_end: datetime,
    grace_days: int,
    now: datetime,
    trial_end: datetime | None = None,
) -> dict[str, Any]:
    """The row of a subscription starting now."""
    return {
        "id": new_id(), "shop_id": shop_id, "customer_id": customer_id,
        "product_id": product_id, "status": "trialing" if trial_end else "active",
        "started_at": now, "period_end": period_end, "trial_end": trial_end,
        "grace_days": grace_days, "grace_until": None, "cancel_at_period_end": False,
        "renewal": "manual", "created_at": now, "updated_at": now,
    }  # fmt: skip


async def insert_or_lock(session: AsyncSession, values: dict[str, Any]) -> Subscription:
    """Insert the new live subscription, or lock the one a concurrent purchase just made."""
    repo = SubscriptionRepository(session)
    for _ in range(INSERT_ATTEMPTS):
        if await repo.insert_live(values):
            created = await repo.get(values["shop_id"], values["id"], for_update=True)
            assert created is not None
            return created
        found = await repo.live(values["shop_id"], values["customer_id"], values["product_id"])
        if found is not None:
            return found
    raise RuntimeError("the live subscription kept changing; try again")  # the bus retries


def move_end(
    subscription: Subscription, new_end: datetime, now: datetime, *, carry_pending: bool = True
) -> None:
    """Set a new period end; a past-due subscription paid (or given) beyond now is active.

    A plan change scheduled for the period end moves with it (more time on the current plan
    comes before the change), unless `carry_pending` is False (the new plan was paid ahead).
    """
    pending = subscription.pending_from
    if carry_pending and pending is not None and pending == subscription.period_end:
        subscription.pending_from = new_end
    subscription.period_end, subscription.updated_at = new_end, now
    if subscription.status == "past_due":
        if new_end > now:
            subscription.status, subscription.grace_until = "active", None
        else:
            subscription.grace_until = new_end + timedelta(days=subscription.grace_days)


def record_period(
    session: AsyncSession,
    subscription: Subscription,
    *,
    kind: str,
    previous_end: datetime | None,
    now: datetime,
    order_id: uuid.UUID | None = None,
    periods: int | None = None,
    days: int | None = None,
    actor: Actor | None = None,
    product_id: uuid.UUID | None = None,
) -> None:
    """Keep the move in the subscription's history (an audit of how its end moved);
    `product_id`: the plan paid for when it is not the current one (the next plan)."""
    PeriodRepository(session).add(SubscriptionPeriod(
        id=new_id(), shop_id=subscription.shop_id, subscription_id=subscription.id,
        product_id=product_id or subscription.product_id, kind=kind, order_id=order_id,
        periods=periods, days=days, previous_end=previous_end, new_end=subscription.period_end,
        actor_label=actor.label[:320] if actor else None, created_at=now,
    ))  # fmt: skip


def end(
    session: AsyncSession,
    subscription: Subscription,
    *,
    status: str,
    reason: str,
    event_reason: str,
    at: datetime,
    now: datetime,
) -> None:
    """The subscription is over: record why and tell consumers (SubscriptionEnded)."""
    subscription.status, subscription.ended_reason = status, reason
    subscription.ended_at, subscription.updated_at = at, now
    bus.publish(session, SubscriptionEnded(
        subscription_id=subscription.id, shop_id=subscription.shop_id,
        customer_id=subscription.customer_id, product_id=subscription.product_id,
        reason=event_reason,
    ), now=now)  # fmt: skip


def publish_started(
    session: AsyncSession, subscription: Subscription, order_id: uuid.UUID | None, now: datetime
) -> None:
    bus.publish(session, SubscriptionStarted(
        subscription_id=subscription.id, shop_id=subscription.shop_id,
        customer_id=subscription.customer_id, product_id=subscription.product_id,
        status=subscription.status, period_end=subscription.period_end, order_id=order_id,
    ), now=now)  # fmt: skip


def publish_renewed(
    session: AsyncSession,
    subscription: Subscription,
    order_id: uuid.UUID | None,
    reason: str,
    now: datetime,
) -> None:
    bus.publish(session, SubscriptionRenewed(
        subscription_id=subscription.id, shop_id=subscription.shop_id,
        customer_id=subscription.customer_id, product_id=subscription.product_id,
        period_end=subscription.period_end, order_id=order_id, reason=reason,
    ), now=now)  # fmt: skip


def snapshot(subscription: Subscription) -> dict[str, Any]:
    """What the audit log keeps of a subscription before and after a staff change."""
    data = to_read(subscription).model_dump(
        mode="json",
        include={"status", "period_end", "cancel_at_period_end", "ended_reason", "customer_id"},
    )
    return data


async def record_audit(
    session: AsyncSession,
    actor: Actor | None,
    subscription: Subscription,
    action: str,
    before: dict[str, Any] | None,
    now: datetime,
) -> None:
    if actor is None:
        return
    await audit.record(
        session, actor=actor, shop_id=subscription.shop_id, action=action,
        target_type="subscription", target_id=subscription.id, before=before,
        after=snapshot(subscription), now=now,
    )  # fmt: skip


def to_read(subscription: Subscription) -> SubscriptionRead:
    return SubscriptionRead.model_validate(subscription)
