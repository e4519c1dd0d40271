"""Services and warranties added to a cart are checked by their contexts first: a service
against the shop's services rules (`check_service_choice`), a warranty against the offers for
its line's product (`check_warranty_choice`); their typed errors (422 / 409) say why not."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog
from shopkeeper.checkout.cart.models import CartItem
from shopkeeper.checkout.cart.schemas import CartItemCreate
from shopkeeper.checkout.services import ServicesCart, ServicesLine, check_service_choice
from shopkeeper.checkout.warranty import (
    WarrantyCart,
    WarrantyChoice,
    WarrantyLine,
    check_warranty_choice,
)


async def check_service(
    session: AsyncSession, *, shop_id: uuid.UUID, currency: str, data: CartItemCreate,
    items: Sequence[CartItem], quantity: int,
) -> None:  # fmt: skip
    """`quantity`: what the line of this service would hold after the add."""
    lines = [await _services_line(session, shop_id, item) for item in items]
    await check_service_choice(
        session, shop_id=shop_id, cart=ServicesCart(lines=lines), currency=currency,
        variant_id=data.variant_id, parent_item_id=data.parent_item_id, quantity=quantity,
    )  # fmt: skip


async def _services_line(session: AsyncSession, shop_id: uuid.UUID, item: CartItem) -> ServicesLine:
    facts: dict[str, object] = {}
    if item.type in ("offer", "accessory"):
        try:
            product = await catalog.get_product(
                session, shop_id=shop_id, product_id=item.product_id
            )
        except catalog.ProductNotFound:
            product = None
        variant = (
            next((v for v in product.variants if v.id == item.variant_id), None)
            if product
            else None
        )
        if product is not None and product.category_id is not None:
            facts["category_ids"] = frozenset({product.category_id})
        if variant is not None:
            facts["weight_grams"] = variant.weight_grams
            if variant.dimensions is not None:
                d = variant.dimensions
                facts["dimensions_mm"] = (d.length_mm, d.width_mm, d.height_mm)
            facts["name"] = product.name[:200] if product else ""
    return ServicesLine.model_validate({
        "item_id": item.id, "type": item.type, "variant_id": item.variant_id,
        "parent_item_id": item.parent_item_id, "quantity": item.quantity, **facts,
    })  # fmt: skip


async def check_warranty(
    session: AsyncSession, *, shop_id: uuid.UUID, currency: str, data: CartItemCreate,
    items: Sequence[CartItem],
) -> WarrantyChoice:  # fmt: skip
    assert data.parent_item_id is not None  # the cart asks for a parent first
    cart = WarrantyCart(lines=[
        WarrantyLine(item_id=i.id, type=i.type, product_id=i.product_id, variant_id=i.variant_id,
                     parent_item_id=i.parent_item_id, quantity=i.quantity)
        for i in items
    ])  # fmt: skip
    return await check_warranty_choice(
        session, shop_id=shop_id, cart=cart, currency=currency,
        parent_item_id=data.parent_item_id, variant_id=data.variant_id,
    )  # fmt: skip
