"""HTTP: /api/v1/shops/{shop}/premium — a Discord member's premium, staff actions, figures.

Reads need subscriptions.read, changes subscriptions.write (audited through subscriptions).
The seed's verbs are accepted too: PUT /upgrade, DELETE /cancel.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.premium.live import SSE_HEADERS, figure_events
from shopkeeper.premium.schemas import (
    ActivateIn,
    CancelIn,
    PremiumStatistics,
    PremiumStatus,
    UpgradeIn,
)
from shopkeeper.premium.service import members
from shopkeeper.premium.service.statistics import MAX_DAYS, premium_statistics
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require
from shopkeeper.subscriptions import PlanChangeOutcome, SubscriptionRead

router = APIRouter(prefix="/api/v1/shops/{shop}/premium", tags=["premium"])
Read = Annotated[ShopAccess, require("subscriptions.read")]
Write = Annotated[ShopAccess, require("subscriptions.write")]
Days = Annotated[int, Query(ge=1, le=MAX_DAYS, description="calendar days, today included")]


@router.get("/status/{discord_id}")
async def status(
    discord_id: str, session: SessionDep, clock: ClockDep, access: Read
) -> PremiumStatus:
    """The member's tier, status, end and days left (`premium` false when none)."""
    return await members.premium_status(
        session, shop_id=access.shop.id, discord_id=discord_id, now=clock.now()
    )


@router.post("/activate")
async def activate(
    data: ActivateIn, session: SessionDep, clock: ClockDep, access: Write
) -> PremiumStatus:
    """Give the member `days` of a tier (a staff gift; lengthens what they hold)."""
    return await members.activate(
        session, shop_id=access.shop.id, discord_id=data.discord_id, product_id=data.product_id,
        days=data.days, now=clock.now(), actor=access.actor,
    )  # fmt: skip


@router.api_route("/upgrade", methods=["POST", "PUT"])
async def upgrade(
    data: UpgradeIn, session: SessionDep, clock: ClockDep, access: Write
) -> PlanChangeOutcome:
    """Move the member to another tier by the shop's rules (an upgrade's order to pay is in
    `change.order_id`)."""
    return await members.change_tier(
        session, shop_id=access.shop.id, discord_id=data.discord_id, product_id=data.product_id,
        now=clock.now(), actor=access.actor,
    )  # fmt: skip


@router.api_route("/cancel", methods=["POST", "DELETE"])
async def cancel(
    data: CancelIn, session: SessionDep, clock: ClockDep, access: Write
) -> SubscriptionRead:
    """End the member's premium at its period end (or now with `at_period_end: false`)."""
    return await members.cancel(
        session, shop_id=access.shop.id, discord_id=data.discord_id,
        at_period_end=data.at_period_end, now=clock.now(), actor=access.actor,
    )  # fmt: skip


@router.get("/statistics")
async def statistics(
    session: SessionDep, clock: ClockDep, access: Read, days: Days = 30
) -> PremiumStatistics:
    """Active by tier, new per day, churn and revenue over the last `days` days."""
    return await premium_statistics(session, shop_id=access.shop.id, days=days, now=clock.now())


@router.get("/statistics/stream", response_class=StreamingResponse)
async def statistics_stream(
    request: Request,
    container: ContainerDep,
    access: Read,
    days: Days = 30,
    every: Annotated[float, Query(ge=1, le=300, description="seconds between events")] = 15,
) -> StreamingResponse:
    """The same figures as server-sent events: at once, on every change, every `every` s."""
    events = figure_events(
        container, shop_id=access.shop.id, days=days, every=every,
        disconnected=request.is_disconnected,
    )  # fmt: skip
    return StreamingResponse(events, media_type="text/event-stream", headers=SSE_HEADERS)
