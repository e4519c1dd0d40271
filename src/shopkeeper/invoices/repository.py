"""All SQL of the invoices context; every query is scoped to one shop."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.invoices.models import Invoice, InvoiceCounter, InvoiceSettings


class InvoiceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, invoice: Invoice) -> Invoice:
        self.session.add(invoice)
        return invoice

    async def get(self, shop_id: uuid.UUID, invoice_id: uuid.UUID) -> Invoice | None:
        return await self.session.scalar(
            select(Invoice).where(Invoice.shop_id == shop_id, Invoice.id == invoice_id)
        )

    async def get_any_shop(self, invoice_id: uuid.UUID) -> Invoice | None:
        """By id alone: for a signed customer link, whose signature names the invoice."""
        return await self.session.get(Invoice, invoice_id)

    async def by_order(self, shop_id: uuid.UUID, order_id: uuid.UUID) -> Invoice | None:
        return await self.session.scalar(
            select(Invoice).where(Invoice.shop_id == shop_id, Invoice.order_id == order_id)
        )

    async def page(
        self, shop_id: uuid.UUID, *, limit: int, offset: int
    ) -> tuple[Sequence[Invoice], int]:
        """Newest first (issue time, then number)."""
        where = Invoice.shop_id == shop_id
        total = await self.session.scalar(select(func.count()).select_from(Invoice).where(where))
        rows = await self.session.scalars(
            select(Invoice)
            .where(where)
            .order_by(Invoice.issued_at.desc(), Invoice.number.desc())
            .limit(limit)
            .offset(offset)
        )
        return rows.all(), int(total or 0)

    async def next_number(self, shop_id: uuid.UUID, year: int) -> int:
        """`INSERT … ON CONFLICT DO UPDATE SET value = value + 1 RETURNING value`: atomic.

        The conflicting row's lock orders concurrent issuers; a rolled-back issue takes its
        bump with it, so numbers have no gaps.
        """
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = (
            insert(InvoiceCounter)
            .values(shop_id=shop_id, year=year, value=1)
            .on_conflict_do_update(
                index_elements=[InvoiceCounter.shop_id, InvoiceCounter.year],
                set_={"value": InvoiceCounter.value + 1},
            )
            .returning(InvoiceCounter.value)
        )
        return int((await self.session.execute(statement)).scalar_one())


class SettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, shop_id: uuid.UUID) -> InvoiceSettings | None:
        return await self.session.scalar(
            select(InvoiceSettings).where(InvoiceSettings.shop_id == shop_id)
        )

    async def ensure(self, row: InvoiceSettings) -> InvoiceSettings:
        """The shop's row, inserting `row` unless a concurrent first save created one already."""
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        values = {c.name: getattr(row, c.key) for c in InvoiceSettings.__table__.columns}
        await self.session.execute(
            insert(InvoiceSettings).values(**values).on_conflict_do_nothing()
        )
        saved = await self.session.scalar(
            select(InvoiceSettings)
            .where(InvoiceSettings.shop_id == row.shop_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        assert saved is not None
        return saved
