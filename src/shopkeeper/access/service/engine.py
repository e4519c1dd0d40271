"""The grant engine: sources come and go; a grant follows them through its platform strategy.

Invariant: a grant is `revoked` exactly when none of its sources is active. Every change goes
through `settle` on a row-locked grant, so concurrent events for one customer and target
serialise on that row (PostgreSQL `FOR UPDATE`; SQLite has one writer anyway), and a grant's
state, its log entries and its events change only when something really changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus
from shopkeeper.access.errors import InvalidGrantOutcome
from shopkeeper.access.events import AccessActionRequired, AccessGranted, AccessRevoked
from shopkeeper.access.models import AccessLogEntry, AccessTarget, Grant
from shopkeeper.access.ports import AccessTarget as PortTarget
from shopkeeper.access.ports import GrantOutcome, GrantRequest
from shopkeeper.access.repository import (
    GrantRepository,
    LogRepository,
    SourceRepository,
    TargetRepository,
)
from shopkeeper.access.schemas import GrantStateName, LogAction, SourceType
from shopkeeper.access.strategies import Strategies

OPEN_STATES = (GrantStateName.PENDING.value, GrantStateName.ACTION_REQUIRED.value)
_APPLIED = frozenset({"granted", "action_required", "pending"})
_LOG_ACTION = {
    "granted": LogAction.GRANT,
    "action_required": LogAction.ACTION_REQUIRED,
    "pending": LogAction.PENDING,
}


@dataclass(frozen=True)
class Source:
    """Why a customer holds a target: an order, a subscription or a staff member."""

    type: SourceType
    id: uuid.UUID

    def describe(self) -> str:
        return f"{self.type.value} {self.id}"


async def locked_grants(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID,
    target_ids: Sequence[uuid.UUID],
    now: datetime,
) -> Sequence[Grant]:
    """The customer's grants on the targets, created when missing, row-locked in id order.

    A new grant starts `revoked` with no source: the caller's `settle` moves it on in the
    same transaction, so nobody ever reads that transient state.
    """
    repo = GrantRepository(session)
    ordered = sorted(set(target_ids))
    await repo.ensure(shop_id, customer_id, ordered, now)
    return await repo.lock_for(shop_id, customer_id, ordered)


async def add_source(
    session: AsyncSession,
    strategies: Strategies,
    *,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID,
    target_ids: Sequence[uuid.UUID],
    source: Source,
    now: datetime,
) -> None:
    """`source` now grants the targets to the customer (idempotent: a repeat changes nothing)."""
    if not target_ids:
        return
    grants = await locked_grants(
        session, shop_id=shop_id, customer_id=customer_id, target_ids=target_ids, now=now
    )
    targets = await TargetRepository(session).many(shop_id, target_ids)
    sources = SourceRepository(session)
    for grant in grants:
        await sources.activate(grant, source.type.value, source.id, now)
        await settle(session, strategies, grant, targets[grant.target_id],
                     cause=source.describe(), now=now)  # fmt: skip


async def end_source(
    session: AsyncSession,
    strategies: Strategies,
    *,
    shop_id: uuid.UUID,
    source: Source,
    reason: str,
    now: datetime,
) -> None:
    """`source` grants nothing any more; grants left with no other source are revoked."""
    grant_ids = await SourceRepository(session).grants_of(shop_id, source.type.value, source.id)
    if not grant_ids:
        return
    grants = await GrantRepository(session).lock_ids(shop_id, grant_ids)
    targets = await TargetRepository(session).many(shop_id, [g.target_id for g in grants])
    sources = SourceRepository(session)
    for grant in grants:
        await sources.deactivate(grant.id, source.type.value, source.id, now)
        await settle(session, strategies, grant, targets[grant.target_id], cause=reason, now=now)


async def retarget_source(
    session: AsyncSession,
    strategies: Strategies,
    *,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID,
    source: Source,
    target_ids: Sequence[uuid.UUID],
    reason: str,
    now: datetime,
) -> None:
    """`source` now grants exactly `target_ids` (a subscription that changed plan): the new
    targets are granted first, then the ones it no longer covers lose it (revoked when
    nothing else holds them); targets of both plans are left alone."""
    await add_source(session, strategies, shop_id=shop_id, customer_id=customer_id,
                     target_ids=target_ids, source=source, now=now)  # fmt: skip
    keep = set(target_ids)
    sources = SourceRepository(session)
    grant_ids = await sources.grants_of(shop_id, source.type.value, source.id)
    stale = [g for g in await GrantRepository(session).lock_ids(shop_id, grant_ids)
             if g.target_id not in keep]  # fmt: skip
    targets = await TargetRepository(session).many(shop_id, [g.target_id for g in stale])
    for grant in stale:
        if await sources.deactivate(grant.id, source.type.value, source.id, now):
            await settle(session, strategies, grant, targets[grant.target_id], cause=reason,
                         now=now)  # fmt: skip


async def resume(
    session: AsyncSession,
    strategies: Strategies,
    *,
    shop_id: uuid.UUID,
    now: datetime,
    customer_id: uuid.UUID | None = None,
    target_ids: Sequence[uuid.UUID] | None = None,
    limit: int = 1000,
) -> int:
    """Try pending and action-required grants again; returns how many changed state."""
    repo = GrantRepository(session)
    ids = await repo.ids_in_states(
        shop_id, OPEN_STATES, customer_id=customer_id, target_ids=target_ids, limit=limit
    )
    if not ids:
        return 0
    grants = await repo.lock_ids(shop_id, ids)
    targets = await TargetRepository(session).many(shop_id, [g.target_id for g in grants])
    changed = 0
    for grant in grants:
        before = grant.state
        await settle(session, strategies, grant, targets[grant.target_id], cause="resumed", now=now)
        changed += grant.state != before
    return changed


async def settle(
    session: AsyncSession,
    strategies: Strategies,
    grant: Grant,
    target: AccessTarget,
    *,
    cause: str,
    now: datetime,
) -> None:
    """Bring a locked grant in line with its sources: apply when entitled, revoke when not."""
    entitled = bool(await SourceRepository(session).active_of(grant.id))
    if entitled and grant.state != GrantStateName.GRANTED.value:
        await _apply(session, strategies, grant, target, cause=cause, now=now)
    elif not entitled and grant.state != GrantStateName.REVOKED.value:
        await _revoke(session, strategies, grant, target, reason=cause, now=now)
    await session.flush()


async def _apply(
    session: AsyncSession,
    strategies: Strategies,
    grant: Grant,
    target: AccessTarget,
    *,
    cause: str,
    now: datetime,
) -> None:
    outcome = await _outcome(session, strategies, grant, target)
    previous = grant.state
    grant.state, grant.join_url = outcome.state, outcome.join_url
    grant.reason = outcome.reason[:300]
    grant.updated_at = now
    if outcome.state == "granted":
        grant.granted_at, grant.revoked_at = now, None
    if outcome.state != previous:
        detail = f"{cause}: {outcome.reason}" if outcome.reason else cause
        log_entry(session, grant=grant, action=_LOG_ACTION[outcome.state], detail=detail, now=now)
        _publish_applied(session, grant, target, now)


async def _outcome(
    session: AsyncSession, strategies: Strategies, grant: Grant, target: AccessTarget
) -> GrantOutcome:
    """The strategy's answer (its exceptions propagate: the bus retries the handler)."""
    strategy = strategies.get(target.platform)
    if strategy is None:
        return GrantOutcome(state="pending", reason=f"no adapter for {target.platform}")
    outcome: GrantOutcome = await strategy.grant(session, request_for(grant, target))
    if outcome.state not in _APPLIED:
        raise InvalidGrantOutcome(f"{target.platform} strategy answered {outcome.state!r}")
    return outcome


async def _revoke(
    session: AsyncSession,
    strategies: Strategies,
    grant: Grant,
    target: AccessTarget,
    *,
    reason: str,
    now: datetime,
) -> None:
    strategy = strategies.get(target.platform)
    if grant.state == GrantStateName.GRANTED.value and strategy is not None:
        await strategy.revoke(session, request_for(grant, target))
    grant.state, grant.join_url, grant.reason = GrantStateName.REVOKED.value, None, reason[:300]
    grant.revoked_at = grant.updated_at = now
    log_entry(session, grant=grant, action=LogAction.REVOKE, detail=reason, now=now)
    bus.publish(session, AccessRevoked(**_common(grant, target), reason=reason), now=now)


def _publish_applied(
    session: AsyncSession, grant: Grant, target: AccessTarget, now: datetime
) -> None:
    if grant.state == "granted":
        bus.publish(
            session, AccessGranted(**_common(grant, target), join_url=grant.join_url), now=now
        )
    elif grant.state == "action_required":
        bus.publish(
            session, AccessActionRequired(**_common(grant, target), reason=grant.reason), now=now
        )


def _common(grant: Grant, target: AccessTarget) -> dict[str, object]:
    return {"grant_id": grant.id, "shop_id": grant.shop_id, "customer_id": grant.customer_id,
            "target_id": target.id, "platform": target.platform, "title": target.title}  # fmt: skip


def port_target(target: AccessTarget) -> PortTarget:
    return PortTarget(
        id=target.id, shop_id=target.shop_id, platform=target.platform,
        external_id=target.external_id, title=target.title, settings=dict(target.settings or {}),
    )  # fmt: skip


def request_for(grant: Grant, target: AccessTarget) -> GrantRequest:
    return GrantRequest(
        grant_id=grant.id, customer_id=grant.customer_id, target=port_target(target)
    )


def log_entry(
    session: AsyncSession, *, grant: Grant, action: LogAction, detail: str, now: datetime
) -> None:
    LogRepository(session).add(
        AccessLogEntry(
            shop_id=grant.shop_id, customer_id=grant.customer_id, target_id=grant.target_id,
            grant_id=grant.id, action=action.value, detail=detail[:500], at=now,
        )
    )  # fmt: skip
