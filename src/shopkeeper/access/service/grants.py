"""Grants as staff and adapters use them: manual grant and revoke, resuming pending ones."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, identity
from shopkeeper.access.errors import (
    GrantNotFound,
    GrantStillSourced,
    TargetInactive,
    TargetNotFound,
)
from shopkeeper.access.repository import GrantRepository, SourceRepository, TargetRepository
from shopkeeper.access.schemas import GrantRead, ManualGrant, ManualRevoke, Platform, SourceType
from shopkeeper.access.service import engine
from shopkeeper.access.strategies import StrategyHost, strategies_of
from shopkeeper.audit import Actor


async def grant_manually(
    session: AsyncSession,
    container: StrategyHost,
    *,
    shop_id: uuid.UUID,
    data: ManualGrant,
    actor: Actor,
    now: datetime,
) -> GrantRead:
    """Staff give a customer the target (a "manual" source that lasts until revoked)."""
    target = await TargetRepository(session).get(shop_id, data.target_id)
    if target is None:
        raise TargetNotFound()
    if not target.active:
        raise TargetInactive(target.title)
    customer = await identity.get_customer(session, shop_id=shop_id, customer_id=data.customer_id)
    [grant] = await engine.locked_grants(
        session, shop_id=shop_id, customer_id=customer.id, target_ids=[target.id], now=now
    )
    added = await SourceRepository(session).activate(grant, SourceType.MANUAL.value, grant.id, now)
    cause = f"manual by {actor.label}" + (f" ({data.note})" if data.note else "")
    await engine.settle(session, strategies_of(container), grant, target, cause=cause, now=now)
    read = await get_grant(session, shop_id=shop_id, grant_id=grant.id)
    if added:
        await audit.record(
            session, actor=actor, shop_id=shop_id, action="access_grant.granted",
            target_type="access_grant", target_id=grant.id,
            after={**read.model_dump(mode="json"), "note": data.note}, now=now,
        )  # fmt: skip
    return read


async def revoke_manually(
    session: AsyncSession,
    container: StrategyHost,
    *,
    shop_id: uuid.UUID,
    grant_id: uuid.UUID,
    data: ManualRevoke,
    actor: Actor,
    now: datetime,
) -> GrantRead:
    """Staff end the manual source; with `force`, every source. 409 while others still grant."""
    grants = await GrantRepository(session).lock_ids(shop_id, [grant_id])
    if not grants:
        raise GrantNotFound()
    grant = grants[0]
    sources = SourceRepository(session)
    others = [(t, i) for t, i in await sources.active_of(grant.id) if t != SourceType.MANUAL.value]
    if others and not data.force:
        raise GrantStillSourced(f"{t} {i}" for t, i in others)
    before = {"state": grant.state, "sources": [f"{t} {i}" for t, i in others]}
    await sources.deactivate(grant.id, SourceType.MANUAL.value, grant.id, now)
    if data.force:
        await sources.deactivate_all(grant.id, now)
    target = await TargetRepository(session).get(shop_id, grant.target_id)
    assert target is not None  # the foreign key keeps it
    cause = f"{data.reason} (by {actor.label})"
    await engine.settle(session, strategies_of(container), grant, target, cause=cause, now=now)
    read = await get_grant(session, shop_id=shop_id, grant_id=grant.id)
    if before["state"] != read.state.value:
        await audit.record(
            session, actor=actor, shop_id=shop_id, action="access_grant.revoked",
            target_type="access_grant", target_id=grant.id, before=before,
            after={"state": read.state.value, "reason": data.reason, "force": data.force},
            now=now,
        )  # fmt: skip
    return read


async def get_grant(session: AsyncSession, *, shop_id: uuid.UUID, grant_id: uuid.UUID) -> GrantRead:
    """One grant with its sources (GrantNotFound outside the shop)."""
    grant = await GrantRepository(session).get(shop_id, grant_id)
    if grant is None:
        raise GrantNotFound()
    return GrantRead.model_validate(grant)


async def resume_for_customer(
    session: AsyncSession,
    container: StrategyHost,
    *,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID,
    now: datetime | None = None,
) -> int:
    """Retry the customer's pending and action-required grants (they linked an account).

    Returns how many grants changed state; strategy errors propagate to the caller.
    """
    return await engine.resume(
        session, strategies_of(container), shop_id=shop_id, customer_id=customer_id,
        now=now or _now(container),
    )  # fmt: skip


async def resume_for_platform(
    session: AsyncSession,
    container: StrategyHost,
    *,
    shop_id: uuid.UUID,
    platform: Platform | str,
    now: datetime | None = None,
    limit: int = 1000,
) -> int:
    """Retry the shop's open grants on one platform (a bot was connected); at most `limit`."""
    target_ids = await TargetRepository(session).ids_for_platform(shop_id, str(Platform(platform)))
    if not target_ids:
        return 0
    return await engine.resume(
        session, strategies_of(container), shop_id=shop_id, target_ids=target_ids,
        now=now or _now(container), limit=limit,
    )  # fmt: skip


def _now(container: StrategyHost) -> datetime:
    clock = getattr(container, "clock", None)
    if clock is None:
        raise TypeError("pass `now` or a container with a clock")
    now: datetime = clock.now()
    return now
