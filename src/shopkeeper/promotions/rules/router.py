"""HTTP: /api/v1/shops/{shop}/promotion-rules — manage (promotions.write), read (orders.read).

Not /promotions/{id}: the cart's own endpoints take that path (`GET /promotions/available`,
`POST /promotions/apply`, `DELETE /promotions/{id}` removes a promotion from a cart).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from shopkeeper.cache import cache_store
from shopkeeper.deps import ClockDep, ContainerDep, SessionDep
from shopkeeper.kit.pagination import Page
from shopkeeper.promotions.rules import service
from shopkeeper.promotions.rules.params import PromotionKind
from shopkeeper.promotions.rules.schemas import PromotionCreate, PromotionRead, PromotionUpdate
from shopkeeper.shops import ShopAccess
from shopkeeper.shops.deps import require

router = APIRouter(prefix="/api/v1/shops/{shop}/promotion-rules", tags=["promotions"])
Manage = Annotated[ShopAccess, require("promotions.write")]
Read = Annotated[ShopAccess, require("orders.read")]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_promotion(
    data: PromotionCreate, session: SessionDep, clock: ClockDep, access: Manage,
    container: ContainerDep,
) -> PromotionRead:  # fmt: skip
    """`kind` names the rule and `params` its terms, e.g. {"kind": "buy_n_get_m",
    "params": {"buy": 3, "get": 1}}; `targets` limit it to products or categories."""
    return await service.create_promotion(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now(),
        cache=cache_store(container),
    )  # fmt: skip


@router.get("")
async def list_promotions(
    session: SessionDep,
    access: Read,
    active: bool | None = None,
    kind: PromotionKind | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[PromotionRead]:
    return await service.list_promotions(
        session, shop_id=access.shop.id, active=active, kind=kind, limit=limit, offset=offset
    )


@router.get("/{promotion_id}")
async def get_promotion(
    promotion_id: uuid.UUID, session: SessionDep, access: Read
) -> PromotionRead:
    return await service.get_promotion(session, shop_id=access.shop.id, promotion_id=promotion_id)


@router.patch("/{promotion_id}")
async def update_promotion(
    promotion_id: uuid.UUID,
    data: PromotionUpdate,
    session: SessionDep,
    clock: ClockDep,
    access: Manage,
    container: ContainerDep,
) -> PromotionRead:
    return await service.update_promotion(
        session, shop_id=access.shop.id, promotion_id=promotion_id, data=data,
        actor=access.actor, now=clock.now(), cache=cache_store(container),
    )  # fmt: skip


@router.delete("/{promotion_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_promotion(
    promotion_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: Manage,
    container: ContainerDep,
) -> Response:  # fmt: skip
    await service.delete_promotion(
        session, shop_id=access.shop.id, promotion_id=promotion_id, actor=access.actor,
        now=clock.now(), cache=cache_store(container),
    )  # fmt: skip
    return Response(status_code=status.HTTP_204_NO_CONTENT)
