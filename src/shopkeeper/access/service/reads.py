"""Reading grants and the access log; adapters record memberships here too."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.access.errors import InvalidLogAction, TargetNotFound
from shopkeeper.access.models import AccessLogEntry
from shopkeeper.access.repository import GrantRepository, LogRepository, TargetRepository
from shopkeeper.access.schemas import (
    MEMBERSHIP_ACTIONS,
    AccessLogFilter,
    AccessLogRead,
    CustomerGrant,
    GrantFilter,
    GrantRead,
    GrantStateName,
    LogAction,
)
from shopkeeper.kit.pagination import Page

# Entitled: at least one active source (the platform may still be catching up).
ENTITLED_STATES = ("granted", "pending", "action_required")


async def list_grants(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    filters: GrantFilter | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[GrantRead]:
    """Most recently changed first; filter by customer, target or state."""
    rows, total = await GrantRepository(session).page(
        shop_id, filters or GrantFilter(), limit=limit, offset=offset
    )
    items = [GrantRead.model_validate(r) for r in rows]
    return Page[GrantRead](items=items, total=total, limit=limit, offset=offset)


async def customer_grants(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID,
    include_revoked: bool = False,
) -> list[CustomerGrant]:
    """What the customer holds (the bot's /channels), by target title."""
    states = [*ENTITLED_STATES, "revoked"] if include_revoked else list(ENTITLED_STATES)
    rows = await GrantRepository(session).with_targets(shop_id, customer_id, states)
    return [
        CustomerGrant(
            grant_id=grant.id,
            target_id=target.id,
            platform=target.platform,
            external_id=target.external_id,
            title=target.title,
            state=GrantStateName(grant.state),
            join_url=grant.join_url,
            reason=grant.reason,
            granted_at=grant.granted_at,
        )
        for grant, target in rows
    ]


async def has_active_grant(
    session: AsyncSession, *, shop_id: uuid.UUID, target_id: uuid.UUID, customer_id: uuid.UUID
) -> bool:
    """Whether the customer is entitled to the target now (some purchase or staff grants it)."""
    grant = await GrantRepository(session).find(shop_id, customer_id, target_id)
    return grant is not None and grant.state in ENTITLED_STATES


async def customers_with_grant(
    session: AsyncSession, *, shop_id: uuid.UUID, target_id: uuid.UUID
) -> list[uuid.UUID]:
    """Every customer entitled to the target (to reconcile a chat's members with)."""
    return await GrantRepository(session).customers_in_states(shop_id, target_id, ENTITLED_STATES)


async def log_membership(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    target_id: uuid.UUID,
    customer_id: uuid.UUID | None,
    action: LogAction | str,
    detail: str = "",
    now: datetime,
) -> AccessLogRead:
    """Record what happened on the platform: join, leave, removal, approve or decline."""
    if action not in MEMBERSHIP_ACTIONS:
        raise InvalidLogAction(str(action), MEMBERSHIP_ACTIONS)
    if await TargetRepository(session).get(shop_id, target_id) is None:
        raise TargetNotFound()
    grant = None
    if customer_id is not None:
        grant = await GrantRepository(session).find(shop_id, customer_id, target_id)
    entry = LogRepository(session).add(
        AccessLogEntry(
            shop_id=shop_id, customer_id=customer_id, target_id=target_id,
            grant_id=grant.id if grant else None, action=LogAction(action).value,
            detail=detail[:500], at=now,
        )
    )  # fmt: skip
    await session.flush()
    return AccessLogRead.model_validate(entry)


async def list_access_log(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    filters: AccessLogFilter | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[AccessLogRead]:
    """Newest first; filter by customer, target or action."""
    rows, total = await LogRepository(session).page(
        shop_id, filters or AccessLogFilter(), limit=limit, offset=offset
    )
    items = [AccessLogRead.model_validate(r) for r in rows]
    return Page[AccessLogRead](items=items, total=total, limit=limit, offset=offset)
