"""All SQL of the access context; every query is scoped to one shop."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from shopkeeper.access.models import AccessLogEntry, AccessTarget, Grant, GrantSource, ProductTarget
from shopkeeper.access.schemas import AccessLogFilter, GrantFilter
from shopkeeper.kit.ids import new_id


def _insert(session: AsyncSession, table: Any) -> Any:
    """INSERT with ON CONFLICT support on SQLite and PostgreSQL alike."""
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


class TargetRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, target: AccessTarget) -> AccessTarget:
        self.session.add(target)
        return target

    async def get(self, shop_id: uuid.UUID, target_id: uuid.UUID) -> AccessTarget | None:
        query = select(AccessTarget).where(
            AccessTarget.shop_id == shop_id, AccessTarget.id == target_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def many(self, shop_id: uuid.UUID, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Any]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        query = select(AccessTarget).where(
            AccessTarget.shop_id == shop_id, AccessTarget.id.in_(wanted)
        )
        return {t.id: t for t in (await self.session.execute(query)).scalars()}

    async def page(
        self,
        shop_id: uuid.UUID,
        *,
        platform: str | None,
        active: bool | None,
        limit: int,
        offset: int,
    ) -> tuple[Sequence[AccessTarget], int]:
        where: list[Any] = [AccessTarget.shop_id == shop_id]
        if platform is not None:
            where.append(AccessTarget.platform == platform)
        if active is not None:
            where.append(AccessTarget.active.is_(active))
        total = await self.session.scalar(
            select(func.count()).select_from(AccessTarget).where(*where)
        )
        query = (
            select(AccessTarget)
            .where(*where)
            .order_by(AccessTarget.created_at.desc(), AccessTarget.id)
            .limit(limit)
            .offset(offset)
        )
        return (await self.session.execute(query)).scalars().all(), int(total or 0)

    async def for_products(
        self, shop_id: uuid.UUID, product_ids: Iterable[uuid.UUID], *, active_only: bool
    ) -> Sequence[AccessTarget]:
        """Targets any of `product_ids` grants, each once, in id order (the lock order)."""
        query = (
            select(AccessTarget)
            .join(ProductTarget, ProductTarget.target_id == AccessTarget.id)
            .where(
                ProductTarget.shop_id == shop_id,
                ProductTarget.product_id.in_(list(set(product_ids))),
            )
            .distinct()
            .order_by(AccessTarget.id)
        )
        if active_only:
            query = query.where(AccessTarget.active.is_(True))
        return (await self.session.execute(query)).scalars().all()

    async def ids_for_platform(self, shop_id: uuid.UUID, platform: str) -> list[uuid.UUID]:
        query = select(AccessTarget.id).where(
            AccessTarget.shop_id == shop_id, AccessTarget.platform == platform
        )
        return list((await self.session.execute(query)).scalars())

    async def product_ids(
        self, shop_id: uuid.UUID, target_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, list[uuid.UUID]]:
        query = (
            select(ProductTarget.target_id, ProductTarget.product_id)
            .where(ProductTarget.shop_id == shop_id, ProductTarget.target_id.in_(list(target_ids)))
            .order_by(ProductTarget.created_at, ProductTarget.product_id)
        )
        links: dict[uuid.UUID, list[uuid.UUID]] = {}
        for target_id, product_id in await self.session.execute(query):
            links.setdefault(target_id, []).append(product_id)
        return links

    async def link(
        self, shop_id: uuid.UUID, target_id: uuid.UUID, product_id: uuid.UUID, now: datetime
    ) -> bool:
        """Link once; False when the pair was linked already."""
        values = {"id": new_id(), "shop_id": shop_id, "product_id": product_id,
                  "target_id": target_id, "created_at": now}  # fmt: skip
        statement = (
            _insert(self.session, ProductTarget)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(ProductTarget.id)
        )
        return (await self.session.execute(statement)).first() is not None

    async def unlink(self, shop_id: uuid.UUID, target_id: uuid.UUID, product_id: uuid.UUID) -> bool:
        statement = (
            delete(ProductTarget)
            .where(
                ProductTarget.shop_id == shop_id,
                ProductTarget.target_id == target_id,
                ProductTarget.product_id == product_id,
            )
            .returning(ProductTarget.id)
        )
        return (await self.session.execute(statement)).first() is not None


class GrantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def ensure(
        self, shop_id: uuid.UUID, customer_id: uuid.UUID, target_ids: Sequence[uuid.UUID],
        now: datetime,
    ) -> None:  # fmt: skip
        """A grant row per target unless one exists (a concurrent insert waits, then skips)."""
        rows = [
            {"id": new_id(), "shop_id": shop_id, "customer_id": customer_id, "target_id": t,
             "state": "revoked", "reason": "", "created_at": now, "updated_at": now}
            for t in target_ids
        ]  # fmt: skip
        if rows:
            await self.session.execute(
                _insert(self.session, Grant).values(rows).on_conflict_do_nothing()
            )

    async def lock_for(
        self, shop_id: uuid.UUID, customer_id: uuid.UUID, target_ids: Sequence[uuid.UUID]
    ) -> Sequence[Grant]:
        """The customer's grants on `target_ids`, row-locked in id order (no deadlocks)."""
        query = select(Grant).where(
            Grant.shop_id == shop_id,
            Grant.customer_id == customer_id,
            Grant.target_id.in_(list(target_ids)),
        )
        return await self._locked(query)

    async def lock_ids(self, shop_id: uuid.UUID, grant_ids: Iterable[uuid.UUID]) -> Sequence[Grant]:
        query = select(Grant).where(Grant.shop_id == shop_id, Grant.id.in_(list(grant_ids)))
        return await self._locked(query)

    async def _locked(self, query: Any) -> Sequence[Grant]:
        query = query.order_by(Grant.id).with_for_update().execution_options(populate_existing=True)
        return (await self.session.execute(query)).scalars().all()

    async def get(self, shop_id: uuid.UUID, grant_id: uuid.UUID) -> Grant | None:
        query = (
            select(Grant)
            .where(Grant.shop_id == shop_id, Grant.id == grant_id)
            .options(selectinload(Grant.sources))
            .execution_options(populate_existing=True)
        )
        return (await self.session.execute(query)).scalar_one_or_none()

    async def page(
        self, shop_id: uuid.UUID, filters: GrantFilter, *, limit: int, offset: int
    ) -> tuple[Sequence[Grant], int]:
        where: list[Any] = [Grant.shop_id == shop_id]
        if filters.customer_id is not None:
            where.append(Grant.customer_id == filters.customer_id)
        if filters.target_id is not None:
            where.append(Grant.target_id == filters.target_id)
        if filters.state is not None:
            where.append(Grant.state == filters.state.value)
        total = await self.session.scalar(select(func.count()).select_from(Grant).where(*where))
        query = (
            select(Grant)
            .where(*where)
            .options(selectinload(Grant.sources))
            .order_by(Grant.updated_at.desc(), Grant.id)
            .limit(limit)
            .offset(offset)
        )
        return (await self.session.execute(query)).scalars().all(), int(total or 0)

    async def with_targets(
        self, shop_id: uuid.UUID, customer_id: uuid.UUID, states: Sequence[str]
    ) -> Sequence[tuple[Grant, AccessTarget]]:
        query = (
            select(Grant, AccessTarget)
            .join(AccessTarget, AccessTarget.id == Grant.target_id)
            .where(
                Grant.shop_id == shop_id, Grant.customer_id == customer_id, Grant.state.in_(states)
            )
            .order_by(AccessTarget.title, Grant.id)
        )
        return [(row[0], row[1]) for row in await self.session.execute(query)]

    async def ids_in_states(
        self, shop_id: uuid.UUID, states: Sequence[str], *, customer_id: uuid.UUID | None = None,
        target_ids: Sequence[uuid.UUID] | None = None, limit: int,
    ) -> list[uuid.UUID]:  # fmt: skip
        query = select(Grant.id).where(Grant.shop_id == shop_id, Grant.state.in_(states))
        if customer_id is not None:
            query = query.where(Grant.customer_id == customer_id)
        if target_ids is not None:
            query = query.where(Grant.target_id.in_(list(target_ids)))
        query = query.order_by(Grant.id).limit(limit)
        return list((await self.session.execute(query)).scalars())

    async def customers_in_states(
        self, shop_id: uuid.UUID, target_id: uuid.UUID, states: Sequence[str]
    ) -> list[uuid.UUID]:
        query = (
            select(Grant.customer_id)
            .where(Grant.shop_id == shop_id, Grant.target_id == target_id, Grant.state.in_(states))
            .order_by(Grant.customer_id)
        )
        return list((await self.session.execute(query)).scalars())

    async def find(
        self, shop_id: uuid.UUID, customer_id: uuid.UUID, target_id: uuid.UUID
    ) -> Grant | None:
        query = select(Grant).where(
            Grant.shop_id == shop_id, Grant.customer_id == customer_id, Grant.target_id == target_id
        )
        return (await self.session.execute(query)).scalar_one_or_none()


class SourceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def activate(
        self, grant: Grant, source_type: str, source_id: uuid.UUID, now: datetime
    ) -> bool:
        """Add the source or switch it back on; True when it was not active before."""
        values = {"id": new_id(), "shop_id": grant.shop_id, "grant_id": grant.id,
                  "source_type": source_type, "source_id": source_id, "active": True,
                  "created_at": now, "updated_at": now}  # fmt: skip
        inserted = await self.session.execute(
            _insert(self.session, GrantSource).values(**values).on_conflict_do_nothing()
            .returning(GrantSource.id)
        )  # fmt: skip
        if inserted.first() is not None:
            return True
        return await self._set_active(grant.id, source_type, source_id, True, now)

    async def deactivate(
        self, grant_id: uuid.UUID, source_type: str, source_id: uuid.UUID, now: datetime
    ) -> bool:
        """True when the source was active until now."""
        return await self._set_active(grant_id, source_type, source_id, False, now)

    async def _set_active(
        self, grant_id: uuid.UUID, source_type: str, source_id: uuid.UUID, active: bool,
        now: datetime,
    ) -> bool:  # fmt: skip
        statement = (
            update(GrantSource)
            .where(
                GrantSource.grant_id == grant_id,
                GrantSource.source_type == source_type,
                GrantSource.source_id == source_id,
                GrantSource.active.is_(not active),
            )
            .values(active=active, updated_at=now)
            .returning(GrantSource.id)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(statement)).first() is not None

    async def deactivate_all(self, grant_id: uuid.UUID, now: datetime) -> None:
        statement = (
            update(GrantSource)
            .where(GrantSource.grant_id == grant_id, GrantSource.active.is_(True))
            .values(active=False, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(statement)

    async def active_of(self, grant_id: uuid.UUID) -> list[tuple[str, uuid.UUID]]:
        query = (
            select(GrantSource.source_type, GrantSource.source_id)
            .where(GrantSource.grant_id == grant_id, GrantSource.active.is_(True))
            .order_by(GrantSource.created_at, GrantSource.id)
        )
        return [(row[0], row[1]) for row in await self.session.execute(query)]

    async def grants_of(
        self, shop_id: uuid.UUID, source_type: str, source_id: uuid.UUID
    ) -> list[uuid.UUID]:
        """Grants this source (still) feeds, active or not."""
        query = select(GrantSource.grant_id).where(
            GrantSource.shop_id == shop_id,
            GrantSource.source_type == source_type,
            GrantSource.source_id == source_id,
        )
        return sorted(set((await self.session.execute(query)).scalars()))


class LogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, entry: AccessLogEntry) -> AccessLogEntry:
        self.session.add(entry)
        return entry

    async def page(
        self, shop_id: uuid.UUID, filters: AccessLogFilter, *, limit: int, offset: int
    ) -> tuple[Sequence[AccessLogEntry], int]:
        where: list[Any] = [AccessLogEntry.shop_id == shop_id]
        if filters.customer_id is not None:
            where.append(AccessLogEntry.customer_id == filters.customer_id)
        if filters.target_id is not None:
            where.append(AccessLogEntry.target_id == filters.target_id)
        if filters.action is not None:
            where.append(AccessLogEntry.action == filters.action.value)
        total = await self.session.scalar(
            select(func.count()).select_from(AccessLogEntry).where(*where)
        )
        query = (
            select(AccessLogEntry)
            .where(*where)
            .order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return (await self.session.execute(query)).scalars().all(), int(total or 0)
