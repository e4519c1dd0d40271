"""ORM rows → the schemas public functions return (no ORM object leaves the catalog)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shopkeeper.catalog.media import MEDIA_PREFIX
from shopkeeper.catalog.models import Image, Product, Variant
from shopkeeper.catalog.schemas import (
    Dimensions,
    ImageRead,
    PeriodUnit,
    PlanTerms,
    PriceRead,
    ProductKind,
    ProductRead,
    VariantRead,
)

MediaUrl = Callable[[str], str]


def default_media_url(key: str) -> str:
    """Served by this app whatever the storage: /media/{key}."""
    return f"{MEDIA_PREFIX}/{key}"


def plan_terms(product: Product) -> PlanTerms | None:
    if product.kind != ProductKind.PLAN or product.period_unit is None:
        return None
    return PlanTerms(
        period_unit=PeriodUnit(product.period_unit),
        period_count=product.period_count or 1,
        trial_days=product.trial_days or 0,
        grace_days=product.grace_days or 0,
    )


def _dimensions(variant: Variant) -> Dimensions | None:
    if variant.length_mm is None or variant.width_mm is None or variant.height_mm is None:
        return None
    return Dimensions(
        length_mm=variant.length_mm, width_mm=variant.width_mm, height_mm=variant.height_mm
    )


def variant_read(variant: Variant) -> VariantRead:
    return VariantRead(
        id=variant.id,
        product_id=variant.product_id,
        sku=variant.sku,
        name=variant.name,
        attributes=dict(variant.attributes or {}),
        weight_grams=variant.weight_grams,
        dimensions=_dimensions(variant),
        stock=variant.stock,
        tracks_stock=variant.stock is not None,
        position=variant.position,
        prices=[PriceRead.model_validate(p) for p in variant.prices],
    )


def image_read(image: Image, media_url: MediaUrl = default_media_url) -> ImageRead:
    return ImageRead(
        id=image.id,
        url=media_url(image.storage_key),
        content_type=image.content_type,
        size_bytes=image.size_bytes,
        alt=image.alt,
        position=image.position,
        created_at=image.created_at,
    )


def product_read(product: Product, media_url: MediaUrl = default_media_url) -> ProductRead:
    """Needs the product loaded with its live variants, their prices and its images."""
    return ProductRead(
        id=product.id,
        shop_id=product.shop_id,
        kind=ProductKind(product.kind),
        name=product.name,
        slug=product.slug,
        description=product.description,
        category_id=product.category_id,
        tax_class_id=product.tax_class_id,
        published=product.published,
        published_at=product.published_at,
        archived_at=product.archived_at,
        plan=plan_terms(product),
        variants=[variant_read(v) for v in product.variants if v.archived_at is None],
        images=[image_read(i, media_url) for i in product.images],
        created_at=product.created_at,
        updated_at=product.updated_at,
    )


def product_audit(product: ProductRead) -> dict[str, Any]:
    """What the audit log keeps of a product change: its own fields, SKUs by id."""
    data = product.model_dump(mode="json", exclude={"variants", "images"})
    data["skus"] = {str(v.id): v.sku for v in product.variants}
    return data
