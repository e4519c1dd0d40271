"""Placing an order: price snapshot, promo code, stock, number, event — in one transaction.

Locks are taken in one order by every placement (stock rows sorted by variant, then the
promo code's row, then the shop's number counter), so concurrent placements queue, never
deadlock; the counter comes last so its row is held for the shortest time.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, bus, catalog, identity, promotions, shops
from shopkeeper.audit import Actor
from shopkeeper.errors import Unprocessable
from shopkeeper.kit.ids import new_id
from shopkeeper.orders.errors import InvalidAmount
from shopkeeper.orders.events import OrderPlaced
from shopkeeper.orders.models import Order, OrderLine
from shopkeeper.orders.pricing import LinePrice, order_totals, price_line
from shopkeeper.orders.repository import OrderRepository, SequenceRepository, number_prefix
from shopkeeper.orders.schemas import (
    MAX_ITEMS,
    OrderItemIn,
    OrderRead,
    OrderState,
    valid_currency,
    valid_source,
)
from shopkeeper.orders.service.reads import event_lines, to_read

DEFAULT_TTL = timedelta(minutes=60)


@dataclass(frozen=True)
class _Draft:
    sellable: catalog.SellableRead
    quantity: int

    @property
    def amount(self) -> int:
        return self.sellable.unit_amount * self.quantity


async def place_order(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID | None,
    currency: str,
    items: Sequence[OrderItemIn],
    promo_code: str | None = None,
    shipping_amount: int = 0,
    source: str,
    now: datetime,
    ttl: timedelta | None = DEFAULT_TTL,
    actor: Actor | None = None,
    discounts: Mapping[uuid.UUID, int] | None = None,
    redeemed_code: promotions.PromoQuote | None = None,
) -> OrderRead:
    """A pending order that expires after `ttl` unless paid (never when `ttl` is None, as
    for cash on delivery); stock and the code's use taken.

    `actor` is given by staff-facing adapters: the placement is then written to the audit log.
    `discounts` (variant id → amount off its line) are reductions agreed elsewhere, such as a
    plan change's proration credit or a checkout's promotions; they do not combine with a
    `promo_code` to quote. `redeemed_code` is a code whose discount is already inside
    `discounts` (a checkout's): the order names it and its use is counted.
    """
    currency, source = _valid(currency, source, shipping_amount)
    if (discounts or redeemed_code) and promo_code is not None:
        raise Unprocessable("An order takes a promo code or agreed discounts, not both")
    customer_id = await _customer(session, shop_id, customer_id)
    drafts = [
        _Draft(await catalog.get_sellable(
            session, shop_id=shop_id, variant_id=item.variant_id, currency=currency
        ), item.quantity)
        for item in _merged(items)
    ]  # fmt: skip
    quote = redeemed_code or await _quote(
        session, shop_id, promo_code, customer_id, currency, drafts, now
    )
    shares = _agreed(drafts, discounts or {}) if quote is None or redeemed_code else (
        quote.line_discounts
    )  # fmt: skip
    order = _build(new_id(), shop_id, customer_id, currency, drafts, shares, quote, shipping_amount)
    order.source, order.created_at, order.updated_at = source, now, now
    order.expires_at = None if ttl is None else now + ttl
    await _take_stock_and_code(session, order, drafts, quote, now)
    order.number = await _next_number(session, shop_id)
    OrderRepository(session).add(order)
    await session.flush()
    bus.publish(session, _placed(order), now=now)
    if actor is not None:
        await audit.record(
            session, actor=actor, shop_id=shop_id, action="order.placed", target_type="order",
            target_id=order.id, after=_summary(order), now=now,
        )  # fmt: skip
    return to_read(order)


def _valid(currency: str, source: str, shipping_amount: int) -> tuple[str, str]:
    try:
        currency, source = valid_currency(currency), valid_source(source)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None
    if shipping_amount < 0:
        raise InvalidAmount("shipping_amount must not be negative")
    return currency, source


def _merged(items: Sequence[OrderItemIn]) -> list[OrderItemIn]:
    """One line per variant (quantities of repeats add up), in the order first given."""
    if not items:
        raise Unprocessable("An order needs at least one item")
    if len(items) > MAX_ITEMS:
        raise Unprocessable(f"An order has at most {MAX_ITEMS} items")
    quantities: dict[uuid.UUID, int] = {}
    for item in items:
        if item.quantity < 1:
            raise Unprocessable("Each item's quantity must be at least 1")
        quantities[item.variant_id] = quantities.get(item.variant_id, 0) + item.quantity
    return [OrderItemIn(variant_id=v, quantity=q) for v, q in quantities.items()]


async def _customer(
    session: AsyncSession, shop_id: uuid.UUID, customer_id: uuid.UUID | None
) -> uuid.UUID | None:
    """The shop's customer (the surviving record if it was merged), or CustomerNotFound."""
    if customer_id is None:
        return None
    return await identity.surviving_customer_id(session, shop_id=shop_id, customer_id=customer_id)


async def _quote(
    session: AsyncSession,
    shop_id: uuid.UUID,
    code: str | None,
    customer_id: uuid.UUID | None,
    currency: str,
    drafts: list[_Draft],
    now: datetime,
) -> promotions.PromoQuote | None:
    if code is None:
        return None
    first = customer_id is not None and not await OrderRepository(session).customer_has_paid(
        shop_id, customer_id
    )
    lines = [
        promotions.PromoLine(product_id=d.sellable.product_id, amount=d.amount) for d in drafts
    ]
    return await promotions.quote_promo_code(
        session, shop_id=shop_id, code=code, customer_id=customer_id, currency=currency,
        lines=lines, now=now, is_first_purchase=first,
    )  # fmt: skip


def _agreed(drafts: list[_Draft], discounts: Mapping[uuid.UUID, int]) -> list[int]:
    """Each line's agreed discount, between nothing and the line's amount."""
    shares = [discounts.get(d.sellable.variant_id, 0) for d in drafts]
    for draft, share in zip(drafts, shares, strict=True):
        if not 0 <= share <= draft.amount:
            raise InvalidAmount(f"A line's discount must be within 0..{draft.amount}")
    return shares


def _build(
    order_id: uuid.UUID,
    shop_id: uuid.UUID,
    customer_id: uuid.UUID | None,
    currency: str,
    drafts: list[_Draft],
    shares: Sequence[int],
    quote: promotions.PromoQuote | None,
    shipping: int,
) -> Order:
    lines = [_line(shop_id, position, d, share) for position, (d, share) in
             enumerate(zip(drafts, shares, strict=True))]  # fmt: skip
    totals = order_totals([p for _, p in lines], shipping=shipping)
    return Order(
        id=order_id, shop_id=shop_id, customer_id=customer_id, state=OrderState.PENDING.value,
        currency=currency, subtotal_amount=totals.subtotal, discount_amount=totals.discount,
        tax_amount=totals.tax, shipping_amount=totals.shipping, total_amount=totals.total,
        paid_amount=0, refunded_amount=0, promo_code_id=quote.promo_code_id if quote else None,
        promo_code=quote.code if quote else None, lines=[line for line, _ in lines],
    )  # fmt: skip


def _line(
    shop_id: uuid.UUID, position: int, draft: _Draft, share: int
) -> tuple[OrderLine, LinePrice]:
    s = draft.sellable
    price = price_line(
        unit_amount=s.unit_amount, quantity=draft.quantity, discount=share,
        tax_rate_bp=s.tax_rate_bp, tax_included=s.prices_include_tax,
    )  # fmt: skip
    line = OrderLine(
        id=new_id(), shop_id=shop_id, position=position, product_id=s.product_id,
        variant_id=s.variant_id, sku=s.sku, name=s.name[:300], kind=str(s.kind),
        tracks_stock=s.tracks_stock, unit_amount=s.unit_amount, quantity=draft.quantity,
        amount=price.amount, tax_rate_bp=s.tax_rate_bp, tax_included=s.prices_include_tax,
        discount_amount=price.discount, tax_amount=price.tax, total_amount=price.total,
    )  # fmt: skip
    return line, price


async def _take_stock_and_code(
    session: AsyncSession,
    order: Order,
    drafts: list[_Draft],
    quote: promotions.PromoQuote | None,
    now: datetime,
) -> None:
    """Reserve stock, then count the code's use: all or nothing with the transaction."""
    if stock := _stock_items(drafts):
        await catalog.reserve_stock(session, shop_id=order.shop_id, items=stock)
    if quote is not None:
        await promotions.redeem(
            session, shop_id=order.shop_id, promo_code_id=quote.promo_code_id,
            customer_id=order.customer_id, order_id=order.id, discount=quote.discount,
            currency=order.currency, now=now,
        )  # fmt: skip


def _stock_items(drafts: list[_Draft]) -> list[tuple[uuid.UUID, int]]:
    """Variants that track stock, sorted: every transaction locks them in the same order."""
    return sorted((d.sellable.variant_id, d.quantity) for d in drafts if d.sellable.tracks_stock)


async def _next_number(session: AsyncSession, shop_id: uuid.UUID) -> str:
    """`LUM-000042`: the shop's prefix and the next value of its counter."""
    sequences = SequenceRepository(session)
    bumped = await sequences.bump(shop_id)
    if bumped is None:
        shop = await shops.get_shop_by_id(session, shop_id=shop_id)
        await sequences.create(shop_id, number_prefix(shop.slug))
        bumped = await sequences.bump(shop_id)
        assert bumped is not None  # created just above (or by a concurrent first order)
    prefix, value = bumped
    return f"{prefix}-{value:06d}"


def _placed(order: Order) -> OrderPlaced:
    return OrderPlaced(
        order_id=order.id, shop_id=order.shop_id, number=order.number,
        customer_id=order.customer_id, currency=order.currency, total=order.total_amount,
        source=order.source, lines=event_lines(order),
    )  # fmt: skip


def _summary(order: Order) -> dict[str, object]:
    return {
        "number": order.number, "state": order.state, "currency": order.currency,
        "total": order.total_amount, "promo_code": order.promo_code,
    }  # fmt: skip
