"""Managing promo codes: create one, generate a batch, list, read, deactivate, usage."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, identity
from shopkeeper.audit import Actor
from shopkeeper.kit.ids import new_id
from shopkeeper.kit.pagination import Page
from shopkeeper.promotions.errors import PromoCodeNotFound, PromoCodeTaken
from shopkeeper.promotions.generator import bulk_codes
from shopkeeper.promotions.models import PromoCode
from shopkeeper.promotions.repository import PromoCodeRepository, RedemptionRepository
from shopkeeper.promotions.schemas import (
    PromoBulkCreate,
    PromoBulkCreated,
    PromoCodeCreate,
    PromoCodeRead,
    PromoTerms,
    RedemptionRead,
)

MAX_COLLISION_ROUNDS = 5


def _terms(data: PromoTerms) -> dict[str, Any]:
    return {
        "description": data.description,
        "percent_off_bp": data.percent_off_bp,
        "amount_off": data.amount_off,
        "minimum_amount": data.minimum_amount,
        "product_ids": [str(p) for p in data.product_ids],
        "valid_from": data.valid_from,
        "valid_until": data.valid_until,
        "first_purchase_only": data.first_purchase_only,
    }


async def create_promo_code(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    data: PromoCodeCreate,
    actor: Actor,
    now: datetime,
) -> PromoCodeRead:
    """A new code; the same code (any letter case) twice in one shop → PromoCodeTaken; a code
    for one customer names a customer of this shop (CustomerNotFound otherwise)."""
    if data.customer_id is not None:
        owner = await identity.get_customer(session, shop_id=shop_id, customer_id=data.customer_id)
        data = data.model_copy(update={"customer_id": owner.id})  # a merged-away id: survivor
    promo = PromoCode(
        id=new_id(), shop_id=shop_id, code=data.code, max_uses=data.max_uses,
        max_uses_per_customer=data.max_uses_per_customer, customer_id=data.customer_id,
        used_count=0, active=True, created_at=now, updated_at=now, **_terms(data),
    )  # fmt: skip
    try:
        async with session.begin_nested():
            session.add(promo)
            await session.flush()
    except IntegrityError:
        raise PromoCodeTaken(data.code) from None
    read = PromoCodeRead.model_validate(promo)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="promo_code.created",
        target_type="promo_code", target_id=promo.id, after=read.model_dump(mode="json"),
        now=now,
    )  # fmt: skip
    return read


async def generate_promo_codes(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    data: PromoBulkCreate,
    actor: Actor,
    now: datetime,
) -> PromoBulkCreated:
    """`count` single-use codes sharing `data`'s terms, inserted in one statement."""
    repo = PromoCodeRepository(session)
    codes = await _fresh_codes(repo, shop_id, data.prefix, data.count)
    batch_id, terms = new_id(), _terms(data)
    rows = [
        {"id": new_id(), "shop_id": shop_id, "code": code, "max_uses": 1,
         "max_uses_per_customer": None, "used_count": 0, "active": True, "batch_id": batch_id,
         "created_at": now, "updated_at": now, **terms}
        for code in codes
    ]  # fmt: skip
    try:
        async with session.begin_nested():
            await repo.insert_many(rows)
    except IntegrityError:
        raise PromoCodeTaken(f"{data.prefix}-…") from None
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="promo_code.generated",
        target_type="promo_code_batch", target_id=batch_id,
        after=data.model_dump(mode="json"),
        now=now,
    )  # fmt: skip
    return PromoBulkCreated(batch_id=batch_id, count=len(codes), codes=codes)


async def _fresh_codes(
    repo: PromoCodeRepository, shop_id: uuid.UUID, prefix: str, count: int
) -> list[str]:
    """Random codes none of which the shop already has (collisions are astronomically rare)."""
    codes = bulk_codes(prefix, count)
    for _ in range(MAX_COLLISION_ROUNDS):
        clashes = await repo.existing_codes(shop_id, codes)
        if not clashes:
            return codes
        keep = [c for c in codes if c not in clashes]
        codes = keep + bulk_codes(prefix, len(clashes), taken=clashes | set(keep))
    raise PromoCodeTaken(f"{prefix}-…")


async def get_promo_code(
    session: AsyncSession, *, shop_id: uuid.UUID, promo_code_id: uuid.UUID
) -> PromoCodeRead:
    promo = await PromoCodeRepository(session).get(shop_id, promo_code_id)
    if promo is None:
        raise PromoCodeNotFound()
    return PromoCodeRead.model_validate(promo)


async def list_promo_codes(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    active: bool | None = None,
    batch_id: uuid.UUID | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[PromoCodeRead]:
    """Newest first; filter by active or by the bulk batch they came from."""
    rows, total = await PromoCodeRepository(session).page(
        shop_id, active=active, batch_id=batch_id, limit=limit, offset=offset
    )
    items = [PromoCodeRead.model_validate(r) for r in rows]
    return Page[PromoCodeRead](items=items, total=total, limit=limit, offset=offset)


async def deactivate_promo_code(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    promo_code_id: uuid.UUID,
    actor: Actor,
    now: datetime,
) -> PromoCodeRead:
    """No new uses from now on; orders that already used it keep their discount."""
    promo = await PromoCodeRepository(session).get(shop_id, promo_code_id)
    if promo is None:
        raise PromoCodeNotFound()
    if promo.active:
        promo.active, promo.deactivated_at, promo.updated_at = False, now, now
        await session.flush()
        await audit.record(
            session, actor=actor, shop_id=shop_id, action="promo_code.deactivated",
            target_type="promo_code", target_id=promo.id, before={"active": True},
            after={"active": False}, now=now,
        )  # fmt: skip
    return PromoCodeRead.model_validate(promo)


async def list_redemptions(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    promo_code_id: uuid.UUID,
    limit: int = 50,
    offset: int = 0,
) -> Page[RedemptionRead]:
    """Who used a code, for which order, for how much; released uses included."""
    await get_promo_code(session, shop_id=shop_id, promo_code_id=promo_code_id)
    rows, total = await RedemptionRepository(session).page(
        shop_id, promo_code_id, limit=limit, offset=offset
    )
    items = [RedemptionRead.model_validate(r) for r in rows]
    return Page[RedemptionRead](items=items, total=total, limit=limit, offset=offset)
