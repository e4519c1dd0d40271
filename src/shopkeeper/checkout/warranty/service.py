"""Warranty offers of a shop: list, read, create, change, delete (changes audited)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, catalog
from shopkeeper.audit import Actor
from shopkeeper.checkout.warranty.catalog_view import warranty_variants
from shopkeeper.checkout.warranty.errors import (
    InvalidWarrantyOffer,
    WarrantyOfferExists,
    WarrantyOfferNotFound,
)
from shopkeeper.checkout.warranty.models import WarrantyOffer
from shopkeeper.checkout.warranty.repository import WarrantyRepository
from shopkeeper.checkout.warranty.schemas import (
    WarrantyOfferCreate,
    WarrantyOfferRead,
    WarrantyOfferUpdate,
)

TARGET = "warranty_offer"


async def list_offers(
    session: AsyncSession, *, shop_id: uuid.UUID, product_id: uuid.UUID | None = None
) -> list[WarrantyOfferRead]:
    products = None if product_id is None else [product_id]
    rows = await WarrantyRepository(session).list(shop_id, product_ids=products)
    return [WarrantyOfferRead.model_validate(row) for row in rows]


async def get_offer(
    session: AsyncSession, *, shop_id: uuid.UUID, offer_id: uuid.UUID
) -> WarrantyOfferRead:
    return WarrantyOfferRead.model_validate(
        await _get(WarrantyRepository(session), shop_id, offer_id)
    )


async def _get(repo: WarrantyRepository, shop_id: uuid.UUID, offer_id: uuid.UUID) -> WarrantyOffer:
    offer = await repo.get(shop_id, offer_id)
    if offer is None:
        raise WarrantyOfferNotFound()
    return offer


async def _check_product(session: AsyncSession, shop_id: uuid.UUID, product_id: uuid.UUID) -> None:
    """The covered product is a live physical product of this shop."""
    try:
        product = await catalog.get_product(session, shop_id=shop_id, product_id=product_id)
    except catalog.ProductNotFound:
        raise InvalidWarrantyOffer(f"product_id: no product {product_id} in this shop") from None
    if product.archived_at is not None:
        raise InvalidWarrantyOffer(f"product_id: {product.name!r} is archived")
    if product.kind is not catalog.ProductKind.PHYSICAL:
        raise InvalidWarrantyOffer(
            f"product_id: {product.name!r} is a {product.kind.value} product; "
            "warranties cover physical products only"
        )


async def _check_variant(session: AsyncSession, shop_id: uuid.UUID, variant_id: uuid.UUID) -> None:
    variants = await warranty_variants(session, shop_id=shop_id, published_only=False)
    if variant_id not in variants:
        raise InvalidWarrantyOffer(
            f"variant_id: {variant_id} is not a live variant of a warranty product in this shop"
        )


async def create_offer(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    data: WarrantyOfferCreate,
    actor: Actor,
    now: datetime,
) -> WarrantyOfferRead:
    """Offer a warranty variant for a physical product (422 if either is not; 409 if already)."""
    await _check_product(session, shop_id, data.product_id)
    await _check_variant(session, shop_id, data.variant_id)
    repo = WarrantyRepository(session)
    if await repo.exists(data.product_id, data.variant_id):
        raise WarrantyOfferExists()
    offer = WarrantyOffer(
        shop_id=shop_id, product_id=data.product_id, variant_id=data.variant_id,
        months=data.months, active=data.active, created_at=now, updated_at=now,
    )  # fmt: skip
    repo.add(offer)
    try:
        await session.flush()
    except IntegrityError:  # a concurrent create of the same pair
        raise WarrantyOfferExists() from None
    read = WarrantyOfferRead.model_validate(offer)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="warranty_offer.created",
        target_type=TARGET, target_id=offer.id, after=read.model_dump(mode="json"), now=now,
    )  # fmt: skip
    return read


async def update_offer(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    offer_id: uuid.UUID,
    data: WarrantyOfferUpdate,
    actor: Actor,
    now: datetime,
) -> WarrantyOfferRead:
    repo = WarrantyRepository(session)
    offer = await _get(repo, shop_id, offer_id)
    before = WarrantyOfferRead.model_validate(offer)
    for name, value in data.changes().items():
        setattr(offer, name, value)
    offer.updated_at = now
    await session.flush()
    after = WarrantyOfferRead.model_validate(offer)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="warranty_offer.updated",
        target_type=TARGET, target_id=offer.id, before=before.model_dump(mode="json"),
        after=after.model_dump(mode="json"), now=now,
    )  # fmt: skip
    return after


async def delete_offer(
    session: AsyncSession, *, shop_id: uuid.UUID, offer_id: uuid.UUID, actor: Actor, now: datetime
) -> None:
    """Gone for new choices (a cart that holds it fails `validate_warranty_choice` again)."""
    repo = WarrantyRepository(session)
    offer = await _get(repo, shop_id, offer_id)
    before = WarrantyOfferRead.model_validate(offer).model_dump(mode="json")
    await repo.delete(offer)
    await session.flush()
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="warranty_offer.deleted",
        target_type=TARGET, target_id=offer_id, before=before, now=now,
    )  # fmt: skip
