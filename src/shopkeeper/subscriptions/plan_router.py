"""HTTP: plan changes of a subscription and the shop's plan-change rules (staff).

Mounted before the subscriptions router: `/subscriptions/plan-change-rules` must not be read
as a subscription id.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require
from shopkeeper.subscriptions.schemas import (
    PlanChangeIn,
    PlanChangeOutcome,
    PlanChangePreview,
    PlanChangeRead,
    PlanChangeRules,
    PlanChangeRulesUpdate,
)
from shopkeeper.subscriptions.service import plan_changes, plan_rules

router = APIRouter(prefix="/api/v1/shops/{shop}/subscriptions", tags=["subscriptions"])
Read = Annotated[ShopAccess, require("subscriptions.read")]
Write = Annotated[ShopAccess, require("subscriptions.write")]
Manage = Annotated[ShopAccess, require("settings.manage")]


@router.get("/plan-change-rules")
async def get_rules(session: SessionDep, access: Read) -> PlanChangeRules:
    """When upgrades and downgrades take effect in this shop."""
    return await plan_rules.get_plan_change_rules(session, shop_id=access.shop.id)


@router.put("/plan-change-rules")
async def set_rules(
    data: PlanChangeRulesUpdate, session: SessionDep, clock: ClockDep, access: Manage
) -> PlanChangeRules:
    """upgrade: immediate_prorated | at_period_end; downgrade: at_period_end | immediate."""
    return await plan_rules.set_plan_change_rules(
        session, shop_id=access.shop.id, data=data, now=clock.now(), actor=access.actor
    )


@router.get("/{subscription_id}/change-plan/preview")
async def preview(
    subscription_id: uuid.UUID,
    product_id: Annotated[uuid.UUID, Query(description="the plan to move to")],
    session: SessionDep,
    clock: ClockDep,
    access: Read,
) -> PlanChangePreview:
    """Upgrade or downgrade, when, and what the customer would pay now; nothing changes."""
    return await plan_changes.preview_change(
        session, access.shop.id, subscription_id, product_id, clock.now()
    )


@router.post("/{subscription_id}/change-plan")
async def change_plan(
    subscription_id: uuid.UUID,
    data: PlanChangeIn,
    session: SessionDep,
    clock: ClockDep,
    access: Write,
    dry_run: bool = False,
) -> PlanChangeOutcome | PlanChangePreview:
    """Move to another plan by the shop's rules; `dry_run=true` only previews. An upgrade that
    costs something answers with the order to pay (`change.order_id`)."""
    if dry_run:
        return await plan_changes.preview_change(
            session, access.shop.id, subscription_id, data.product_id, clock.now()
        )
    return await plan_changes.change_plan(
        session, access.shop.id, subscription_id, data.product_id, clock.now(),
        actor=access.actor,
    )  # fmt: skip


@router.post("/{subscription_id}/change-plan/undo")
async def undo(
    subscription_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Write
) -> PlanChangeRead:
    """Take back the open change (a scheduled one, or an upgrade not paid yet)."""
    return await plan_changes.undo_change(
        session, shop_id=access.shop.id, subscription_id=subscription_id, now=clock.now(),
        actor=access.actor,
    )  # fmt: skip


@router.get("/{subscription_id}/plan-changes")
async def history(
    subscription_id: uuid.UUID, session: SessionDep, access: Read
) -> list[PlanChangeRead]:
    """The subscription's plan changes, newest first."""
    return await plan_changes.list_plan_changes(
        session, shop_id=access.shop.id, subscription_id=subscription_id
    )
