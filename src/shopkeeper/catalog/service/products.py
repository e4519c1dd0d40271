"""Products: create (with variants and prices), read, list, update, archive, publish."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, bus
from shopkeeper.audit import Actor
from shopkeeper.catalog.errors import InvalidPlanTerms, ProductArchived, ProductNotFound, SlugTaken
from shopkeeper.catalog.events import ProductPublished
from shopkeeper.catalog.models import Price, Product, Variant
from shopkeeper.catalog.repository import ProductRepository
from shopkeeper.catalog.schemas import (
    PlanTerms,
    ProductCreate,
    ProductFilter,
    ProductKind,
    ProductRead,
    ProductUpdate,
    VariantCreate,
)
from shopkeeper.catalog.service.common import (
    assign_skus,
    check_references,
    flush,
    free_product_slug,
)
from shopkeeper.catalog.views import MediaUrl, default_media_url, product_audit, product_read
from shopkeeper.kit.ids import new_id
from shopkeeper.kit.pagination import Page


async def record_product_change(
    session: AsyncSession,
    actor: Actor,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    action: str,
    now: datetime,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One audit entry about a product (its images and publication included)."""
    await audit.record(
        session, actor=actor, shop_id=shop_id, action=action, target_type="product",
        target_id=product_id, before=before, after=after, now=now,
    )  # fmt: skip


async def create_product(
    session: AsyncSession, *, shop_id: uuid.UUID, data: ProductCreate, actor: Actor, now: datetime
) -> ProductRead:
    """A product with its variants (one default variant when none are listed) and prices."""
    repo = ProductRepository(session)
    await check_references(
        session, shop_id, category_id=data.category_id, tax_class_id=data.tax_class_id
    )
    if data.slug is not None and await repo.slug_taken(shop_id, data.slug):
        raise SlugTaken(data.slug)
    slug = data.slug or await free_product_slug(session, shop_id, data.name)
    specs = data.variant_specs()
    skus = await assign_skus(session, shop_id, slug=slug, given=[v.sku for v in specs])
    product = _new_product(shop_id, data, slug, now)
    repo.add(product)
    await flush(session)
    for position, (spec, sku) in enumerate(zip(specs, skus, strict=True)):
        add_variant_rows(
            session, product, spec, sku=sku, position=spec.position or position, now=now
        )
    await flush(session)
    read = await get_product(session, shop_id=shop_id, product_id=product.id)
    await record_product_change(
        session, actor, shop_id, product.id, "product.created", now, after=product_audit(read)
    )
    if data.published:
        bus.publish(
            session,
            ProductPublished(product_id=product.id, shop_id=shop_id, kind=product.kind),
            now=now,
        )
    return read


def _new_product(shop_id: uuid.UUID, data: ProductCreate, slug: str, now: datetime) -> Product:
    plan = data.plan
    return Product(
        shop_id=shop_id,
        kind=data.kind.value,
        name=data.name,
        slug=slug,
        description=data.description,
        category_id=data.category_id,
        tax_class_id=data.tax_class_id,
        published=data.published,
        published_at=now if data.published else None,
        period_unit=plan.period_unit.value if plan else None,
        period_count=plan.period_count if plan else None,
        trial_days=plan.trial_days if plan else None,
        grace_days=plan.grace_days if plan else None,
        created_at=now,
        updated_at=now,
    )


def add_variant_rows(
    session: AsyncSession,
    product: Product,
    spec: VariantCreate,
    *,
    sku: str,
    position: int,
    now: datetime,
) -> Variant:
    """The variant row and its price rows (the caller checked kind rules and the SKU)."""
    dims = spec.dimensions
    variant = Variant(
        id=new_id(),
        shop_id=product.shop_id,
        product_id=product.id,
        sku=sku,
        name=spec.name.strip(),
        attributes=dict(spec.attributes),
        weight_grams=spec.weight_grams,
        length_mm=dims.length_mm if dims else None,
        width_mm=dims.width_mm if dims else None,
        height_mm=dims.height_mm if dims else None,
        stock=spec.stock,
        position=position,
        created_at=now,
        updated_at=now,
    )
    session.add(variant)
    for price in spec.prices:
        session.add(
            Price(
                shop_id=product.shop_id,
                variant_id=variant.id,
                currency=price.currency,
                amount=price.amount,
                updated_at=now,
            )
        )
    return variant


async def get_product(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    media_url: MediaUrl = default_media_url,
) -> ProductRead:
    """One product of the shop, archived ones included (ProductNotFound otherwise)."""
    product = await ProductRepository(session).get(shop_id, product_id)
    if product is None:
        raise ProductNotFound()
    return product_read(product, media_url)


async def get_products(
    session: AsyncSession, *, shop_id: uuid.UUID, product_ids: Collection[uuid.UUID],
    media_url: MediaUrl = default_media_url,
) -> dict[uuid.UUID, ProductRead]:  # fmt: skip
    """`get_product` for several products in a fixed number of queries; unknown ids left out."""
    rows = await ProductRepository(session).get_many(shop_id, product_ids)
    return {row.id: product_read(row, media_url) for row in rows}


async def list_products(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    filters: ProductFilter | None = None,
    limit: int = 50,
    offset: int = 0,
    media_url: MediaUrl = default_media_url,
) -> Page[ProductRead]:
    """A page of the shop's products, newest first (archived ones only when asked)."""
    rows, total = await ProductRepository(session).page(
        shop_id, filters or ProductFilter(), limit=limit, offset=offset
    )
    items = [product_read(p, media_url) for p in rows]
    return Page[ProductRead](items=items, total=total, limit=limit, offset=offset)


ALL_PAGE = 200


async def all_products(
    session: AsyncSession, *, shop_id: uuid.UUID, filters: ProductFilter
) -> list[ProductRead]:
    """Every product of the shop that `filters` match (read page by page): for callers that
    need a whole kind, e.g. the shop's service or warranty products."""
    found: list[ProductRead] = []
    offset, total = 0, 1
    while offset < total:
        page = await list_products(
            session, shop_id=shop_id, filters=filters, limit=ALL_PAGE, offset=offset
        )
        found.extend(page.items)
        total, offset = page.total, offset + ALL_PAGE
    return found


async def list_published(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    kind: ProductKind | None = None,
    category_id: uuid.UUID | None = None,
    search: str | None = None,
    limit: int = 50,
    offset: int = 0,
    media_url: MediaUrl = default_media_url,
) -> Page[ProductRead]:
    """What customers may see: published, not archived (storefront, bots; no auth)."""
    filters = ProductFilter(kind=kind, category_id=category_id, search=search, published=True)
    return await list_products(
        session, shop_id=shop_id, filters=filters, limit=limit, offset=offset, media_url=media_url
    )


async def live_product(session: AsyncSession, shop_id: uuid.UUID, product_id: uuid.UUID) -> Product:
    """The product, loaded for reading; ProductNotFound, or ProductArchived when archived."""
    product = await ProductRepository(session).get(shop_id, product_id)
    if product is None:
        raise ProductNotFound()
    if product.archived_at is not None:
        raise ProductArchived()
    return product


async def update_product(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    data: ProductUpdate,
    actor: Actor,
    now: datetime,
) -> ProductRead:
    """Change the given fields; `kind` never changes (orders and grants depend on it)."""
    product = await live_product(session, shop_id, product_id)
    changes = data.changes()
    await _check_changes(session, product, changes)
    before = product_audit(product_read(product))
    _apply(product, changes)
    product.updated_at = now
    await flush(session)
    read = await get_product(session, shop_id=shop_id, product_id=product_id)
    after = product_audit(read)
    if before != after:
        await record_product_change(
            session, actor, shop_id, product_id, "product.updated", now, before=before, after=after
        )
    return read


async def _check_changes(session: AsyncSession, product: Product, changes: dict[str, Any]) -> None:
    if "plan" in changes and (product.kind != ProductKind.PLAN or changes["plan"] is None):
        raise InvalidPlanTerms()
    slug = changes.get("slug")
    repo = ProductRepository(session)
    if slug is not None and await repo.slug_taken(product.shop_id, slug, exclude=product.id):
        raise SlugTaken(slug)
    await check_references(
        session,
        product.shop_id,
        category_id=changes.get("category_id"),
        tax_class_id=changes.get("tax_class_id"),
    )


def _apply(product: Product, changes: dict[str, object]) -> None:
    plan = changes.pop("plan", None)
    for name, value in changes.items():
        setattr(product, name, value)
    if isinstance(plan, PlanTerms):
        product.period_unit = plan.period_unit.value
        product.period_count = plan.period_count
        product.trial_days = plan.trial_days
        product.grace_days = plan.grace_days


async def archive_product(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    actor: Actor,
    now: datetime,
) -> None:
    """Soft delete: hidden and unsellable, its slug and SKUs free; past orders keep snapshots."""
    product = await ProductRepository(session).get(shop_id, product_id)
    if product is None:
        raise ProductNotFound()
    if product.archived_at is not None:
        return
    before = product_audit(product_read(product))
    product.archived_at = now
    product.published = False
    product.updated_at = now
    for variant in product.variants:
        variant.archived_at = now
        variant.updated_at = now
    await flush(session)
    await record_product_change(
        session,
        actor,
        shop_id,
        product_id,
        "product.archived",
        now,
        before=before,
        after={"archived_at": now.isoformat()},
    )


async def set_published(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_id: uuid.UUID,
    published: bool,
    actor: Actor,
    now: datetime,
) -> ProductRead:
    """Publish or unpublish; doing it twice changes nothing and is not audited twice."""
    product = await live_product(session, shop_id, product_id)
    if product.published != published:
        product.published = published
        product.published_at = now if published else product.published_at
        product.updated_at = now
        await flush(session)
        action = "product.published" if published else "product.unpublished"
        await record_product_change(
            session,
            actor,
            shop_id,
            product_id,
            action,
            now,
            before={"published": not published},
            after={"published": published},
        )
        if published:
            bus.publish(
                session,
                ProductPublished(product_id=product.id, shop_id=shop_id, kind=product.kind),
                now=now,
            )
    return await get_product(session, shop_id=shop_id, product_id=product_id)
