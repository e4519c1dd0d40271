"""HTTP under /api/v1/shops/{shop}: the shopper's /checkout/consents and
/checkout/customer-data (no staff auth: the owner is the cart's, as for /cart), and the
staff's /consents (checkout.read / checkout.write; changes audited)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from shopkeeper.checkout.cart.deps import CartCaller, CartOwnerDep
from shopkeeper.checkout.customer import acceptance, consents, customer_data
from shopkeeper.checkout.customer.errors import CustomerDataNotFound
from shopkeeper.checkout.customer.language import choose_language
from shopkeeper.checkout.customer.schemas import (
    ConsentCreate,
    ConsentDetail,
    ConsentRead,
    ConsentsGive,
    ConsentUpdate,
    CustomerDataRead,
    CustomerDataWrite,
    ShopperConsents,
)
from shopkeeper.deps import ClockDep, SessionDep
from shopkeeper.shops import ShopAccess, require

router = APIRouter(prefix="/api/v1/shops/{shop}", tags=["checkout"])
CheckoutRead = Annotated[ShopAccess, require("checkout.read")]
CheckoutWrite = Annotated[ShopAccess, require("checkout.write")]
Lang = Annotated[str | None, Query(max_length=16, description="en, pl or ru")]


def _language(request: Request, caller: CartCaller, lang: str | None) -> str:
    return choose_language(
        requested=lang,
        accept_language=request.headers.get("accept-language"),
        default=caller.shop.default_language,
    )


@router.get("/checkout/consents")
async def shopper_consents(
    request: Request, caller: CartOwnerDep, session: SessionDep, lang: Lang = None
) -> ShopperConsents:
    """The consents the shop asks for: current texts in the shopper's language (`?lang=`,
    else Accept-Language, else the shop's), and whether each is accepted at that text."""
    return await acceptance.shopper_consents(
        session, shop_id=caller.shop.id, owner=caller.owner,
        language=_language(request, caller, lang), default_language=caller.shop.default_language,
    )  # fmt: skip


@router.post("/checkout/consents")
async def give_consents(
    data: ConsentsGive,
    request: Request,
    caller: CartOwnerDep,
    session: SessionDep,
    clock: ClockDep,
    lang: Lang = None,
) -> ShopperConsents:
    """Answer consents, each naming the text shown (`version_id` or `version`). 409
    `ConsentVersionOutdated` (with the current version) when that text has changed since;
    422 for a consent the shop does not ask for. All answers are taken, or none."""
    language = _language(request, caller, lang)
    await acceptance.give_consents(
        session, shop_id=caller.shop.id, owner=caller.owner, answers=data.consents,
        language=language, default_language=caller.shop.default_language, now=clock.now(),
    )  # fmt: skip
    return await acceptance.shopper_consents(
        session, shop_id=caller.shop.id, owner=caller.owner, language=language,
        default_language=caller.shop.default_language,
    )  # fmt: skip


@router.get("/checkout/customer-data")
async def get_customer_data(caller: CartOwnerDep, session: SessionDep) -> CustomerDataRead:
    """404 until the shopper gave it."""
    found = await customer_data.customer_data_of(session, shop_id=caller.shop.id,
                                                 owner=caller.owner)  # fmt: skip
    if found is None:
        raise CustomerDataNotFound()
    return found


@router.post("/checkout/customer-data")
async def provide_customer_data(
    data: CustomerDataWrite, caller: CartOwnerDep, session: SessionDep, clock: ClockDep
) -> CustomerDataRead:
    """Email, phone (international), name and an optional company invoice (tax id checked:
    PL NIP checksum, EU VAT formats); 422 names each wrong field."""
    return await customer_data.provide_customer_data(
        session, shop_id=caller.shop.id, owner=caller.owner, data=data, now=clock.now()
    )


@router.get("/consents")
async def list_consents(
    session: SessionDep, access: CheckoutRead, active: bool | None = None
) -> list[ConsentRead]:
    return await consents.list_consents(session, shop_id=access.shop.id, active=active)


@router.post("/consents", status_code=status.HTTP_201_CREATED)
async def create_consent(
    data: ConsentCreate, session: SessionDep, clock: ClockDep, access: CheckoutWrite
) -> ConsentRead:
    return await consents.create_consent(
        session, shop_id=access.shop.id, data=data, actor=access.actor, now=clock.now()
    )


@router.get("/consents/{consent_id}")
async def get_consent(
    consent_id: uuid.UUID, session: SessionDep, access: CheckoutRead
) -> ConsentDetail:
    return await consents.get_consent(session, shop_id=access.shop.id, consent_id=consent_id)


@router.patch("/consents/{consent_id}")
async def update_consent(
    consent_id: uuid.UUID,
    data: ConsentUpdate,
    session: SessionDep,
    clock: ClockDep,
    access: CheckoutWrite,
) -> ConsentRead:
    """New texts make a new version: answers to the earlier text no longer count."""
    return await consents.update_consent(
        session, shop_id=access.shop.id, consent_id=consent_id, data=data, actor=access.actor,
        now=clock.now(),
    )  # fmt: skip


@router.delete("/consents/{consent_id}")
async def deactivate_consent(
    consent_id: uuid.UUID, session: SessionDep, clock: ClockDep, access: CheckoutWrite
) -> ConsentRead:
    """Deactivate: no longer asked for; kept, with its versions, for the answers and orders
    that refer to it (PATCH {"active": true} asks for it again)."""
    return await consents.deactivate_consent(
        session, shop_id=access.shop.id, consent_id=consent_id, actor=access.actor,
        now=clock.now(),
    )  # fmt: skip
