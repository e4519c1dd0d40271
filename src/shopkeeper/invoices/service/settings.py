"""The shop's invoice settings: the seller's legal data and the numbering prefix."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.invoices.models import InvoiceSettings
from shopkeeper.invoices.repository import SettingsRepository
from shopkeeper.invoices.schemas import InvoiceSettingsRead, InvoiceSettingsUpdate
from shopkeeper.kit.ids import new_id


async def get_settings(session: AsyncSession, *, shop_id: uuid.UUID) -> InvoiceSettingsRead:
    """The saved settings, or the defaults (no legal data: receipts under the shop's name)."""
    row = await SettingsRepository(session).get(shop_id)
    return InvoiceSettingsRead() if row is None else _read(row)


async def update_settings(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    data: InvoiceSettingsUpdate,
    actor: Actor,
    now: datetime,
) -> InvoiceSettingsRead:
    """Replace the settings (audited); invoices already issued keep what they printed."""
    before = await get_settings(session, shop_id=shop_id)
    row = await SettingsRepository(session).ensure(
        InvoiceSettings(
            id=new_id(), shop_id=shop_id, created_at=now, updated_at=now,
            **InvoiceSettingsUpdate().model_dump(),
        )
    )  # fmt: skip
    for field, value in data.model_dump().items():
        setattr(row, field, value)
    row.updated_at = now
    await session.flush()
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="invoices.settings_updated",
        target_type="invoice_settings", target_id=shop_id,
        before=before.model_dump(mode="json", exclude={"updated_at"}),
        after=data.model_dump(mode="json"), now=now,
    )  # fmt: skip
    return _read(row)


def _read(row: InvoiceSettings) -> InvoiceSettingsRead:
    return InvoiceSettingsRead(
        legal_name=row.legal_name, address_lines=list(row.address_lines), tax_id=row.tax_id,
        number_prefix=row.number_prefix, footer=row.footer, configured=True,
        updated_at=row.updated_at,
    )  # fmt: skip
