"""Tax classes per shop (code, name, rate in basis points) and the catalog settings."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.catalog.errors import TaxClassInUse, TaxClassNotFound, TaxCodeTaken
from shopkeeper.catalog.models import CatalogSettings, TaxClass
from shopkeeper.catalog.schemas import (
    CatalogSettingsRead,
    CatalogSettingsUpdate,
    TaxClassCreate,
    TaxClassRead,
    TaxClassUpdate,
)
from shopkeeper.catalog.service.common import flush, update_audited
from shopkeeper.catalog.taxonomy_repository import TaxonomyRepository


async def list_tax_classes(session: AsyncSession, *, shop_id: uuid.UUID) -> list[TaxClassRead]:
    rows = await TaxonomyRepository(session).list_tax_classes(shop_id)
    return [TaxClassRead.model_validate(t) for t in rows]


async def get_tax_class(
    session: AsyncSession, *, shop_id: uuid.UUID, tax_class_id: uuid.UUID
) -> TaxClassRead:
    return TaxClassRead.model_validate(
        await _get(TaxonomyRepository(session), shop_id, tax_class_id)
    )


async def _get(repo: TaxonomyRepository, shop_id: uuid.UUID, tax_class_id: uuid.UUID) -> TaxClass:
    tax_class = await repo.get_tax_class(shop_id, tax_class_id)
    if tax_class is None:
        raise TaxClassNotFound()
    return tax_class


async def create_tax_class(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    data: TaxClassCreate,
    actor: Actor,
    now: datetime,
) -> TaxClassRead:
    repo = TaxonomyRepository(session)
    if await repo.tax_code_taken(shop_id, data.code):
        raise TaxCodeTaken(data.code)
    tax_class = TaxClass(
        shop_id=shop_id,
        code=data.code,
        name=data.name,
        rate_bp=data.rate_bp,
        created_at=now,
        updated_at=now,
    )
    repo.add(tax_class)
    await flush(session)
    read = TaxClassRead.model_validate(tax_class)
    await audit.record(
        session,
        actor=actor,
        shop_id=shop_id,
        action="tax_class.created",
        target_type="tax_class",
        target_id=tax_class.id,
        after=read.model_dump(),
        now=now,
    )
    return read


async def update_tax_class(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    tax_class_id: uuid.UUID,
    data: TaxClassUpdate,
    actor: Actor,
    now: datetime,
) -> TaxClassRead:
    """A new rate applies to orders placed from now on; placed orders keep their snapshot."""
    repo = TaxonomyRepository(session)
    tax_class = await _get(repo, shop_id, tax_class_id)
    changes = data.changes()
    code = changes.get("code")
    if code is not None and await repo.tax_code_taken(shop_id, code, exclude=tax_class.id):
        raise TaxCodeTaken(code)
    return await update_audited(
        session, tax_class, changes, read=TaxClassRead, action="tax_class.updated",
        target_type="tax_class", shop_id=shop_id, actor=actor, now=now,
    )  # fmt: skip


async def delete_tax_class(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    tax_class_id: uuid.UUID,
    actor: Actor,
    now: datetime,
) -> None:
    """Refused while live products use it; archived products simply lose the reference."""
    repo = TaxonomyRepository(session)
    tax_class = await _get(repo, shop_id, tax_class_id)
    if in_use := await repo.products_using_tax_class(tax_class.id):
        raise TaxClassInUse(in_use)
    before = TaxClassRead.model_validate(tax_class).model_dump()
    await repo.detach_tax_class(shop_id, tax_class.id)
    await repo.delete(tax_class)
    await flush(session)
    await audit.record(
        session,
        actor=actor,
        shop_id=shop_id,
        action="tax_class.deleted",
        target_type="tax_class",
        target_id=tax_class_id,
        before=before,
        now=now,
    )


async def get_catalog_settings(session: AsyncSession, *, shop_id: uuid.UUID) -> CatalogSettingsRead:
    """The shop's catalog settings (defaults until changed: prices include tax)."""
    row = await TaxonomyRepository(session).get_settings(shop_id)
    return (
        CatalogSettingsRead()
        if row is None
        else CatalogSettingsRead(prices_include_tax=row.prices_include_tax)
    )


async def update_catalog_settings(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    data: CatalogSettingsUpdate,
    actor: Actor,
    now: datetime,
) -> CatalogSettingsRead:
    repo = TaxonomyRepository(session)
    row = await repo.get_settings(shop_id)
    before = await get_catalog_settings(session, shop_id=shop_id)
    if row is None:
        row = CatalogSettings(shop_id=shop_id)
        repo.add(row)
    row.prices_include_tax = data.prices_include_tax
    row.updated_at = now
    await flush(session)
    after = CatalogSettingsRead(prices_include_tax=row.prices_include_tax)
    if after != before:
        await audit.record(
            session,
            actor=actor,
            shop_id=shop_id,
            action="catalog_settings.updated",
            target_type="catalog_settings",
            target_id=shop_id,
            before=before.model_dump(),
            after=after.model_dump(),
            now=now,
        )
    return after
