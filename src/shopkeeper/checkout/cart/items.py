"""Adding, removing and re-counting cart lines; each change bumps the cart's version and
publishes its event in the same transaction.

Every change first takes the cart's row lock (SELECT ... FOR UPDATE on PostgreSQL; SQLite
runs one writer at a time), then reads the lines: two concurrent adds of the same thing see
each other's line and add up into it. The unique (cart, type, variant, parent) key is the
backstop that makes a second line impossible.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus, catalog
from shopkeeper.catalog import ProductKind, SellableRead
from shopkeeper.checkout.cart.carts import find_cart, item_facts, new_cart, touch
from shopkeeper.checkout.cart.choices import check_service, check_warranty
from shopkeeper.checkout.cart.errors import (
    CartFull,
    CartItemInvalid,
    CartItemNotFound,
    CartQuantityTooLarge,
    CartStockExceeded,
)
from shopkeeper.checkout.cart.events import (
    CartItemAdded,
    CartItemQuantityChanged,
    CartItemRemoved,
)
from shopkeeper.checkout.cart.models import Cart, CartItem
from shopkeeper.checkout.cart.repository import CartRepository, line_key
from shopkeeper.checkout.cart.schemas import (
    MAX_LINES,
    MAX_QUANTITY,
    CartItemCreate,
    CartItemRead,
    CartOwner,
    ItemAdded,
    ItemChanged,
    ItemsRemoved,
    ItemType,
)
from shopkeeper.checkout.warranty.events import WarrantySelected
from shopkeeper.kit.ids import new_id

GOODS = frozenset({ProductKind.PHYSICAL, ProductKind.DIGITAL})
KIND_OF_TYPE = {ItemType.WARRANTY: ProductKind.WARRANTY, ItemType.SERVICE: ProductKind.SERVICE}
PARENT_TYPES = frozenset({ItemType.OFFER.value, ItemType.ACCESSORY.value})


async def add_item(
    session: AsyncSession, *, shop_id: uuid.UUID, owner: CartOwner, data: CartItemCreate,
    currency: str, now: datetime,
) -> ItemAdded:  # fmt: skip
    """Put `data` in the owner's cart (a new cart in `currency` when they have none); the
    same type + variant + parent again adds to that line's quantity."""
    cart = await find_cart(session, shop_id=shop_id, owner=owner, lock=True)
    sellable = await catalog.get_sellable(
        session, shop_id=shop_id, variant_id=data.variant_id,
        currency=cart.currency if cart else currency,
    )  # fmt: skip
    _check_kind(data.type, sellable)
    items: Sequence[CartItem] = [] if cart is None else await CartRepository(session).items(cart.id)
    _check_parent(data, items)
    key = line_key(data.type.value, data.variant_id, data.parent_item_id)
    existing = next((i for i in items if i.line_key == key), None)
    if existing is None and len(items) >= MAX_LINES:
        raise CartFull(MAX_LINES)
    quantity = data.quantity + (existing.quantity if existing else 0)
    if quantity > MAX_QUANTITY:
        raise CartQuantityTooLarge(MAX_QUANTITY, quantity)
    await _check_stock(session, shop_id, sellable, items, key, quantity)
    in_currency = cart.currency if cart else currency
    warranty = None  # services and warranties are checked by their contexts
    if data.type is ItemType.SERVICE:
        await check_service(session, shop_id=shop_id, currency=in_currency, data=data,
                            items=items, quantity=quantity)  # fmt: skip
    elif data.type is ItemType.WARRANTY:
        warranty = await check_warranty(session, shop_id=shop_id, currency=in_currency,
                                         data=data, items=items)  # fmt: skip
    token = None
    if cart is None:
        cart, token, created = await new_cart(session, shop_id=shop_id, owner=owner,
                                              currency=currency, now=now)  # fmt: skip
        if not created:  # another request made the customer's cart first: add to that one
            return await add_item(session, shop_id=shop_id, owner=owner, data=data,
                                  currency=currency, now=now)  # fmt: skip
    if existing is not None:
        await _set_quantity(session, cart, existing, quantity, now)
        return ItemAdded(cart_id=cart.id, version=cart.version, cart_token=token, merged=True,
                         item=CartItemRead.model_validate(existing))  # fmt: skip
    item = CartItem(
        id=new_id(), cart_id=cart.id, shop_id=shop_id, type=data.type.value,
        variant_id=data.variant_id, product_id=sellable.product_id, quantity=quantity,
        parent_item_id=data.parent_item_id, line_key=key, added_at=now, updated_at=now,
    )  # fmt: skip
    CartRepository(session).add(item)
    touch(cart, now)
    await session.flush()
    bus.publish(session, CartItemAdded(**item_facts(cart, item), quantity=quantity), now=now)
    if warranty is not None:
        bus.publish(session, WarrantySelected(
            cart_id=cart.id, shop_id=shop_id, customer_id=cart.customer_id, item_id=item.id,
            parent_item_id=warranty.parent_item_id, offer_id=warranty.offer_id,
            variant_id=item.variant_id, months=warranty.months, quantity=item.quantity,
            currency=warranty.currency, unit_price=warranty.unit_price,
        ), now=now)  # fmt: skip
    return ItemAdded(cart_id=cart.id, version=cart.version, cart_token=token, merged=False,
                     item=CartItemRead.model_validate(item))  # fmt: skip


def _check_kind(type_: ItemType, sellable: SellableRead) -> None:
    kind, name = sellable.kind, sellable.name
    if type_ in KIND_OF_TYPE:
        if kind is not KIND_OF_TYPE[type_]:
            raise CartItemInvalid(f"type={type_.value}: {name} is a {kind.value} product, "
                                  f"not a {KIND_OF_TYPE[type_].value}")  # fmt: skip
        return
    if kind in GOODS:
        return
    if kind in (ProductKind.PLAN, ProductKind.COURSE):
        raise CartItemInvalid(f"{name} is a {kind.value}: plans and courses are bought on "
                              "their own, not through a cart")  # fmt: skip
    raise CartItemInvalid(f"{name} is a {kind.value}: add it with type={kind.value}")


def _check_parent(data: CartItemCreate, items: Sequence[CartItem]) -> None:
    if data.parent_item_id is None:
        if data.type is ItemType.WARRANTY:
            raise CartItemInvalid("parent_item_id: a warranty covers a line of the cart; "
                                  "name that line")  # fmt: skip
        return
    if data.type not in KIND_OF_TYPE:
        raise CartItemInvalid(f"parent_item_id: only services and warranties belong to a "
                              f"line, not an {data.type.value}")  # fmt: skip
    parent = next((i for i in items if i.id == data.parent_item_id), None)
    if parent is None:
        raise CartItemInvalid("parent_item_id: no such line in this cart")
    if parent.type not in PARENT_TYPES:
        raise CartItemInvalid(f"parent_item_id: a {parent.type} line cannot have services "
                              "or warranties of its own")  # fmt: skip


async def _check_stock(
    session: AsyncSession, shop_id: uuid.UUID, sellable: SellableRead,
    items: Sequence[CartItem], key: str, quantity: int,
) -> None:  # fmt: skip
    """The variant's units in the cart after the change (every line of it) fit its stock."""
    if not sellable.tracks_stock:
        return
    product = await catalog.get_product(session, shop_id=shop_id, product_id=sellable.product_id)
    variant = next(v for v in product.variants if v.id == sellable.variant_id)
    if variant.stock is None:
        return
    wanted = quantity + sum(
        i.quantity for i in items if i.variant_id == sellable.variant_id and i.line_key != key
    )
    if wanted > variant.stock:
        raise CartStockExceeded(sellable.sku, available=variant.stock, wanted=wanted)


async def _set_quantity(
    session: AsyncSession, cart: Cart, item: CartItem, quantity: int, now: datetime
) -> None:
    old = item.quantity
    item.quantity = quantity
    item.updated_at = now
    touch(cart, now)
    await session.flush()
    event = CartItemQuantityChanged(**item_facts(cart, item), old_quantity=old, quantity=quantity)
    bus.publish(session, event, now=now)


async def _locked_item(
    session: AsyncSession, shop_id: uuid.UUID, owner: CartOwner, item_id: uuid.UUID
) -> tuple[Cart, CartItem]:
    """The owner's cart (locked) and its line `item_id`; CartItemNotFound for any other
    line, another cart's or another shop's alike."""
    cart = await find_cart(session, shop_id=shop_id, owner=owner, lock=True)
    item = None if cart is None else await CartRepository(session).item(shop_id, cart.id, item_id)
    if cart is None or item is None:
        raise CartItemNotFound()
    return cart, item


async def change_quantity(
    session: AsyncSession, *, shop_id: uuid.UUID, owner: CartOwner, item_id: uuid.UUID,
    quantity: int, now: datetime,
) -> ItemChanged:  # fmt: skip
    """Set a line's quantity (1..99); more than before is checked against the stock."""
    if not 1 <= quantity <= MAX_QUANTITY:
        raise CartQuantityTooLarge(MAX_QUANTITY, quantity)
    cart, item = await _locked_item(session, shop_id, owner, item_id)
    if quantity > item.quantity:
        try:
            sellable = await catalog.get_sellable(
                session, shop_id=shop_id, variant_id=item.variant_id, currency=cart.currency
            )
        except (catalog.VariantNotFound, catalog.PriceNotFound) as exc:
            raise CartItemInvalid(f"This line cannot be bought now ({exc.detail}); "
                                  "remove it or lower its quantity") from None  # fmt: skip
        items = await CartRepository(session).items(cart.id)
        await _check_stock(session, shop_id, sellable, items, item.line_key, quantity)
    if quantity != item.quantity:
        await _set_quantity(session, cart, item, quantity, now)
    return ItemChanged(cart_id=cart.id, version=cart.version,
                       item=CartItemRead.model_validate(item))  # fmt: skip


async def remove_item(
    session: AsyncSession, *, shop_id: uuid.UUID, owner: CartOwner, item_id: uuid.UUID,
    now: datetime,
) -> ItemsRemoved:  # fmt: skip
    """Remove a line; the services and warranties that belong to it go with it."""
    cart, item = await _locked_item(session, shop_id, owner, item_id)
    repo = CartRepository(session)
    children = [i for i in await repo.items(cart.id) if i.parent_item_id == item.id]
    gone = [*children, item]
    await repo.delete_items([i.id for i in gone])
    touch(cart, now)
    await session.flush()
    for removed in gone:
        reason = "removed" if removed is item else "parent_removed"
        facts = item_facts(cart, removed)
        event = CartItemRemoved(**facts, quantity=removed.quantity, reason=reason)
        bus.publish(session, event, now=now)
    return ItemsRemoved(cart_id=cart.id, version=cart.version, removed=[i.id for i in gone])
