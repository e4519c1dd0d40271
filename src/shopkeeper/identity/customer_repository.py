"""All SQL of customers and their linked identities."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.identity.models import Customer, CustomerIdentity


class CustomerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Customer | CustomerIdentity) -> None:
        self.session.add(row)

    async def get(self, shop_id: uuid.UUID, customer_id: uuid.UUID) -> Customer | None:
        stmt = select(Customer).where(Customer.shop_id == shop_id, Customer.id == customer_id)
        return await self.session.scalar(stmt)

    async def lock(self, shop_id: uuid.UUID, customer_ids: list[uuid.UUID]) -> list[Customer]:
        """Lock the rows in id order (PostgreSQL) so concurrent merges cannot interleave."""
        stmt = (
            select(Customer)
            .where(Customer.shop_id == shop_id, Customer.id.in_(customer_ids))
            .order_by(Customer.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return list(await self.session.scalars(stmt))

    async def find_identity(
        self, shop_id: uuid.UUID, kind: str, value: str
    ) -> CustomerIdentity | None:
        stmt = select(CustomerIdentity).where(
            CustomerIdentity.shop_id == shop_id,
            CustomerIdentity.kind == kind,
            CustomerIdentity.value == value,
        )
        return await self.session.scalar(stmt)

    async def identities(self, customer_id: uuid.UUID) -> Sequence[CustomerIdentity]:
        stmt = (
            select(CustomerIdentity)
            .where(CustomerIdentity.customer_id == customer_id)
            .order_by(CustomerIdentity.created_at, CustomerIdentity.id)
        )
        return (await self.session.scalars(stmt)).all()

    async def move_identities(self, from_id: uuid.UUID, into_id: uuid.UUID) -> None:
        stmt = (
            update(CustomerIdentity)
            .where(CustomerIdentity.customer_id == from_id)
            .values(customer_id=into_id)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)

    async def repoint_merged(self, from_id: uuid.UUID, into_id: uuid.UUID, now: object) -> None:
        """Customers merged earlier into `from_id` now point straight at the survivor."""
        stmt = (
            update(Customer)
            .where(Customer.merged_into_id == from_id)
            .values(merged_into_id=into_id, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(stmt)
