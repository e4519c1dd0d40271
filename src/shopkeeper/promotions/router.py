"""HTTP: /api/v1/shops/{shop}/promo-codes — manage (promotions.write), read (orders.read)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.kit.pagination import Page
from shopkeeper.promotions.schemas import (
    PromoBulkCreate,
    PromoBulkCreated,
    PromoCodeCreate,
    PromoCodeRead,
    RedemptionRead,
)
from shopkeeper.promotions.service import codes
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require

router = APIRouter(prefix="/api/v1/shops/{shop}/promo-codes", tags=["promo codes"])
Manage = Annotated[ShopAccess, require("promotions.write")]
Read = Annotated[ShopAccess, require("orders.read")]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_promo_code(
    data: PromoCodeCreate, session: SessionDep, clock: ClockDep, access: Manage
) -> PromoCodeRead:
    """Percent (`percent_off_bp`) or fixed per currency (`amount_off`); codes ignore case."""
    return await codes.create_promo_code(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )


@router.post("/bulk", status_code=status.HTTP_201_CREATED)
async def generate_promo_codes(
    data: PromoBulkCreate, session: SessionDep, clock: ClockDep, access: Manage
) -> PromoBulkCreated:
    """`count` (≤ 10,000) single-use codes `<PREFIX>-<10 random characters>`, returned once."""
    return await codes.generate_promo_codes(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )


@router.get("")
async def list_promo_codes(
    session: SessionDep,
    access: Read,
    active: bool | None = None,
    batch_id: uuid.UUID | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[PromoCodeRead]:
    return await codes.list_promo_codes(
        session, shop_id=access.shop.id, active=active, batch_id=batch_id, limit=limit,
        offset=offset,
    )  # fmt: skip


@router.get("/{promo_code_id}")
async def get_promo_code(
    promo_code_id: uuid.UUID, session: SessionDep, access: Read
) -> PromoCodeRead:
    return await codes.get_promo_code(session, shop_id=access.shop.id, promo_code_id=promo_code_id)


@router.post("/{promo_code_id}/deactivate")
async def deactivate_promo_code(
    promo_code_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Manage
) -> PromoCodeRead:
    """No new uses; orders that used it keep their discount."""
    return await codes.deactivate_promo_code(
        session, shop_id=access.shop.id, promo_code_id=promo_code_id, actor=access.actor,
        now=clock.now(),
    )  # fmt: skip


@router.get("/{promo_code_id}/redemptions")
async def list_redemptions(
    promo_code_id: uuid.UUID,
    session: SessionDep,
    access: Read,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[RedemptionRead]:
    """The usage list: which orders used the code, newest first, released uses included."""
    return await codes.list_redemptions(
        session, shop_id=access.shop.id, promo_code_id=promo_code_id, limit=limit,
        offset=offset,
    )  # fmt: skip
