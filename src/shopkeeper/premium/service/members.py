"""A Discord member's premium: read it, give it, move it to another tier, end it.

The member is the shop's customer who linked the Discord account (identity kind "discord").
Their premium is their main live subscription: a running one (trialing, active) before one
past due, the latest end first. Changes go through the subscriptions context: a gift, a plan
change by the shop's rules, a cancellation at period end or a revoke (all audited).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity, subscriptions
from shopkeeper.audit import Actor
from shopkeeper.premium.errors import NoPremium, PremiumMemberNotFound
from shopkeeper.premium.schemas import PremiumStatus
from shopkeeper.subscriptions import CustomerSubscription, PlanChangeOutcome, SubscriptionRead

DISCORD = "discord"
_RANK = {"trialing": 0, "active": 0, "past_due": 1}


async def premium_status(
    session: AsyncSession, *, shop_id: uuid.UUID, discord_id: str, now: datetime
) -> PremiumStatus:
    """The member's tier, status, end and days left; `premium` False when they hold none
    (or no customer linked that account: nothing is created by asking)."""
    customer = await identity.find_customer(
        session, shop_id=shop_id, kind=DISCORD, value=discord_id
    )
    held: list[CustomerSubscription] = []
    if customer is not None:
        held = await subscriptions.list_customer_subscriptions(
            session, shop_id=shop_id, customer_id=customer.id, now=now
        )
    main = _main(held)
    return PremiumStatus(
        discord_id=discord_id, customer_id=customer.id if customer else None,
        premium=main is not None and _entitled(main, now), tier=main.plan_title if main else None,
        product_id=main.product_id if main else None,
        status=main.status.value if main else None, ends_at=main.period_end if main else None,
        days_left=main.days_left if main else 0,
        cancel_at_period_end=main.cancel_at_period_end if main else False,
        pending_product_id=main.pending_product_id if main else None,
        pending_from=main.pending_from if main else None, subscriptions=held,
    )  # fmt: skip


async def activate(
    session: AsyncSession, *, shop_id: uuid.UUID, discord_id: str, product_id: uuid.UUID,
    days: int, now: datetime, actor: Actor,
) -> PremiumStatus:  # fmt: skip
    """Give `days` of the tier (a member never seen before becomes a customer by their id)."""
    customer = await identity.find_or_create_customer(
        session, shop_id=shop_id, kind=DISCORD, value=discord_id, now=now
    )
    await subscriptions.gift(
        session, shop_id=shop_id, product_id=product_id, customer_id=customer.id, days=days,
        now=now, actor=actor,
    )  # fmt: skip
    return await premium_status(session, shop_id=shop_id, discord_id=discord_id, now=now)


async def change_tier(
    session: AsyncSession, *, shop_id: uuid.UUID, discord_id: str, product_id: uuid.UUID,
    now: datetime, actor: Actor,
) -> PlanChangeOutcome:  # fmt: skip
    """Move the member's premium to `product_id` (an upgrade pays its difference through the
    order in the answer; a downgrade waits for the period end; per the shop's rules)."""
    main = await _main_of(session, shop_id, discord_id, now)
    return await subscriptions.change_plan(session, shop_id, main.id, product_id, now, actor=actor)


async def cancel(
    session: AsyncSession, *, shop_id: uuid.UUID, discord_id: str, at_period_end: bool,
    now: datetime, actor: Actor,
) -> SubscriptionRead:  # fmt: skip
    """End the member's premium at its period end, or now (its role goes at once)."""
    main = await _main_of(session, shop_id, discord_id, now)
    if at_period_end:
        return await subscriptions.cancel_at_period_end(
            session, shop_id=shop_id, subscription_id=main.id, now=now, actor=actor
        )
    return await subscriptions.revoke(
        session, shop_id=shop_id, subscription_id=main.id, now=now, actor=actor
    )


async def _main_of(
    session: AsyncSession, shop_id: uuid.UUID, discord_id: str, now: datetime
) -> CustomerSubscription:
    customer = await identity.find_customer(
        session, shop_id=shop_id, kind=DISCORD, value=discord_id
    )
    if customer is None:
        raise PremiumMemberNotFound(discord_id)
    held = await subscriptions.list_customer_subscriptions(
        session, shop_id=shop_id, customer_id=customer.id, now=now
    )
    if (main := _main(held)) is None:
        raise NoPremium()
    return main


def _main(held: list[CustomerSubscription]) -> CustomerSubscription | None:
    live = [s for s in held if s.status.value in _RANK]
    if not live:
        return None
    return min(live, key=lambda s: (_RANK[s.status.value], -s.period_end.timestamp()))


def _entitled(subscription: CustomerSubscription, now: datetime) -> bool:
    if subscription.status.value == "past_due":
        return subscription.grace_until is not None and subscription.grace_until > now
    return True
