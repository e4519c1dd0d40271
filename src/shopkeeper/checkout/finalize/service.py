"""Finalisation: the checkout is checked again as it is now, the order placed (stock
reserved atomically with it), the cart converted — in one transaction; then the payment
starts. Idempotent per cart: a repeat returns the order the cart became.

Concurrency: the cart row is locked first (PostgreSQL; SQLite writers go one at a time),
and checkout_order is unique per (cart, cart version), so two finalisations of one cart make
one order (a loser that got past the lock rolls back whole and answers with the winner's).
After a failed payment reopened the cart, finalising it again places a new order. Stock is
taken by conditional updates in variant order (orders.place_order), so concurrent carts never
oversell.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shopkeeper import bus, identity, orders
from shopkeeper.checkout import payment
from shopkeeper.checkout.cart import CartOwner, CartState, CartViewStore, convert_cart, owned_cart
from shopkeeper.checkout.customer import CustomerSnapshot, customer_readiness
from shopkeeper.checkout.finalize.errors import (
    CheckoutNotReady,
    FinalizedCartNotFound,
    TotalChanged,
)
from shopkeeper.checkout.finalize.events import CheckoutCompleted, OrderCreated
from shopkeeper.checkout.finalize.models import CheckoutOrder
from shopkeeper.checkout.finalize.placement import order_draft, redeemed_code
from shopkeeper.checkout.finalize.repository import CheckoutOrderRepository
from shopkeeper.checkout.finalize.schemas import CheckoutOrderRead, FinalizeRequest
from shopkeeper.checkout.session import CheckoutSummary
from shopkeeper.checkout.session.access import Checkout, for_change
from shopkeeper.checkout.session.summary import add_blockers, priced_summary
from shopkeeper.checkout.shipping import CalendarClient
from shopkeeper.db import unit_of_work
from shopkeeper.errors import AppError
from shopkeeper.kit.clock import Clock
from shopkeeper.shops import ShopRead

SOURCE = "checkout"


@dataclass(frozen=True)
class Finalised:
    checkout: CheckoutOrderRead
    order: orders.OrderRead
    created: bool


@dataclass(frozen=True)
class FinalizeContext:
    """What finalisation needs besides the request: the process's stores and settings."""

    sessions: async_sessionmaker[AsyncSession]
    store: CartViewStore
    calendar: CalendarClient
    clock: Clock
    order_ttl: timedelta


async def place_checkout_order(
    ctx: FinalizeContext, *, shop: ShopRead, owner: CartOwner, data: FinalizeRequest
) -> Finalised:
    """The order of the cart `data.cart_id`: placed now, or the one placed before."""
    try:
        async with unit_of_work(ctx.sessions) as session:
            return await _finalise(session, ctx, shop=shop, owner=owner, data=data)
    except IntegrityError:  # a concurrent finalisation of this cart won (SQLite)
        async with unit_of_work(ctx.sessions) as session:
            done = await _done(session, shop.id, data.cart_id)
            if done is None:
                raise
            return done


async def _finalise(
    session: AsyncSession, ctx: FinalizeContext, *, shop: ShopRead, owner: CartOwner,
    data: FinalizeRequest,
) -> Finalised:  # fmt: skip
    now = ctx.clock.now()
    cart = await owned_cart(session, shop_id=shop.id, cart_id=data.cart_id, owner=owner, lock=True)
    if cart is None:
        raise FinalizedCartNotFound()
    if cart.state == CartState.CONVERTED.value and (done := await _done(session, shop.id, cart.id)):
        return done  # a repeat: the order this cart became
    if cart.state != CartState.ACTIVE.value:
        raise FinalizedCartNotFound()
    checkout = await for_change(session, shop_id=shop.id, owner=owner, store=ctx.store, now=now)
    if checkout.cart_id != cart.id:  # the owner's open cart is another one
        raise FinalizedCartNotFound()
    priced, snapshot = await priced_summary(
        session, checkout=checkout, calendar=ctx.calendar, now=now, cache=None
    )
    readiness = await customer_readiness(session, shop_id=shop.id, cart_id=cart.id)
    summary = add_blockers(priced, readiness.blockers)
    method, problem = await _payment_method(session, checkout, summary)
    missing = list(summary.missing)
    if problem and "payment_method" not in missing:
        missing.append("payment_method")
    if missing:
        raise CheckoutNotReady(missing, summary.notices + ([problem] if problem else []))
    if data.expected_total is not None and data.expected_total != summary.totals.total:
        raise TotalChanged(data.expected_total, summary.totals.total, summary.totals.currency)
    customer = readiness.snapshot
    assert customer is not None  # else "customer_data" was missing
    draft = await order_draft(session, shop_id=shop.id, snapshot=snapshot)
    order = await orders.place_order(
        session, shop_id=shop.id,
        customer_id=checkout.customer_id or await _customer_by_email(session, shop, customer, now),
        currency=checkout.view.currency, items=draft.items, discounts=draft.discounts,
        redeemed_code=redeemed_code(summary), shipping_amount=summary.totals.shipping,
        source=SOURCE, now=now, ttl=None if method == payment.COD else ctx.order_ttl,
    )  # fmt: skip
    agreed = {**summary.model_dump(mode="json"), "customer": customer.model_dump(mode="json")}
    convert_cart(cart, now)
    row = CheckoutOrder(
        cart_id=cart.id, cart_version=cart.version, shop_id=shop.id, order_id=order.id,
        customer_id=order.customer_id, payment_method=method, snapshot=agreed, created_at=now,
    )  # fmt: skip
    CheckoutOrderRepository(session).add(row)
    await session.flush()
    _publish(session, checkout, row, order, now)
    return Finalised(CheckoutOrderRead.model_validate(row), order, True)


async def _payment_method(
    session: AsyncSession, checkout: Checkout, summary: CheckoutSummary
) -> tuple[str, str | None]:
    """The chosen payment method, and why it cannot be used now (None: it can)."""
    method = (checkout.state.payment_method_code if checkout.state else None) or ""
    try:
        await payment.check_payment_method(
            session, shop_id=checkout.shop_id, currency=checkout.view.currency, method=method,
            shipping_method_code=summary.shipping.method_code,
        )  # fmt: skip
    except AppError as exc:
        return method, exc.detail
    return method, None


async def _customer_by_email(
    session: AsyncSession, shop: ShopRead, customer: CustomerSnapshot, now: datetime
) -> uuid.UUID:
    """An anonymous shopper's order belongs to the customer of their e-mail (made if new),
    so it shows in their account once they sign in with it."""
    return await identity.find_or_create_customer_id(
        session, shop_id=shop.id, kind="email", value=customer.email, display_name=customer.name,
        now=now,
    )  # fmt: skip


async def _done(session: AsyncSession, shop_id: uuid.UUID, cart_id: uuid.UUID) -> Finalised | None:
    row = await CheckoutOrderRepository(session).of_cart(shop_id, cart_id)
    if row is None:
        return None
    order = await orders.get_order(session, shop_id=shop_id, order_id=row.order_id)
    return Finalised(CheckoutOrderRead.model_validate(row), order, False)


def _publish(
    session: AsyncSession, checkout: Checkout, row: CheckoutOrder, order: orders.OrderRead,
    now: datetime,
) -> None:  # fmt: skip
    facts = {
        "cart_id": row.cart_id, "shop_id": row.shop_id, "customer_id": row.customer_id,
        "order_id": order.id, "order_number": order.number,
    }  # fmt: skip
    bus.publish(session, OrderCreated(**facts, currency=order.currency, total=order.total,
                                      payment_method=row.payment_method), now=now)  # fmt: skip
    state = checkout.state
    bus.publish(
        session,
        CheckoutCompleted(
            **facts, shipping_method=state.shipping_method_code if state else None,
            delivery_date=state.delivery_date.isoformat() if state and state.delivery_date
            else None, line_count=len(order.lines),
        ),
        now=now,
    )  # fmt: skip
