"""A shop's plan-change rules: when upgrades and downgrades take effect (audited changes)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.subscriptions.models import SubscriptionSettings
from shopkeeper.subscriptions.plan_repository import PlanChangeRepository
from shopkeeper.subscriptions.schemas import (
    DowngradeRule,
    PlanChangeRules,
    PlanChangeRulesUpdate,
    UpgradeRule,
)


async def get_plan_change_rules(session: AsyncSession, *, shop_id: uuid.UUID) -> PlanChangeRules:
    """The shop's rules; the defaults when it never set them."""
    row = await PlanChangeRepository(session).rules(shop_id)
    if row is None:
        return PlanChangeRules()
    return PlanChangeRules(
        upgrade=UpgradeRule(row.upgrade_rule), downgrade=DowngradeRule(row.downgrade_rule)
    )


async def set_plan_change_rules(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    data: PlanChangeRulesUpdate,
    now: datetime,
    actor: Actor | None = None,
) -> PlanChangeRules:
    """Change one or both rules; what is left out keeps its value."""
    repo = PlanChangeRepository(session)
    before = await get_plan_change_rules(session, shop_id=shop_id)
    after = before.model_copy(update=data.model_dump(exclude_none=True))
    row = await repo.rules(shop_id)
    if row is None:
        row = repo.add_rules(SubscriptionSettings(shop_id=shop_id))
    row.upgrade_rule, row.downgrade_rule = after.upgrade.value, after.downgrade.value
    row.updated_at = now
    await session.flush()
    if actor is not None:
        await audit.record(
            session, actor=actor, shop_id=shop_id, action="subscriptions.plan_rules_updated",
            target_type="shop", target_id=shop_id, before=before.model_dump(mode="json"),
            after=after.model_dump(mode="json"), now=now,
        )  # fmt: skip
    return after
