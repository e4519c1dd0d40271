"""What the bot offers: the shop's published plans (and digital goods, courses) with prices,
and what a promo code takes off them, currency by currency."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog, orders, promotions
from shopkeeper.catalog import ProductKind, ProductRead, VariantRead
from shopkeeper.errors import AppError
from shopkeeper.shops import ShopRead

SOLD_KINDS = (ProductKind.PLAN, ProductKind.DIGITAL, ProductKind.COURSE)
MAX_OFFERS = 30  # buttons in one /buy list
STARS = "XTR"


@dataclass(frozen=True)
class Offer:
    """One variant of a published product, with its prices."""

    product: ProductRead
    variant: VariantRead

    @property
    def name(self) -> str:
        return (
            f"{self.product.name} — {self.variant.name}"
            if self.variant.name
            else (self.product.name)
        )

    @property
    def prices(self) -> dict[str, int]:
        return {p.currency: p.amount for p in self.variant.prices}


@dataclass(frozen=True)
class Price:
    """An offer's price in one currency and what the promo code takes off it."""

    currency: str
    amount: int
    discount: int = 0

    @property
    def total(self) -> int:
        return self.amount - self.discount


@dataclass(frozen=True)
class Pricing:
    prices: list[Price]
    code: str | None = None  # the promo code applied (to at least one currency)
    error: AppError | None = None  # why the code applies to no currency

    def in_currency(self, currency: str) -> Price | None:
        return next((p for p in self.prices if p.currency == currency), None)


def ordered_currencies(currencies: list[str], shop: ShopRead) -> list[str]:
    """The shop's own currency first, Stars last, others alphabetically between."""
    return sorted(currencies, key=lambda c: (c != shop.currency, c == STARS, c))


def _offers_of(product: ProductRead) -> list[Offer]:
    variants = sorted(product.variants, key=lambda v: (v.position, v.sku))
    return [Offer(product, v) for v in variants if v.prices]


async def list_offers(session: AsyncSession, *, shop: ShopRead) -> list[Offer]:
    """Published plans first, then digital products and courses: every priced variant."""
    offers: list[Offer] = []
    for kind in SOLD_KINDS:
        page = await catalog.list_published(session, shop_id=shop.id, kind=kind, limit=MAX_OFFERS)
        for product in sorted(page.items, key=lambda p: (p.name.lower(), p.id)):
            offers.extend(_offers_of(product))
    return offers[:MAX_OFFERS]


async def find_offer(
    session: AsyncSession, *, shop: ShopRead, variant_id: uuid.UUID
) -> Offer | None:
    return next((o for o in await list_offers(session, shop=shop) if o.variant.id == variant_id),
                None)  # fmt: skip


async def offers_of_product(
    session: AsyncSession, *, shop: ShopRead, key: str | uuid.UUID
) -> list[Offer]:
    """The live offers of one product named by id or slug (a deep link, a Renew button)."""
    wanted = str(key).lower()
    offers = await list_offers(session, shop=shop)
    named = [o.product.id for o in offers if wanted in _names(o.product)]
    return [o for o in offers if named and o.product.id == named[0]]


def _names(product: ProductRead) -> tuple[str, str, str]:
    return str(product.id), product.id.hex, product.slug


def list_price(offer: Offer, shop: ShopRead) -> Pricing:
    """The offer's prices without any code, the shop's currency first."""
    return Pricing(
        [Price(c, offer.prices[c]) for c in ordered_currencies(list(offer.prices), shop)]
    )


async def price(
    session: AsyncSession, *, shop: ShopRead, offer: Offer, code: str | None,
    customer_id: uuid.UUID | None, now: datetime,
) -> Pricing:  # fmt: skip
    """The offer's prices, discounted by `code` where it applies; the reason when nowhere."""
    if not code:
        return list_price(offer, shop)
    currencies = ordered_currencies(list(offer.prices), shop)
    first = await _first_purchase(session, shop, customer_id)
    prices, error, applied = [], None, None
    for currency in currencies:
        amount = offer.prices[currency]
        try:
            quote = await promotions.quote_promo_code(
                session, shop_id=shop.id, code=code, customer_id=customer_id, currency=currency,
                lines=[promotions.PromoLine(product_id=offer.product.id, amount=amount)],
                now=now, is_first_purchase=first,
            )  # fmt: skip
        except AppError as exc:
            error = error or exc
            prices.append(Price(currency, amount))
            continue
        applied = quote.code
        prices.append(Price(currency, amount, min(quote.discount, amount)))
    return Pricing(prices, code=applied, error=None if applied else error)


async def _first_purchase(
    session: AsyncSession, shop: ShopRead, customer_id: uuid.UUID | None
) -> bool:
    """Whether the customer never paid an order of this shop (first-purchase codes)."""
    if customer_id is None:
        return False
    page = await orders.list_orders(session, shop_id=shop.id, customer_id=customer_id, limit=200)
    return not any(order.paid_at is not None for order in page.items)
