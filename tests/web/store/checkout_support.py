"""The storefront checkout tests' shop (physical goods) and the steps a shopper's browser takes
through the cart and checkout pages (forms as the pages render them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from httpx import AsyncClient, Response

from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.cache import cache_store
from shopkeeper.catalog import ProductRead, VariantCreate
from shopkeeper.catalog.schemas import Dimensions
from shopkeeper.checkout import customer
from shopkeeper.checkout.shipping import ShippingMethodRead
from shopkeeper.db import unit_of_work
from shopkeeper.promotions.rules import PromotionCreate, create_promotion
from shopkeeper.shops import ShopRead
from tests.builders.catalog import create_category, create_product, price_list
from tests.builders.promotions import create_promo_code
from tests.builders.services import create_sku_product, create_warranty_offer, save_services_rules
from tests.builders.shipping import create_shipping_method
from tests.builders.staff import shop_with_owner
from tests.web.store.support import enable_sandbox

RULES = """\
services:
  - sku: SVC-CARRY-IN
    kind: item
    categories: [large-appliances]
  - sku: SVC-GIFT-WRAP
    kind: standalone
"""
ADDRESS = {"name": "Ola Nowak", "street": "Marszałkowska 1", "city": "Warszawa",
           "country": "PL", "postal_code": "00950", "phone": "+48 600 100 200"}  # fmt: skip


@dataclass
class Dom:
    """Dom (PLN; en, pl, ru): a fridge (60 kg) with a warranty and carrying in, a desk lamp
    (1 kg, "Lamp week" −10 %), gift wrap; a parcel locker (≤ 25 kg), a dated courier with a
    Sunday add-on and cash on delivery; promo code SAVE5 (−5 %); the sandbox gateway; consents
    "terms" (required; en, pl, ru) and "newsletter"."""

    shop: ShopRead
    fridge: ProductRead
    lamp: ProductRead
    locker: ShippingMethodRead
    courier: ShippingMethodRead

    @property
    def base(self) -> str:
        return f"/s/{self.shop.slug}"


async def _physical(
    container: Container, shop: ShopRead, name: str, price: int, grams: int,
    sides: tuple[int, int, int], **fields: Any,
) -> ProductRead:  # fmt: skip
    variant = VariantCreate(
        prices=price_list({"PLN": price}), weight_grams=grams, stock=20,
        dimensions=Dimensions(length_mm=sides[0], width_mm=sides[1], height_mm=sides[2]),
    )  # fmt: skip
    return await create_product(container, shop=shop, name=name, variants=[variant], **fields)


async def open_dom(container: Container, client: AsyncClient) -> Dom:
    shop, _ = await shop_with_owner(
        container, client, slug="dom", name="Dom", currency="PLN", timezone="Europe/Warsaw",
        languages=("en", "pl", "ru"),
    )  # fmt: skip
    appliances = await create_category(container, shop=shop, name="Large appliances")
    fridge = await _physical(container, shop, "Fridge", 250_000, 60_000, (1800, 700, 650),
                             category_id=appliances.id)  # fmt: skip
    lamp = await _physical(container, shop, "Desk lamp", 10_000, 1_000, (400, 200, 200))
    cover = await create_product(container, shop=shop, kind="warranty", name="Fridge warranty",
                                 prices={"PLN": 19_900})  # fmt: skip
    await create_warranty_offer(container, shop=shop, product_id=fridge.id,
                                variant_id=cover.variants[0].id)  # fmt: skip
    await create_sku_product(container, shop=shop, kind="service", sku="SVC-CARRY-IN",
                             name="Carrying in", prices={"PLN": 4_900})  # fmt: skip
    await create_sku_product(container, shop=shop, kind="service", sku="SVC-GIFT-WRAP",
                             name="Gift wrap", prices={"PLN": 900})  # fmt: skip
    await save_services_rules(container, shop=shop, yaml=RULES)
    locker = await create_shipping_method(
        container, shop=shop, code="locker", name="Parcel locker", kind="parcel_locker",
        prices={"PLN": 999}, max_weight_grams=25_000, max_item_dimensions_mm=[640, 380, 410],
    )  # fmt: skip
    courier = await create_shipping_method(
        container, shop=shop, code="courier", name="Courier", kind="courier",
        prices={"PLN": 2_500}, requires_delivery_date=True, calendar_code="courier-pl",
        cash_on_delivery=True,
        addons=[{"code": "sunday", "name": "Sunday delivery", "prices": {"PLN": 1_500},
                 "rule": "sunday"}],
    )  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        await create_promotion(
            session, shop_id=shop.id, actor=Actor.system("tests"), now=container.clock.now(),
            cache=cache_store(container), data=PromotionCreate.model_validate({
                "name": "Lamp week", "kind": "percent_off", "params": {"percent_bp": 1000},
                "targets": {"product_ids": [str(lamp.id)]},
            }),
        )  # fmt: skip
    await create_promo_code(container, shop=shop, code="SAVE5", percent_off_bp=500)
    await enable_sandbox(container, shop)
    await add_consent(container, shop, "terms", required=True, texts={
        "en": "I accept the terms of sale.", "pl": "Akceptuję regulamin sprzedaży.",
        "ru": "Я принимаю условия продажи."})  # fmt: skip
    await add_consent(container, shop, "newsletter", required=False,
                      texts={"en": "Send me the newsletter."})  # fmt: skip
    return Dom(shop, fridge, lamp, locker, courier)


async def add_consent(container: Container, shop: ShopRead, code: str, *, required: bool,
                      texts: dict[str, str]) -> customer.ConsentRead:  # fmt: skip
    data = customer.ConsentCreate.model_validate({"code": code, "required": required,
                                                  "texts": texts, "position": 0})  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        return await customer.create_consent(session, shop_id=shop.id, data=data,
                                             actor=Actor.system("tests"),
                                             now=container.clock.now())  # fmt: skip


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has a form with its CSRF token"
    return match.group(1)


async def form_post(client: AsyncClient, page: Response, path: str,
                    data: dict[str, Any] | None = None) -> Response:  # fmt: skip
    """Post a form of `page` (its CSRF token included) to `path`."""
    return await client.post(path, data={"csrf_token": csrf_of(page.text), **(data or {})})


async def add_to_cart(client: AsyncClient, dom: Dom, product: ProductRead,
                      quantity: int = 1) -> Response:  # fmt: skip
    """Press "Add to cart" on the product's page."""
    page = await client.get(f"{dom.base}/p/{product.slug}")
    assert page.status_code == 200, page.text
    variant = str(product.variants[0].id)
    return await form_post(client, page, f"{dom.base}/cart/add",
                           {"variant": variant, "quantity": str(quantity)})  # fmt: skip


def item_ids(html: str) -> list[str]:
    """The cart lines' ids, in page order (from their quantity forms)."""
    return re.findall(r'action="/s/dom/cart/items/([0-9a-f-]{36})"', html)


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', html, re.S)
    assert match, f"the page has #{element_id}"
    return " ".join(match.group(1).split())
