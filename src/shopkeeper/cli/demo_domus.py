"""The Domus demo store (PLN, pl/en): the whole checkout of seed 004 on real data.

Categories with the default services_rules.yaml slugs (large appliances are carried in and
connected, furniture assembled, equipment installed) plus accessories and consumables;
fourteen physical products with prices, weights, sizes and stock (the robot vacuum is the
hot item: two left); the service products the default rules name by SKU; 2- and 3-year
warranties on appliances and equipment. The shipping methods, promotions, promo code,
sandbox gateway and consents are in demo_domus_checkout.py. Made through the contexts'
services, each piece only when missing, so the demo can run again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog, shops
from shopkeeper.catalog import PriceIn, ProductCreate, ProductFilter, ProductKind, VariantCreate
from shopkeeper.catalog.schemas import CategoryCreate, Dimensions
from shopkeeper.catalog.service import categories
from shopkeeper.checkout import warranty
from shopkeeper.checkout.warranty import WarrantyOfferCreate
from shopkeeper.cli.demo_domus_checkout import ensure_domus_checkout
from shopkeeper.cli.demo_sales import DEMO_ACTOR
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work

DOMUS = "domus"
CURRENCY = "PLN"

# slug → name; the first three are the slugs of the default services rules.
CATEGORIES = {
    "large-appliances": "Duże AGD",
    "furniture": "Meble",
    "equipment": "Sprzęt i instalacje",
    "accessories": "Akcesoria",
    "consumables": "Materiały eksploatacyjne",
}


@dataclass(frozen=True)
class Goods:
    sku: str
    name: str
    category: str  # a slug of CATEGORIES
    price: int  # PLN grosze
    grams: int
    sides_mm: tuple[int, int, int]
    stock: int
    warranty: bool = False  # offered the 2- and 3-year warranties


GOODS = (
    Goods("DOM-FRIDGE-185", "Lodówka Frost 185 No Frost", "large-appliances", 249_900, 68_000,
          (1850, 600, 650), 8, warranty=True),
    Goods("DOM-WASHER-8", "Pralka Aqua 8 kg", "large-appliances", 179_900, 72_000,
          (850, 600, 550), 6, warranty=True),
    Goods("DOM-DISHWASHER-60", "Zmywarka Clean 60 cm", "large-appliances", 159_900, 45_000,
          (850, 600, 600), 10, warranty=True),
    Goods("DOM-SOFA-OSLO", "Sofa Oslo 3-osobowa", "furniture", 349_900, 85_000,
          (2200, 950, 850), 4),
    Goods("DOM-WARDROBE-NORD", "Szafa Nord 2-drzwiowa", "furniture", 129_900, 95_000,
          (2000, 600, 180), 6),
    Goods("DOM-DESK-LOFT", "Biurko Loft 140 cm", "furniture", 69_900, 28_000,
          (1450, 720, 120), 12),
    Goods("DOM-AC-BREEZE", "Klimatyzator Breeze 3,5 kW", "equipment", 289_900, 38_000,
          (900, 450, 350), 5, warranty=True),
    Goods("DOM-HEATER-80", "Podgrzewacz wody Therm 80 l", "equipment", 99_900, 27_000,
          (800, 450, 450), 7, warranty=True),
    Goods("DOM-ROBOT-S7", "Robot sprzątający Robo S7 (hit)", "equipment", 149_900, 4_500,
          (380, 380, 120), 2, warranty=True),
    Goods("DOM-LAMP-LED", "Lampka biurkowa LED", "accessories", 12_900, 1_200,
          (400, 200, 150), 40),
    Goods("DOM-CUSHION", "Poduszka dekoracyjna 45×45", "accessories", 5_900, 500,
          (400, 300, 120), 80),  # vacuum-packed
    Goods("DOM-ORGANIZER", "Organizer na kable", "accessories", 3_900, 300,
          (250, 120, 80), 120),
    Goods("DOM-WATER-FILTER", "Filtr wody do lodówki", "consumables", 8_900, 300,
          (200, 80, 80), 150),
    Goods("DOM-MICROFIBRE", "Ściereczki z mikrofibry (6 szt.)", "consumables", 1_900, 250,
          (300, 200, 30), 500),
)  # fmt: skip
HOT_ITEM = "DOM-ROBOT-S7"

# The SKUs of the default services_rules.yaml, as catalog products of kind service.
SERVICES = {
    "SVC-CARRY-IN": ("Wniesienie", 9_900),
    "SVC-APPLIANCE-INSTALL": ("Podłączenie i instalacja AGD", 14_900),
    "SVC-ASSEMBLY": ("Montaż mebli", 19_900),
    "SVC-INSTALL": ("Instalacja sprzętu", 24_900),
    "SVC-SMS": ("Powiadomienia SMS o dostawie", 100),
    "SVC-GIFT-WRAP": ("Opakowanie prezentowe", 1_500),
    "SVC-EXTENDED-SUPPORT": ("Przedłużona obsługa", 4_900),
}
# SKU → (name, price, months)
WARRANTIES = {
    "DOM-WARRANTY-2Y": ("Gwarancja rozszerzona +2 lata", 19_900, 24),
    "DOM-WARRANTY-3Y": ("Gwarancja rozszerzona +3 lata", 29_900, 36),
}


async def ensure_domus(container: Container) -> None:
    """Create what the Domus store lacks (the shop itself exists: see demo.DEMO_SHOPS)."""
    async with unit_of_work(container.sessions) as session:
        shop = await shops.get_shop(session, slug=DOMUS)
        category_ids = await _categories(session, shop.id, container)
        skus = await _products(session, shop.id, category_ids, container)
        await _warranty_offers(session, shop.id, skus, container)
    await ensure_domus_checkout(container, shop=shop, category_ids=category_ids, variants=skus)


async def _categories(
    session: AsyncSession, shop_id: uuid.UUID, container: Container
) -> dict[str, uuid.UUID]:
    known = {c.slug: c.id for c in await catalog.list_categories(session, shop_id=shop_id)}
    for position, (slug, name) in enumerate(CATEGORIES.items()):
        if slug not in known:
            made = await categories.create_category(
                session, shop_id=shop_id, actor=DEMO_ACTOR, now=container.clock.now(),
                data=CategoryCreate(name=name, slug=slug, position=position),
            )  # fmt: skip
            known[slug] = made.id
    return known


async def _products(
    session: AsyncSession,
    shop_id: uuid.UUID,
    category_ids: dict[str, uuid.UUID],
    container: Container,
) -> dict[str, catalog.VariantRead]:
    """Every demo SKU's variant, creating the products that are not there yet."""
    found: dict[str, catalog.VariantRead] = {}
    for archived in (False, True):
        for product in await catalog.all_products(
            session, shop_id=shop_id, filters=ProductFilter(archived=archived)
        ):
            found.update({v.sku: v for v in product.variants})
    wanted = [_goods(g, category_ids[g.category]) for g in GOODS]
    wanted += [_simple(ProductKind.SERVICE, sku, n, p) for sku, (n, p) in SERVICES.items()]
    wanted += [_simple(ProductKind.WARRANTY, sku, n, p) for sku, (n, p, _) in WARRANTIES.items()]
    for data in wanted:
        sku = data.variants[0].sku
        if sku is not None and sku not in found:
            made = await catalog.create_product(
                session, shop_id=shop_id, data=data, actor=DEMO_ACTOR, now=container.clock.now()
            )
            found[sku] = made.variants[0]
    return found


def _goods(goods: Goods, category_id: uuid.UUID) -> ProductCreate:
    length, width, height = goods.sides_mm
    variant = VariantCreate(
        sku=goods.sku, weight_grams=goods.grams, stock=goods.stock,
        dimensions=Dimensions(length_mm=length, width_mm=width, height_mm=height),
        prices=[PriceIn(currency=CURRENCY, amount=goods.price)],
    )  # fmt: skip
    return ProductCreate(
        kind=ProductKind.PHYSICAL, name=goods.name, category_id=category_id, published=True,
        variants=[variant],
    )  # fmt: skip


def _simple(kind: ProductKind, sku: str, name: str, price: int) -> ProductCreate:
    variant = VariantCreate(sku=sku, prices=[PriceIn(currency=CURRENCY, amount=price)])
    return ProductCreate(kind=kind, name=name, published=True, variants=[variant])


async def _warranty_offers(
    session: AsyncSession,
    shop_id: uuid.UUID,
    skus: dict[str, catalog.VariantRead],
    container: Container,
) -> None:
    offered = {(o.product_id, o.variant_id) for o in
               await warranty.list_offers(session, shop_id=shop_id)}  # fmt: skip
    for goods in (g for g in GOODS if g.warranty):
        product_id = skus[goods.sku].product_id
        for sku, (_, _, months) in WARRANTIES.items():
            variant_id = skus[sku].id
            if (product_id, variant_id) not in offered:
                await warranty.create_offer(
                    session, shop_id=shop_id, actor=DEMO_ACTOR, now=container.clock.now(),
                    data=WarrantyOfferCreate(product_id=product_id, variant_id=variant_id,
                                             months=months),
                )  # fmt: skip
