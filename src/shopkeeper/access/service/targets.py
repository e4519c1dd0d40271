"""Managing targets and which products grant them (staff actions, audited)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, catalog
from shopkeeper.access.errors import TargetNotFound, TargetTaken
from shopkeeper.access.models import AccessTarget
from shopkeeper.access.repository import TargetRepository
from shopkeeper.access.schemas import Platform, TargetCreate, TargetRead, TargetUpdate
from shopkeeper.audit import Actor
from shopkeeper.kit.ids import new_id
from shopkeeper.kit.pagination import Page


async def _read_all(session: AsyncSession, targets: list[AccessTarget]) -> list[TargetRead]:
    if not targets:
        return []
    shop_id = targets[0].shop_id
    links = await TargetRepository(session).product_ids(shop_id, [t.id for t in targets])
    return [
        TargetRead.model_validate(t).model_copy(update={"product_ids": links.get(t.id, [])})
        for t in targets
    ]


async def _read(session: AsyncSession, target: AccessTarget) -> TargetRead:
    return (await _read_all(session, [target]))[0]


async def _target(session: AsyncSession, shop_id: uuid.UUID, target_id: uuid.UUID) -> AccessTarget:
    target = await TargetRepository(session).get(shop_id, target_id)
    if target is None:
        raise TargetNotFound()
    return target


async def create_target(
    session: AsyncSession, *, shop_id: uuid.UUID, data: TargetCreate, actor: Actor, now: datetime
) -> TargetRead:
    """A new target; the same platform and external id twice in a shop → TargetTaken."""
    target = AccessTarget(
        id=new_id(), shop_id=shop_id, platform=data.platform.value, external_id=data.external_id,
        title=data.title, settings=data.settings, active=True, created_at=now, updated_at=now,
    )  # fmt: skip
    try:
        async with session.begin_nested():
            TargetRepository(session).add(target)
            await session.flush()
    except IntegrityError:
        raise TargetTaken(data.platform.value, data.external_id) from None
    read = await _read(session, target)
    await _audit(
        session, actor, read, "access_target.created", None, read.model_dump(mode="json"), now
    )
    return read


async def get_target(
    session: AsyncSession, *, shop_id: uuid.UUID, target_id: uuid.UUID
) -> TargetRead:
    """One of the shop's targets with the products that grant it (TargetNotFound otherwise)."""
    return await _read(session, await _target(session, shop_id, target_id))


async def get_targets(
    session: AsyncSession, *, shop_id: uuid.UUID, target_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, TargetRead]:
    """`get_target` for several targets in a fixed number of queries; unknown ids left out."""
    rows = await TargetRepository(session).many(shop_id, target_ids)
    return {read.id: read for read in await _read_all(session, list(rows.values()))}


async def list_targets(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    platform: Platform | None = None,
    active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[TargetRead]:
    """Newest first, optionally one platform's or only (in)active ones."""
    rows, total = await TargetRepository(session).page(
        shop_id, platform=platform.value if platform else None, active=active, limit=limit,
        offset=offset,
    )  # fmt: skip
    items = await _read_all(session, list(rows))
    return Page[TargetRead](items=items, total=total, limit=limit, offset=offset)


async def update_target(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    target_id: uuid.UUID,
    data: TargetUpdate,
    actor: Actor,
    now: datetime,
) -> TargetRead:
    """Title, settings or active; grants already made stay as they are."""
    target = await _target(session, shop_id, target_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    before = {k: getattr(target, k) for k in changes if getattr(target, k) != changes[k]}
    if before:
        for key in before:
            setattr(target, key, changes[key])
        target.updated_at = now
        await session.flush()
        after = {k: changes[k] for k in before}
        await _audit(session, actor, target, "access_target.updated", before, after, now)
    return await _read(session, target)


async def deactivate_target(
    session: AsyncSession, *, shop_id: uuid.UUID, target_id: uuid.UUID, actor: Actor, now: datetime
) -> TargetRead:
    """Purchases grant it no more; existing grants keep following their sources."""
    return await update_target(
        session, shop_id=shop_id, target_id=target_id, data=TargetUpdate(active=False),
        actor=actor, now=now,
    )  # fmt: skip


async def link_product(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    target_id: uuid.UUID,
    product_id: uuid.UUID,
    actor: Actor,
    now: datetime,
) -> TargetRead:
    """Buying the product grants the target from now on (linking twice changes nothing)."""
    target = await _target(session, shop_id, target_id)
    await catalog.get_product(session, shop_id=shop_id, product_id=product_id)  # ProductNotFound
    if await TargetRepository(session).link(shop_id, target_id, product_id, now):
        after = {"product_id": str(product_id)}
        await _audit(session, actor, target, "access_target.product_linked", None, after, now)
    return await _read(session, target)


async def unlink_product(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    target_id: uuid.UUID,
    product_id: uuid.UUID,
    actor: Actor,
    now: datetime,
) -> TargetRead:
    """New purchases of the product no longer grant the target; existing grants stay."""
    target = await _target(session, shop_id, target_id)
    if await TargetRepository(session).unlink(shop_id, target_id, product_id):
        before = {"product_id": str(product_id)}
        await _audit(session, actor, target, "access_target.product_unlinked", before, None, now)
    return await _read(session, target)


async def targets_for_product(
    session: AsyncSession, *, shop_id: uuid.UUID, product_id: uuid.UUID, active_only: bool = True
) -> list[TargetRead]:
    """What buying the product grants (active targets unless asked otherwise)."""
    rows = await TargetRepository(session).for_products(
        shop_id, [product_id], active_only=active_only
    )
    return await _read_all(session, list(rows))


async def _audit(
    session: AsyncSession,
    actor: Actor,
    target: AccessTarget | TargetRead,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    now: datetime,
) -> None:
    await audit.record(
        session, actor=actor, shop_id=target.shop_id, action=action, target_type="access_target",
        target_id=target.id, before=before, after=after, now=now,
    )  # fmt: skip
