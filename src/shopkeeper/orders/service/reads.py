"""Reading orders: one by id, a page of a shop's orders, the schema of a row, sales figures."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.kit.pagination import Page
from shopkeeper.orders.errors import OrderNotFound
from shopkeeper.orders.events import OrderEventLine
from shopkeeper.orders.models import Order, OrderLine
from shopkeeper.orders.repository import OrderRepository, SequenceRepository
from shopkeeper.orders.sales_rollup import SalesRollup
from shopkeeper.orders.schemas import (
    OrderLineRead,
    OrderRead,
    OrderSort,
    OrderState,
    ProductSales,
    SalesTotal,
)

_NUMBER = re.compile(r"([A-Z0-9]{1,8})-(\d{1,12})")


async def get_order(session: AsyncSession, *, shop_id: uuid.UUID, order_id: uuid.UUID) -> OrderRead:
    """The order with its lines; another shop's order is OrderNotFound."""
    order = await OrderRepository(session).get(shop_id, order_id)
    if order is None:
        raise OrderNotFound()
    return to_read(order)


async def list_orders(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    state: OrderState | None = None,
    customer_id: uuid.UUID | None = None,
    number: str | None = None,
    sort: OrderSort = OrderSort.NEWEST,
    limit: int = 50,
    offset: int = 0,
    count_up_to: int | None = None,
) -> Page[OrderRead]:
    """Newest first (or `sort`), optionally one state, one customer's or one number (as a
    person types it: `LUM-000042`, `lum-42`, `#42` or `42`). With `count_up_to`, `total`
    stops counting one past it."""
    repo = OrderRepository(session)
    wanted = None
    if number is not None and number.strip():
        wanted = typed_number(number, await SequenceRepository(session).prefix(shop_id))
        if wanted is None:
            return Page[OrderRead](items=[], total=0, limit=limit, offset=offset)
    rows, total = await repo.page(
        shop_id, state=state, customer_id=customer_id, number=wanted, sort=sort, limit=limit,
        offset=offset, count_up_to=count_up_to,
    )  # fmt: skip
    items = [to_read(order) for order in rows]
    return Page[OrderRead](items=items, total=total, limit=limit, offset=offset)


def typed_number(text: str, prefix: str | None) -> str | None:
    """The order number someone means by `text`; None when it cannot be one of this shop's."""
    text = text.strip().lstrip("#").strip().upper()
    if text.isdigit():
        return f"{prefix}-{int(text):06d}" if prefix and len(text) <= 12 else None
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    return f"{match[1]}-{int(match[2]):06d}"


async def revenue_by_kind(
    session: AsyncSession, *, shop_id: uuid.UUID, kind: str, since: datetime, until: datetime
) -> dict[str, int]:
    """What lines of `kind` (e.g. "plan") brought in, per currency: their totals in orders
    paid in [since, until], fully refunded orders left out."""
    return await OrderRepository(session).revenue_of_kind(shop_id, kind, since, until)


def to_read(order: Order) -> OrderRead:
    return OrderRead(
        id=order.id, shop_id=order.shop_id, number=order.number, customer_id=order.customer_id,
        state=OrderState(order.state), source=order.source, currency=order.currency,
        subtotal=order.subtotal_amount, discount=order.discount_amount, tax=order.tax_amount,
        shipping=order.shipping_amount, total=order.total_amount, amount_paid=order.paid_amount,
        amount_refunded=order.refunded_amount, lines=[_line(line) for line in order.lines],
        promo_code=order.promo_code, payment_id=order.payment_id,
        cancel_reason=order.cancel_reason, created_at=order.created_at, paid_at=order.paid_at,
        fulfilled_at=order.fulfilled_at, cancelled_at=order.cancelled_at,
        expires_at=order.expires_at,
    )  # fmt: skip


def _line(line: OrderLine) -> OrderLineRead:
    return OrderLineRead(
        id=line.id, product_id=line.product_id, variant_id=line.variant_id, sku=line.sku,
        name=line.name, kind=line.kind, unit_amount=line.unit_amount, quantity=line.quantity,
        amount=line.amount, tax_rate_bp=line.tax_rate_bp, tax_included=line.tax_included,
        discount=line.discount_amount, tax=line.tax_amount, total=line.total_amount,
    )  # fmt: skip


def event_lines(order: Order) -> tuple[OrderEventLine, ...]:
    return tuple(
        OrderEventLine(
            product_id=line.product_id,
            variant_id=line.variant_id,
            kind=line.kind,
            quantity=line.quantity,
        )
        for line in order.lines
    )


async def sales_by_currency(
    session: AsyncSession, *, shop_id: uuid.UUID, since: datetime, until: datetime
) -> list[SalesTotal]:
    """The orders paid in [since, until] per currency: count, paid, refunded, net."""
    rows = await OrderRepository(session).sales_between(shop_id, since, until)
    return [
        SalesTotal(currency=c, orders=n, paid=paid, refunded=back, net=paid - back)
        for c, n, paid, back in sorted(rows)
    ]


async def top_products(
    session: AsyncSession, *, shop_id: uuid.UUID, since: datetime, until: datetime,
    limit: int = 5,
) -> list[ProductSales]:  # fmt: skip
    """The best-selling products by line totals (per currency) in orders paid in the window."""
    rows = await OrderRepository(session).top_products(shop_id, since, until, limit)
    return [
        ProductSales(product_id=p, name=name, currency=c, units=units, amount=amount)
        for p, name, c, units, amount in rows
    ]


async def sales_version(session: AsyncSession, *, shop_id: uuid.UUID) -> str:
    """Changes whenever an order of the shop is paid (for live dashboards to poll)."""
    last = await OrderRepository(session).last_paid_at(shop_id)
    return last.isoformat() if last else "-"


async def rebuild_sales_rollup(session: AsyncSession, *, shop_id: uuid.UUID | None = None) -> None:
    """Recompute the sales rollup from the orders (after orders were written in bulk)."""
    await SalesRollup(session).rebuild(shop_id)
