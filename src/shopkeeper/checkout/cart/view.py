"""The materialised view of a cart: every line priced now from the catalog in the cart's
currency, its stock, what the shop's promotions take off it, gift lines, the totals.

Lines the catalog no longer sells (unpublished, archived, no price in the currency) stay in
the view with `available` false and a `problem`, and count in no total. Promotions see the
available lines only (`promotions.evaluate_cart`); they never change the cart.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog, promotions
from shopkeeper.catalog import ProductRead, SellableRead, VariantRead
from shopkeeper.checkout.cart.models import Cart, CartItem
from shopkeeper.checkout.cart.schemas import (
    CartView,
    CartViewGift,
    CartViewLine,
    CartViewPromotion,
    ItemType,
    LineDiscountRead,
)
from shopkeeper.promotions.rules import GiftLine


@dataclass
class _Catalog:
    """What the catalog says about the cart's variants, each asked once per build."""

    session: AsyncSession
    shop_id: uuid.UUID
    currency: str
    products: dict[uuid.UUID, ProductRead | None]
    sellables: dict[uuid.UUID, SellableRead | str]  # or why the variant cannot be bought

    async def product(self, product_id: uuid.UUID) -> ProductRead | None:
        if product_id not in self.products:
            try:
                self.products[product_id] = await catalog.get_product(
                    self.session, shop_id=self.shop_id, product_id=product_id
                )
            except catalog.ProductNotFound:
                self.products[product_id] = None
        return self.products[product_id]

    async def prefetch(self, items: Sequence[CartItem]) -> None:
        """Ask for every variant and product of the items at once (a few queries in all)."""
        variants = {item.variant_id for item in items} - set(self.sellables)
        found = await catalog.get_sellables(
            self.session, shop_id=self.shop_id, variant_ids=variants, currency=self.currency
        )
        for variant_id, sellable in found.items():
            self.sellables[variant_id] = _why_not(sellable, self.currency)
        products = {item.product_id for item in items} - set(self.products)
        known = await catalog.get_products(self.session, shop_id=self.shop_id,
                                           product_ids=products)  # fmt: skip
        for product_id in products:
            self.products[product_id] = known.get(product_id)

    async def sellable(self, variant_id: uuid.UUID) -> SellableRead | str:
        if variant_id not in self.sellables:
            try:
                self.sellables[variant_id] = await catalog.get_sellable(
                    self.session, shop_id=self.shop_id, variant_id=variant_id,
                    currency=self.currency,
                )  # fmt: skip
            except (catalog.VariantNotFound, catalog.PriceNotFound) as exc:
                self.sellables[variant_id] = _why_not(exc, self.currency)
        return self.sellables[variant_id]


def _why_not(
    found: SellableRead | catalog.VariantNotFound | catalog.PriceNotFound, currency: str
) -> SellableRead | str:
    """A sellable variant, or what the shopper is told about one that cannot be bought."""
    if isinstance(found, catalog.VariantNotFound):
        return "This is no longer sold"
    if isinstance(found, catalog.PriceNotFound):
        return f"This has no price in {currency}"
    return found


def empty_view(currency: str, now: datetime) -> CartView:
    """What an owner without a cart sees."""
    return CartView(cart_id=None, currency=currency, version=0, items=[], gifts=[],
                    promotions=[], subtotal=0, discount=0, total=0, item_count=0, line_count=0,
                    built_at=now)  # fmt: skip


async def build_view(
    session: AsyncSession, *, cart: Cart, items: Sequence[CartItem], now: datetime
) -> CartView:
    """The view of `cart` at `cart.version` (read the version before the items)."""
    known = _Catalog(session, cart.shop_id, cart.currency, {}, {})
    await known.prefetch(items)
    lines = [await _line(known, item) for item in items]
    _mark_stock(lines)
    priced = [line for line in lines if line.available]
    evaluation = await promotions.evaluate_cart(
        session, shop_id=cart.shop_id, currency=cart.currency, now=now,
        lines=[_promotion_line(line) for line in priced],
    )  # fmt: skip
    per_line: dict[str, list[LineDiscountRead]] = {}
    for applied in evaluation.applied:
        for share in applied.lines:
            if share.amount:
                per_line.setdefault(share.line_id, []).append(
                    LineDiscountRead(
                        promotion_id=applied.id, name=applied.name, amount=share.amount
                    )
                )
    for line in priced:
        line.discounts = per_line.get(str(line.id), [])
        line.discount = sum(d.amount for d in line.discounts)
        line.total = line.line_total - line.discount
    names = {applied.id: applied.name for applied in evaluation.applied}
    return CartView(
        cart_id=cart.id, currency=cart.currency, version=cart.version, items=lines,
        gifts=[await _gift(known, gift, names.get(gift.promotion_id, ""))
               for gift in evaluation.gifts],
        promotions=[
            CartViewPromotion(id=a.id, source=a.source.value, name=a.name, kind=a.kind,
                              discount=a.discount)
            for a in evaluation.applied
        ],
        subtotal=sum(line.line_total for line in priced),
        discount=sum(line.discount for line in priced),
        total=sum(line.total for line in priced),
        item_count=sum(line.quantity for line in lines), line_count=len(lines), built_at=now,
    )  # fmt: skip


async def _line(known: _Catalog, item: CartItem) -> CartViewLine:
    sellable = await known.sellable(item.variant_id)
    product = await known.product(item.product_id)
    variant = _variant(product, item.variant_id)
    priced = isinstance(sellable, SellableRead)
    unit = sellable.unit_amount if isinstance(sellable, SellableRead) else None
    total = (unit or 0) * item.quantity
    name, sku = _labels(sellable, product, variant)
    dimensions = variant.dimensions if variant else None
    return CartViewLine(
        id=item.id, type=ItemType(item.type), parent_item_id=item.parent_item_id,
        variant_id=item.variant_id, product_id=item.product_id, name=name, sku=sku,
        quantity=item.quantity, unit_price=unit, line_total=total, discount=0, total=total,
        discounts=[],
        stock_available=variant.stock if variant and variant.tracks_stock else None,
        in_stock=True, available=priced, problem=None if priced else str(sellable),
        category_ids=[product.category_id] if product and product.category_id else [],
        weight_grams=variant.weight_grams if variant else None,
        dimensions_mm=(dimensions.length_mm, dimensions.width_mm, dimensions.height_mm)
        if dimensions else None,
        tax_rate_bp=sellable.tax_rate_bp if isinstance(sellable, SellableRead) else 0,
        tax_included=sellable.prices_include_tax if isinstance(sellable, SellableRead) else True,
    )  # fmt: skip


def _variant(product: ProductRead | None, variant_id: uuid.UUID) -> VariantRead | None:
    if product is None:
        return None
    return next((v for v in product.variants if v.id == variant_id), None)


def _labels(
    sellable: SellableRead | str, product: ProductRead | None, variant: VariantRead | None
) -> tuple[str, str]:
    if isinstance(sellable, SellableRead):
        return sellable.name, sellable.sku
    name = product.name if product else "Removed product"
    if product and variant and variant.name:
        name = f"{product.name} — {variant.name}"
    return name, variant.sku if variant else ""


def _mark_stock(lines: list[CartViewLine]) -> None:
    """A variant's lines together must fit its stock; if not, each of them says so."""
    wanted: dict[uuid.UUID, int] = {}
    for line in lines:
        wanted[line.variant_id] = wanted.get(line.variant_id, 0) + line.quantity
    for line in lines:
        stock = line.stock_available
        if stock is not None and wanted[line.variant_id] > stock:
            line.in_stock = False
            if line.problem is None:
                line.problem = f"Only {stock} in stock"


def _promotion_line(line: CartViewLine) -> promotions.CartLine:
    return promotions.CartLine(
        line_id=str(line.id), variant_id=line.variant_id, product_id=line.product_id,
        category_ids=frozenset(line.category_ids), unit_amount=line.unit_price or 0,
        quantity=line.quantity, type=promotions.LineType(line.type.value),
    )  # fmt: skip


async def _gift(known: _Catalog, gift: GiftLine, promotion_name: str) -> CartViewGift:
    sellable = await known.sellable(gift.variant_id)
    product = await known.product(gift.product_id)
    name, sku = _labels(sellable, product, _variant(product, gift.variant_id))
    return CartViewGift(
        promotion_id=gift.promotion_id, promotion_name=promotion_name,
        product_id=gift.product_id, variant_id=gift.variant_id, name=name, sku=sku,
        quantity=gift.quantity,
    )  # fmt: skip
