"""The checkout session tests' store and the steps a shopper's client takes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import select

from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.cache import cache_store
from shopkeeper.catalog import ProductRead, VariantCreate
from shopkeeper.catalog.schemas import Dimensions
from shopkeeper.checkout.shipping import ShippingMethodRead
from shopkeeper.db import unit_of_work
from shopkeeper.promotions import PromoCodeRead
from shopkeeper.promotions.rules import PromotionCreate, PromotionRead, create_promotion
from shopkeeper.shops import ShopRead
from tests.builders.catalog import create_category, create_product, price_list
from tests.builders.promotions import create_promo_code
from tests.builders.services import create_sku_product, create_warranty_offer, save_services_rules
from tests.builders.shipping import create_shipping_method
from tests.builders.staff import shop_with_owner

RULES = """\
services:
  - sku: SVC-CARRY-IN
    kind: item
    categories: [large-appliances]
  - sku: SVC-GIFT-WRAP
    kind: standalone
"""


@dataclass
class Store:
    """Dom (PLN): a fridge (60 kg, large appliance) with a warranty offer and carrying in, a
    lamp (1 kg) with 10 % off, gift wrapping; a parcel locker (up to 25 kg) and a dated
    courier with a Sunday add-on; promo code SAVE5 (5 % off)."""

    shop: ShopRead
    fridge: ProductRead
    lamp: ProductRead
    warranty: ProductRead
    carry_in: ProductRead
    gift_wrap: ProductRead
    locker: ShippingMethodRead
    courier: ShippingMethodRead
    lamp_week: PromotionRead
    code: PromoCodeRead

    def url(self, suffix: str) -> str:
        return f"/api/v1/shops/{self.shop.slug}{suffix}"


async def _physical(
    container: Container, shop: ShopRead, name: str, price: int, grams: int,
    sides: tuple[int, int, int], **fields: Any,
) -> ProductRead:  # fmt: skip
    variant = VariantCreate(
        prices=price_list({"PLN": price}), weight_grams=grams, stock=20,
        dimensions=Dimensions(length_mm=sides[0], width_mm=sides[1], height_mm=sides[2]),
    )  # fmt: skip
    return await create_product(container, shop=shop, name=name, variants=[variant], **fields)


async def open_store(container: Container, client: AsyncClient) -> Store:
    shop, _ = await shop_with_owner(
        container, client, slug="dom", name="Dom", currency="PLN", timezone="Europe/Warsaw"
    )
    appliances = await create_category(container, shop=shop, name="Large appliances")
    fridge = await _physical(container, shop, "Fridge", 250_000, 60_000, (1800, 700, 650),
                             category_id=appliances.id)  # fmt: skip
    lamp = await _physical(container, shop, "Desk lamp", 10_000, 1_000, (400, 200, 200))
    warranty = await create_product(container, shop=shop, kind="warranty",
                                    name="Fridge warranty", prices={"PLN": 19_900})  # fmt: skip
    await create_warranty_offer(container, shop=shop, product_id=fridge.id,
                                variant_id=warranty.variants[0].id)  # fmt: skip
    carry_in = await create_sku_product(container, shop=shop, kind="service", sku="SVC-CARRY-IN",
                                        name="Carrying in", prices={"PLN": 4_900})  # fmt: skip
    gift_wrap = await create_sku_product(container, shop=shop, kind="service",
                                         sku="SVC-GIFT-WRAP", name="Gift wrap",
                                         prices={"PLN": 900})  # fmt: skip
    await save_services_rules(container, shop=shop, yaml=RULES)
    locker = await create_shipping_method(
        container, shop=shop, code="locker", name="Parcel locker", kind="parcel_locker",
        prices={"PLN": 999}, max_weight_grams=25_000, max_item_dimensions_mm=[640, 380, 410],
    )  # fmt: skip
    courier = await create_shipping_method(
        container, shop=shop, code="courier", name="Courier", kind="courier",
        prices={"PLN": 2_500}, requires_delivery_date=True, calendar_code="courier-pl",
        addons=[{"code": "sunday", "name": "Sunday delivery", "prices": {"PLN": 1_500},
                 "rule": "sunday"}],
    )  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        lamp_week = await create_promotion(
            session, shop_id=shop.id, actor=Actor.system("tests"), now=container.clock.now(),
            cache=cache_store(container), data=PromotionCreate.model_validate({
                "name": "Lamp week", "kind": "percent_off", "params": {"percent_bp": 1000},
                "targets": {"product_ids": [str(lamp.id)]},
            }),
        )  # fmt: skip
    code = await create_promo_code(container, shop=shop, code="SAVE5", percent_off_bp=500)
    return Store(shop, fridge, lamp, warranty, carry_in, gift_wrap, locker, courier,
                 lamp_week, code)  # fmt: skip


async def add(
    client: AsyncClient, store: Store, product: ProductRead, *, type: str = "offer",
    quantity: int = 1, parent: str | None = None, token: str | None = None,
) -> Response:  # fmt: skip
    body: dict[str, Any] = {"type": type, "variant_id": str(product.variants[0].id),
                            "quantity": quantity}  # fmt: skip
    if parent is not None:
        body["parent_item_id"] = parent
    headers = {"X-Cart-Token": token} if token else {}
    return await client.post(store.url("/cart/items"), json=body, headers=headers)


async def events(container: Container, *topics: str) -> list[OutboxEvent]:
    async with container.sessions() as session:
        stmt = select(OutboxEvent).where(OutboxEvent.topic.in_(topics))
        return list(await session.scalars(stmt.order_by(OutboxEvent.position)))


ADDRESS = {"name": "Ola Nowak", "street": "Marszałkowska 1", "city": "Warszawa",
           "country": "pl", "postal_code": "00950", "phone": "+48 600 100 200"}  # fmt: skip
