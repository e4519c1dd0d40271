"""The Domus demo store's checkout settings: shipping methods, promotions, a code, the gateway.

A dated courier (days from the delivery calendar, a Sunday and an evening add-on, cash on
delivery, free from 3000 zł), a parcel locker (25 kg, 64×38×41 cm; never large appliances
or furniture) and free pickup at the showroom; "second accessory −50 %" per pair, 3+1 on
consumables, 150 zł off from 2500 zł, a gift from 4000 zł; code DOMUS10; the sandbox
gateway; the consents asked at checkout (terms: required, marketing: optional; pl/en/ru).
Each piece is made only when missing (methods and consents by code, promotions by name).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog, payments, promotions, shops
from shopkeeper.cache import cache_store
from shopkeeper.checkout import customer, shipping
from shopkeeper.checkout.customer import ConsentCreate, ConsentTexts
from shopkeeper.checkout.shipping import (
    Addon,
    AddonRule,
    MethodKind,
    ShippingMethodCreate,
    ShippingMethodNotFound,
)
from shopkeeper.cli.demo_sales import DEMO_ACTOR
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.promotions import PromoCodeCreate, PromoCodeTaken
from shopkeeper.promotions.rules import PromotionCreate, create_promotion, list_promotions

PLN = "PLN"
CALENDAR_CODE = "domus-courier"
PROMO_CODE = "DOMUS10"
GIFT_SKU = "DOM-MICROFIBRE"


def shipping_methods(category_ids: Mapping[str, uuid.UUID]) -> list[ShippingMethodCreate]:
    bulky = [category_ids["large-appliances"], category_ids["furniture"]]
    return [
        ShippingMethodCreate(
            code="courier", name="Kurier — dostawa we wskazany dzień", kind=MethodKind.COURIER,
            prices={PLN: 4_900}, free_above={PLN: 300_000}, requires_delivery_date=True,
            calendar_code=CALENDAR_CODE, cash_on_delivery=True, position=0,
            addons=[
                Addon(code="sunday", name="Dostawa w niedzielę", prices={PLN: 2_900},
                      rule=AddonRule.SUNDAY),
                Addon(code="evening", name="Dostawa wieczorem (18–22)", prices={PLN: 1_900},
                      rule=AddonRule.SLOT, slot="evening"),
            ],
        ),
        ShippingMethodCreate(
            code="locker", name="Paczkomat", kind=MethodKind.PARCEL_LOCKER,
            prices={PLN: 1_499}, free_above={PLN: 20_000}, max_weight_grams=25_000,
            max_item_dimensions_mm=[640, 380, 410], excluded_category_ids=bulky, position=1,
        ),
        ShippingMethodCreate(
            code="pickup", name="Odbiór osobisty — salon Domus, Warszawa",
            kind=MethodKind.PICKUP, prices={PLN: 0}, position=2,
        ),
    ]  # fmt: skip


CONSENTS = (
    ConsentCreate(code="terms", required=True, position=0, texts=ConsentTexts(
        pl="Akceptuję regulamin sklepu Domus i politykę prywatności.",
        en="I accept the Domus shop terms and the privacy policy.",
        ru="Я принимаю условия магазина Domus и политику конфиденциальности.",
    )),
    ConsentCreate(code="marketing", required=False, position=1, texts=ConsentTexts(
        pl="Chcę otrzymywać e-mailem informacje o promocjach Domus (mogę zrezygnować w każdej "
           "chwili).",
        en="Send me Domus offers by email (I can unsubscribe at any time).",
        ru="Присылайте мне предложения Domus по электронной почте (можно отписаться в любой "
           "момент).",
    )),
)  # fmt: skip


def promotion_rules(
    category_ids: Mapping[str, uuid.UUID], gift: catalog.VariantRead
) -> list[PromotionCreate]:
    def rule(**fields: object) -> PromotionCreate:
        return PromotionCreate.model_validate(fields)

    return [
        rule(name="Drugie akcesorium −50 %", kind="second_item", priority=20,
             description="W każdej parze akcesoriów tańsze o połowę.",
             params={"percent_bp": 5_000, "within": "any"},
             targets={"category_ids": [str(category_ids["accessories"])]}),
        rule(name="3+1 gratis na materiały eksploatacyjne", kind="buy_n_get_m", priority=20,
             description="Co czwarty (najtańszy) gratis.", params={"buy": 3, "get": 1},
             targets={"category_ids": [str(category_ids["consumables"])]}),
        rule(name="150 zł taniej od 2500 zł", kind="cart_threshold", stackable=True,
             params={"minimum": {PLN: 250_000}, "amount_off": {PLN: 15_000}}),
        rule(name="Ściereczki gratis od 4000 zł", kind="gift", stackable=True, priority=-10,
             params={"product_id": str(gift.product_id), "variant_id": str(gift.id),
                     "minimum": {PLN: 400_000}, "value": {PLN: 1_900}}),
    ]  # fmt: skip


async def ensure_domus_checkout(
    container: Container,
    *,
    shop: shops.ShopRead,
    category_ids: Mapping[str, uuid.UUID],
    variants: Mapping[str, catalog.VariantRead],
) -> None:
    async with unit_of_work(container.sessions) as session:
        await _shipping(session, shop.id, category_ids, container)
        await _promotions(session, shop.id, category_ids, variants[GIFT_SKU], container)
        await _promo_code(session, shop.id, container)
        await _consents(session, shop.id, container)
        await payments.configure_gateway_if_absent(
            session, shop=shop, provider="sandbox", config={}, actor=DEMO_ACTOR,
            secrets=container.secrets, settings=container.settings, now=container.clock.now(),
        )  # fmt: skip


async def _shipping(
    session: AsyncSession,
    shop_id: uuid.UUID,
    category_ids: Mapping[str, uuid.UUID],
    container: Container,
) -> None:
    for method in shipping_methods(category_ids):
        try:
            await shipping.get_method_by_code(
                session, shop_id=shop_id, code=method.code, active_only=False
            )
        except ShippingMethodNotFound:
            await shipping.create_method(
                session, shop_id=shop_id, data=method, actor=DEMO_ACTOR,
                now=container.clock.now(), cache=cache_store(container),
            )  # fmt: skip


async def _promotions(
    session: AsyncSession,
    shop_id: uuid.UUID,
    category_ids: Mapping[str, uuid.UUID],
    gift: catalog.VariantRead,
    container: Container,
) -> None:
    known = await list_promotions(session, shop_id=shop_id, limit=200)
    names = {p.name for p in known.items}
    for data in promotion_rules(category_ids, gift):
        if data.name not in names:
            await create_promotion(
                session, shop_id=shop_id, data=data, actor=DEMO_ACTOR, now=container.clock.now(),
                cache=cache_store(container),
            )  # fmt: skip


async def _promo_code(session: AsyncSession, shop_id: uuid.UUID, container: Container) -> None:
    data = PromoCodeCreate(
        code=PROMO_CODE, description="10 % na zamówienie od 1000 zł", percent_off_bp=1_000,
        minimum_amount={PLN: 100_000},
    )  # fmt: skip
    try:
        await promotions.create_promo_code(
            session, shop_id=shop_id, data=data, actor=DEMO_ACTOR, now=container.clock.now()
        )
    except PromoCodeTaken:  # made by an earlier run (the insert ran in its own savepoint)
        pass


async def _consents(session: AsyncSession, shop_id: uuid.UUID, container: Container) -> None:
    known = {c.code for c in await customer.list_consents(session, shop_id=shop_id)}
    for data in CONSENTS:
        if data.code not in known:
            await customer.create_consent(
                session, shop_id=shop_id, data=data, actor=DEMO_ACTOR, now=container.clock.now()
            )
