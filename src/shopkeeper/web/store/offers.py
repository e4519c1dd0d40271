"""What the storefront sells: published plans (the tiers), digital goods and courses (bought
at once) and physical goods (put in the cart), each variant priced in the shop's currency."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog
from shopkeeper.catalog import ProductKind, ProductRead, VariantRead
from shopkeeper.shops import ShopRead

SOLD_KINDS = (ProductKind.PLAN, ProductKind.DIGITAL, ProductKind.COURSE)
CART_KINDS = (ProductKind.PHYSICAL,)  # bought through the cart and checkout pages
PAGE = 200  # products of one kind shown at most


@dataclass(frozen=True)
class Offer:
    """One variant of a product at its price in the shop's currency."""

    product: ProductRead
    variant: VariantRead
    amount: int
    currency: str

    @property
    def name(self) -> str:
        return self.variant.name or self.product.name


@dataclass(frozen=True)
class Card:
    """A product with the offers it has in the shop's currency, cheapest first."""

    product: ProductRead
    offers: list[Offer]

    @property
    def from_amount(self) -> int:
        return self.offers[0].amount

    @property
    def currency(self) -> str:
        return self.offers[0].currency

    @property
    def image_url(self) -> str | None:
        return self.product.images[0].url if self.product.images else None


@dataclass(frozen=True)
class Shelf:
    tiers: list[Card]  # plans, cheapest first
    products: list[Card]  # digital goods and courses, by name


def card(product: ProductRead, currency: str) -> Card | None:
    """The product's offers in `currency`; None when no variant is priced in it."""
    offers = []
    for variant in sorted(product.variants, key=lambda v: (v.position, v.sku)):
        price = next((p.amount for p in variant.prices if p.currency == currency), None)
        if price is not None:
            offers.append(Offer(product, variant, price, currency))
    offers.sort(key=lambda o: o.amount)
    return Card(product, offers) if offers else None


async def _cards(session: AsyncSession, shop: ShopRead, kind: ProductKind) -> list[Card]:
    page = await catalog.list_published(session, shop_id=shop.id, kind=kind, limit=PAGE)
    return [c for p in page.items if (c := card(p, shop.currency)) is not None]


async def shelf(session: AsyncSession, *, shop: ShopRead) -> Shelf:
    tiers = await _cards(session, shop, ProductKind.PLAN)
    tiers.sort(key=lambda c: (c.from_amount, c.product.name.lower()))
    kinds = (*SOLD_KINDS[1:], *CART_KINDS)
    products = [c for kind in kinds for c in await _cards(session, shop, kind)]
    products.sort(key=lambda c: c.product.name.lower())
    return Shelf(tiers=tiers, products=products)


async def find_card(session: AsyncSession, *, shop: ShopRead, key: str) -> Card | None:
    """The published product named by slug or id, as sold here; None otherwise."""
    wanted = key.lower()
    for kind in (*SOLD_KINDS, *CART_KINDS):
        for found in await _cards(session, shop, kind):
            if wanted in (found.product.slug, str(found.product.id), found.product.id.hex):
                return found
    return None


async def find_offer(
    session: AsyncSession, *, shop: ShopRead, variant_id: uuid.UUID
) -> Offer | None:
    for kind in SOLD_KINDS:
        for found in await _cards(session, shop, kind):
            for offer in found.offers:
                if offer.variant.id == variant_id:
                    return offer
    return None


async def find_cart_offer(
    session: AsyncSession, *, shop: ShopRead, variant_id: uuid.UUID
) -> Offer | None:
    """A published physical product's variant priced here (what "add to cart" takes)."""
    for kind in CART_KINDS:
        for found in await _cards(session, shop, kind):
            for offer in found.offers:
                if offer.variant.id == variant_id:
                    return offer
    return None
