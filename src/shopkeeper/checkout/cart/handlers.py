"""What the cart does on events: rebuild a changed cart's stored view; follow customer merges.

Item events rebuild the view off the request path (a GET that finds its view older than the
cart builds it at once anyway). Identity's merge of two customer records merges their carts.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bus.registry import HandlerTable
from shopkeeper.checkout.cart.events import (
    CartItemAdded,
    CartItemQuantityChanged,
    CartItemRemoved,
)
from shopkeeper.checkout.cart.merge import merge_customer_carts
from shopkeeper.checkout.cart.reads import rebuild_view
from shopkeeper.checkout.cart.view_store import view_store
from shopkeeper.container import Container
from shopkeeper.identity.events import CustomersMerged
from shopkeeper.kit.clock import Clock


async def _rebuild(
    event: CartItemAdded | CartItemRemoved | CartItemQuantityChanged,
    session: AsyncSession, clock: Clock, container: Container,
) -> None:  # fmt: skip
    await rebuild_view(session, shop_id=event.shop_id, cart_id=event.cart_id,
                       store=view_store(container), now=clock.now())  # fmt: skip


async def on_item_added(
    event: CartItemAdded, session: AsyncSession, clock: Clock, container: Container
) -> None:
    await _rebuild(event, session, clock, container)


async def on_item_removed(
    event: CartItemRemoved, session: AsyncSession, clock: Clock, container: Container
) -> None:
    await _rebuild(event, session, clock, container)


async def on_item_quantity_changed(
    event: CartItemQuantityChanged, session: AsyncSession, clock: Clock, container: Container
) -> None:
    await _rebuild(event, session, clock, container)


async def on_customers_merged(event: CustomersMerged, session: AsyncSession, clock: Clock) -> None:
    """The merged-away customer's open cart joins the survivor's (a redelivery finds none)."""
    await merge_customer_carts(
        session, shop_id=event.shop_id, from_customer_id=event.from_customer_id,
        into_customer_id=event.into_customer_id, now=clock.now(),
    )  # fmt: skip


HANDLERS: HandlerTable = {
    CartItemAdded: [on_item_added],
    CartItemRemoved: [on_item_removed],
    CartItemQuantityChanged: [on_item_quantity_changed],
    CustomersMerged: [on_customers_merged],
}
