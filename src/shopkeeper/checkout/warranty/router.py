"""HTTP: staff manage /warranty-offers (which warranty variant is sold with which product)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Response, status

from shopkeeper.checkout.warranty import service
from shopkeeper.checkout.warranty.schemas import (
    WarrantyOfferCreate,
    WarrantyOfferRead,
    WarrantyOfferUpdate,
)
from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.shops import ShopAccess, require

router = APIRouter(prefix="/api/v1/shops/{shop}", tags=["warranty"])
NO_CONTENT = status.HTTP_204_NO_CONTENT

CheckoutRead = Annotated[ShopAccess, require("checkout.read")]
CheckoutWrite = Annotated[ShopAccess, require("checkout.write")]


@router.get("/warranty-offers")
async def list_warranty_offers(
    session: SessionDep, access: CheckoutRead, product_id: uuid.UUID | None = None
) -> list[WarrantyOfferRead]:
    return await service.list_offers(session, shop_id=access.shop.id, product_id=product_id)


@router.post("/warranty-offers", status_code=status.HTTP_201_CREATED)
async def create_warranty_offer(
    data: WarrantyOfferCreate, session: SessionDep, clock: ClockDep, access: CheckoutWrite
) -> WarrantyOfferRead:
    """`variant_id` of a warranty product, sold with the physical `product_id` (else 422)."""
    return await service.create_offer(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )


@router.get("/warranty-offers/{offer_id}")
async def get_warranty_offer(
    offer_id: uuid.UUID, session: SessionDep, access: CheckoutRead
) -> WarrantyOfferRead:
    return await service.get_offer(session, shop_id=access.shop.id, offer_id=offer_id)


@router.patch("/warranty-offers/{offer_id}")
async def update_warranty_offer(
    offer_id: uuid.UUID,
    data: WarrantyOfferUpdate,
    session: SessionDep,
    clock: ClockDep,
    access: CheckoutWrite,
) -> WarrantyOfferRead:
    return await service.update_offer(
        session, shop_id=access.shop.id, offer_id=offer_id, data=data, actor=access.actor,
        now=clock.now(),
    )  # fmt: skip


@router.delete("/warranty-offers/{offer_id}", status_code=NO_CONTENT)
async def delete_warranty_offer(
    offer_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: CheckoutWrite
) -> Response:
    await service.delete_offer(
        session, shop_id=access.shop.id, offer_id=offer_id, actor=access.actor, now=clock.now()
    )
    return Response(status_code=NO_CONTENT)
