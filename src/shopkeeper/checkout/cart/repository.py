"""SQL of carts and their items (every query filtered by shop)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.checkout.cart.models import Cart, CartItem

ACTIVE = "active"


def line_key(type_: str, variant_id: uuid.UUID, parent_item_id: uuid.UUID | None) -> str:
    """What makes two lines the same thing: equal type, variant and parent line."""
    return f"{type_}:{variant_id.hex}:{parent_item_id.hex if parent_item_id else '-'}"


class CartRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, row: Cart | CartItem) -> None:
        self.session.add(row)

    async def by_token(
        self, shop_id: uuid.UUID, token_hash: str, *, lock: bool = False
    ) -> Cart | None:
        stmt = select(Cart).where(Cart.shop_id == shop_id, Cart.token_hash == token_hash)
        return await self.session.scalar(stmt.with_for_update() if lock else stmt)

    async def active_of_customer(
        self, shop_id: uuid.UUID, customer_id: uuid.UUID, *, lock: bool = False
    ) -> Cart | None:
        stmt = select(Cart).where(
            Cart.shop_id == shop_id, Cart.customer_id == customer_id, Cart.state == ACTIVE
        )
        return await self.session.scalar(stmt.with_for_update() if lock else stmt)

    async def get(
        self, shop_id: uuid.UUID, cart_id: uuid.UUID, *, lock: bool = False
    ) -> Cart | None:
        stmt = select(Cart).where(Cart.shop_id == shop_id, Cart.id == cart_id)
        return await self.session.scalar(stmt.with_for_update() if lock else stmt)

    async def refresh_locked(self, cart: Cart) -> Cart:
        """Wait for the cart's row lock (PostgreSQL; SQLite writers are one at a time) and
        read it again, so that what another writer committed meanwhile is seen."""
        stmt = select(Cart).where(Cart.id == cart.id).with_for_update()
        stmt = stmt.execution_options(populate_existing=True)
        locked = await self.session.scalar(stmt)
        assert locked is not None
        return locked

    async def items(self, cart_id: uuid.UUID) -> Sequence[CartItem]:
        stmt = select(CartItem).where(CartItem.cart_id == cart_id)
        stmt = stmt.execution_options(populate_existing=True)
        return (await self.session.scalars(stmt.order_by(CartItem.added_at, CartItem.id))).all()

    async def item(
        self, shop_id: uuid.UUID, cart_id: uuid.UUID, item_id: uuid.UUID
    ) -> CartItem | None:
        stmt = select(CartItem).where(
            CartItem.id == item_id, CartItem.cart_id == cart_id, CartItem.shop_id == shop_id
        )
        return await self.session.scalar(stmt)

    async def line_count(self, cart_id: uuid.UUID) -> int:
        stmt = select(func.count()).select_from(CartItem).where(CartItem.cart_id == cart_id)
        return int(await self.session.scalar(stmt) or 0)

    async def delete_items(self, ids: Sequence[uuid.UUID]) -> None:
        if ids:
            await self.session.execute(delete(CartItem).where(CartItem.id.in_(ids)))

    async def delete_all_items(self, cart_id: uuid.UUID) -> None:
        await self.session.execute(delete(CartItem).where(CartItem.cart_id == cart_id))
