"""Two customer records turned out to be one person: the grants follow the survivor."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.access.models import Grant
from shopkeeper.access.repository import GrantRepository, SourceRepository, TargetRepository
from shopkeeper.access.schemas import GrantStateName, LogAction
from shopkeeper.access.service.engine import locked_grants, log_entry, settle
from shopkeeper.access.strategies import Strategies

_EVERY_STATE = [state.value for state in GrantStateName]
_GRANTED = GrantStateName.GRANTED.value


async def merge_customer(
    session: AsyncSession,
    strategies: Strategies,
    *,
    shop_id: uuid.UUID,
    from_id: uuid.UUID,
    into_id: uuid.UUID,
    now: datetime,
) -> int:
    """Move every source of `from_id`'s grants onto `into_id`'s; how many grants moved.

    The person is the same, so nobody is removed from a chat or role and nothing is sent:
    the old grant is closed quietly and the survivor's grant takes over its standing
    (already granted stays granted, without a new invite). Running it twice moves nothing.
    """
    grants = GrantRepository(session)
    ids = await grants.ids_in_states(shop_id, _EVERY_STATE, customer_id=from_id, limit=100_000)
    if not ids:
        return 0
    old = await grants.lock_ids(shop_id, ids)
    survivors = {
        g.target_id: g
        for g in await locked_grants(
            session, shop_id=shop_id, customer_id=into_id,
            target_ids=[g.target_id for g in old], now=now,
        )
    }  # fmt: skip
    targets = await TargetRepository(session).many(shop_id, [g.target_id for g in old])
    for grant in old:
        survivor = survivors[grant.target_id]
        await _move_sources(session, grant, survivor, now)
        _take_over(session, grant, survivor, into_id, now)
        await settle(session, strategies, survivor, targets[grant.target_id],
                     cause="customers merged", now=now)  # fmt: skip
    return len(old)


async def _move_sources(session: AsyncSession, old: Grant, survivor: Grant, now: datetime) -> None:
    sources = SourceRepository(session)
    for source_type, source_id in await sources.active_of(old.id):
        await sources.activate(survivor, source_type, source_id, now)
    await sources.deactivate_all(old.id, now)


def _take_over(
    session: AsyncSession, old: Grant, survivor: Grant, into_id: uuid.UUID, now: datetime
) -> None:
    if old.state == _GRANTED and survivor.state != _GRANTED:
        survivor.state, survivor.join_url = _GRANTED, old.join_url
        survivor.granted_at, survivor.revoked_at = old.granted_at, None
        survivor.reason, survivor.updated_at = "", now
        log_entry(session, grant=survivor, action=LogAction.GRANT, detail="customers merged",
                  now=now)  # fmt: skip
    if old.state != GrantStateName.REVOKED.value:
        reason = f"merged into customer {into_id}"
        old.state, old.join_url, old.reason = GrantStateName.REVOKED.value, None, reason
        old.revoked_at = old.updated_at = now
        log_entry(session, grant=old, action=LogAction.REVOKE, detail=reason, now=now)
