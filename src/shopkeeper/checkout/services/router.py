"""HTTP: staff read and replace /services-rules; anyone may list /services/standalone."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from shopkeeper import shops
from shopkeeper.checkout.services import service
from shopkeeper.checkout.services.availability import ServiceOffer
from shopkeeper.checkout.services.schemas import ServicesRulesRead, ServicesRulesUpdate
from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.shops import ShopAccess, require
from shopkeeper.shops.deps import ShopSlug

router = APIRouter(prefix="/api/v1/shops/{shop}", tags=["services"])

CheckoutRead = Annotated[ShopAccess, require("checkout.read")]
CheckoutWrite = Annotated[ShopAccess, require("checkout.write")]


@router.get("/services-rules")
async def get_services_rules(session: SessionDep, access: CheckoutRead) -> ServicesRulesRead:
    """The shop's services_rules.yaml (or the default, version 0) and what it offers nothing
    for now (`problems`: an unpublished service, a SKU or category the shop lacks)."""
    return await service.get_rules(session, shop_id=access.shop.id)


@router.put("/services-rules")
async def put_services_rules(
    data: ServicesRulesUpdate, session: SessionDep, clock: ClockDep, access: CheckoutWrite
) -> ServicesRulesRead:
    """Replace the rules: 422 lists each problem with its line and rule; 409 when `version`
    is not the current one."""
    return await service.save_rules(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )


@router.get("/services/standalone")
async def standalone_services(
    shop: ShopSlug,
    session: SessionDep,
    currency: Annotated[str | None, Query(pattern=r"^[A-Za-z]{3}$")] = None,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2}$")] = None,
) -> list[ServiceOffer]:
    """Public: services for the whole order (SMS notification, gift wrap, ...), priced in
    `currency` (default: the shop's), named in `language` (default: the shop's)."""
    found = await shops.get_shop(session, slug=shop)
    return await service.available_standalone(
        session,
        shop_id=found.id,
        currency=currency or found.currency,
        language=language or found.default_language,
    )
