"""Warranties a cart line may have, and the check of a chosen one.

A warranty is offered for a product line (types offer and accessory) when an active offer
names the line's product and the warranty's variant belongs to a live, published product of
kind warranty with a price in the cart currency. One warranty per product line; it covers
every unit of the line (quantity = the line's quantity, amount = price × quantity).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.warranty.catalog_view import warranty_variants
from shopkeeper.checkout.warranty.errors import WarrantyAlreadyChosen, WarrantyNotOffered
from shopkeeper.checkout.warranty.repository import WarrantyRepository
from shopkeeper.checkout.warranty.schemas import (
    PRODUCT_LINES,
    WarrantyCart,
    WarrantyChoice,
    WarrantyOption,
)


async def warranty_offers_for(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    product_ids: Collection[uuid.UUID],
    currency: str,
) -> dict[uuid.UUID, list[WarrantyOption]]:
    """Per product asked for, the warranties on offer in `currency` (shortest first)."""
    code = currency.upper()
    options: dict[uuid.UUID, list[WarrantyOption]] = {p: [] for p in product_ids}
    if not options:
        return options
    rows = await WarrantyRepository(session).list(
        shop_id, product_ids=list(options), active_only=True
    )
    if not rows:
        return options
    variants = await warranty_variants(session, shop_id=shop_id, published_only=True)
    for row in rows:
        variant = variants.get(row.variant_id)
        if variant is None or code not in variant.prices:
            continue
        options[row.product_id].append(
            WarrantyOption(
                offer_id=row.id,
                product_id=row.product_id,
                variant_id=variant.variant_id,
                warranty_product_id=variant.product_id,
                sku=variant.sku,
                name=variant.name,
                months=row.months,
                currency=code,
                price=variant.prices[code],
            )
        )
    for found in options.values():
        found.sort(key=lambda o: (o.months, o.price, o.sku))
    return options


def validate_warranty_choice(
    options: Mapping[uuid.UUID, Sequence[WarrantyOption]],
    *,
    cart: WarrantyCart,
    parent_item_id: uuid.UUID,
    variant_id: uuid.UUID,
) -> WarrantyChoice:
    """Check a warranty chosen for a cart line against the options of its product.

    WarrantyNotOffered (422): no such line, not a product line, or not offered for its
    product (in this currency); WarrantyAlreadyChosen (409): the line has a warranty.
    """
    parent = next((line for line in cart.lines if line.item_id == parent_item_id), None)
    if parent is None:
        raise WarrantyNotOffered(f"The cart has no item {parent_item_id}")
    what = repr(parent.name) if parent.name else "this item"
    if parent.type not in PRODUCT_LINES or parent.product_id is None:
        raise WarrantyNotOffered(f"A warranty covers a product, not a {parent.type} line")
    option = next(
        (o for o in options.get(parent.product_id, ()) if o.variant_id == variant_id), None
    )
    if option is None:
        raise WarrantyNotOffered(
            f"This warranty is not offered for {what} (or has no price in the cart currency)"
        )
    for line in cart.lines:
        if line.type == "warranty" and line.parent_item_id == parent.item_id:
            raise WarrantyAlreadyChosen(
                f"{what} already has a warranty; remove it to choose another"
            )
    return WarrantyChoice(
        offer_id=option.offer_id, variant_id=option.variant_id,
        warranty_product_id=option.warranty_product_id, sku=option.sku, name=option.name,
        months=option.months, parent_item_id=parent.item_id, quantity=parent.quantity,
        currency=option.currency, unit_price=option.price, amount=option.price * parent.quantity,
    )  # fmt: skip


async def check_warranty_choice(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    cart: WarrantyCart,
    currency: str,
    parent_item_id: uuid.UUID,
    variant_id: uuid.UUID,
) -> WarrantyChoice:
    """`validate_warranty_choice` against the shop's current offers and catalog."""
    parent = next((line for line in cart.lines if line.item_id == parent_item_id), None)
    products = [parent.product_id] if parent is not None and parent.product_id else []
    options = await warranty_offers_for(
        session, shop_id=shop_id, product_ids=products, currency=currency
    )
    return validate_warranty_choice(
        options, cart=cart, parent_item_id=parent_item_id, variant_id=variant_id
    )
