"""All SQL of customer data and consents; every query filters by the shop."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.customer.models import (
    Consent,
    ConsentAcceptance,
    ConsentVersion,
    CustomerData,
)


class CustomerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: CustomerData | Consent | ConsentVersion | ConsentAcceptance) -> None:
        self.session.add(row)

    async def customer_data(self, shop_id: uuid.UUID, cart_id: uuid.UUID) -> CustomerData | None:
        stmt = select(CustomerData).where(
            CustomerData.shop_id == shop_id, CustomerData.cart_id == cart_id
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def consents(self, shop_id: uuid.UUID, *, active: bool | None = None) -> list[Consent]:
        stmt = select(Consent).where(Consent.shop_id == shop_id)
        if active is not None:
            stmt = stmt.where(Consent.active == active)
        return list(await self.session.scalars(stmt.order_by(Consent.position, Consent.code)))

    async def consent(
        self, shop_id: uuid.UUID, consent_id: uuid.UUID, *, lock: bool = False
    ) -> Consent | None:
        stmt = select(Consent).where(Consent.shop_id == shop_id, Consent.id == consent_id)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def code_taken(self, shop_id: uuid.UUID, code: str) -> bool:
        stmt = select(Consent.id).where(Consent.shop_id == shop_id, Consent.code == code)
        return (await self.session.execute(stmt)).first() is not None

    async def current_versions(
        self, shop_id: uuid.UUID, consent_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, ConsentVersion]:
        """Each consent's current (highest numbered) version."""
        ids = list(consent_ids)
        if not ids:
            return {}
        latest = (
            select(ConsentVersion.consent_id, func.max(ConsentVersion.number).label("number"))
            .where(ConsentVersion.shop_id == shop_id, ConsentVersion.consent_id.in_(ids))
            .group_by(ConsentVersion.consent_id)
            .subquery()
        )
        stmt = select(ConsentVersion).join(
            latest,
            (ConsentVersion.consent_id == latest.c.consent_id)
            & (ConsentVersion.number == latest.c.number),
        )
        return {v.consent_id: v for v in await self.session.scalars(stmt)}

    async def versions(self, shop_id: uuid.UUID, consent_id: uuid.UUID) -> list[ConsentVersion]:
        stmt = select(ConsentVersion).where(
            ConsentVersion.shop_id == shop_id, ConsentVersion.consent_id == consent_id
        )
        return list(await self.session.scalars(stmt.order_by(ConsentVersion.number.desc())))

    async def versions_by_id(
        self, shop_id: uuid.UUID, version_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, ConsentVersion]:
        ids = list(version_ids)
        if not ids:
            return {}
        stmt = select(ConsentVersion).where(
            ConsentVersion.shop_id == shop_id, ConsentVersion.id.in_(ids)
        )
        return {v.id: v for v in await self.session.scalars(stmt)}

    async def acceptances(
        self, shop_id: uuid.UUID, cart_id: uuid.UUID
    ) -> dict[uuid.UUID, ConsentAcceptance]:
        """The cart's answers by consent id."""
        stmt = select(ConsentAcceptance).where(
            ConsentAcceptance.shop_id == shop_id, ConsentAcceptance.cart_id == cart_id
        )
        return {a.consent_id: a for a in await self.session.scalars(stmt)}
