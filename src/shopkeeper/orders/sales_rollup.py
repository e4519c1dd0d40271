"""The sales rollup (orders_sales_bucket): kept in the transaction that pays or refunds an
order, read by the dashboard's revenue and top products instead of every order of a month.

Reads are exact: whole buckets inside [since, until] come from the rollup, the parts of a
bucket at either end from the orders themselves (at most 15 minutes of them each).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.orders.models import Order, OrderLine, SalesBucket

BUCKET = timedelta(minutes=15)
SLOTS = 4
ORDER_TOTALS = uuid.UUID(int=0)  # the product_id of a bucket's order totals row
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Delta:
    """What one payment or refund adds to one row of a bucket."""

    product_id: uuid.UUID
    orders: int = 0
    units: int = 0
    amount: int = 0
    refunded: int = 0
    name: str = ""


def bucket_of(moment: datetime) -> datetime:
    """The start of the 15-minute UTC bucket holding `moment`."""
    return _EPOCH + ((moment.astimezone(UTC) - _EPOCH) // BUCKET) * BUCKET


def whole_buckets(since: datetime, until: datetime) -> tuple[datetime, datetime]:
    """[first, end): the buckets lying wholly inside [since, until] (first ≥ end: none)."""
    first = bucket_of(since)
    if first < since:
        first += BUCKET
    return first, bucket_of(until)


def paid_deltas(order: Order, lines: Iterable[OrderLine]) -> list[Delta]:
    """An order just paid: one more order and its money, its lines per product."""
    return [Delta(ORDER_TOTALS, orders=1, amount=order.paid_amount), *_line_deltas(lines, 1)]


def refund_deltas(amount: int, lines: Iterable[OrderLine] | None) -> list[Delta]:
    """A refund; `lines` when it refunded the order wholly (its products stop counting)."""
    return [Delta(ORDER_TOTALS, refunded=amount), *_line_deltas(lines or (), -1)]


def _line_deltas(lines: Iterable[OrderLine], sign: int) -> list[Delta]:
    per_product: dict[uuid.UUID, Delta] = {}
    for line in lines:
        before = per_product.get(line.product_id, Delta(line.product_id))
        per_product[line.product_id] = Delta(
            line.product_id, units=before.units + sign * line.quantity,
            amount=before.amount + sign * line.total_amount, name=line.name,
        )  # fmt: skip
    return [per_product[key] for key in sorted(per_product)]


class SalesRollup:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, order: Order, deltas: list[Delta]) -> None:
        """Add the deltas to the bucket of the order's payment, rows in one fixed order (no
        two transactions lock the same rows the other way round)."""
        assert order.paid_at is not None
        key = {"shop_id": order.shop_id, "bucket_start": bucket_of(order.paid_at),
               "currency": order.currency, "slot": order.id.int % SLOTS}  # fmt: skip
        insert = pg_insert if self._dialect == "postgresql" else sqlite_insert
        for delta in sorted(deltas, key=lambda d: d.product_id):
            values = {"product_id": delta.product_id, "orders": delta.orders,
                      "units": delta.units, "amount": delta.amount,
                      "refunded": delta.refunded, "name": delta.name}  # fmt: skip
            stmt = insert(SalesBucket).values(**key, **values)
            added = {column: getattr(SalesBucket, column) + getattr(stmt.excluded, column)
                     for column in ("orders", "units", "amount", "refunded")}  # fmt: skip
            if delta.name:
                added["name"] = stmt.excluded.name
            await self.session.execute(stmt.on_conflict_do_update(index_elements=_KEY, set_=added))

    async def totals(
        self, shop_id: uuid.UUID, first: datetime, end: datetime
    ) -> list[tuple[str, int, int, int]]:
        """Per currency over buckets [first, end): (currency, orders, paid, refunded)."""
        query = (
            select(
                SalesBucket.currency, func.sum(SalesBucket.orders), func.sum(SalesBucket.amount),
                func.sum(SalesBucket.refunded),
            )
            .where(*self._window(shop_id, first, end), SalesBucket.product_id == ORDER_TOTALS)
            .group_by(SalesBucket.currency)
        )  # fmt: skip
        rows = await self.session.execute(query)
        return [(c, int(n or 0), int(paid or 0), int(back or 0)) for c, n, paid, back in rows]

    async def products(
        self, shop_id: uuid.UUID, first: datetime, end: datetime
    ) -> list[tuple[uuid.UUID, str, str, int, int]]:
        """Per product and currency over buckets [first, end): (id, name, currency, units,
        line totals), products whose orders were all refunded left out."""
        query = (
            select(
                SalesBucket.product_id, func.max(SalesBucket.name), SalesBucket.currency,
                func.sum(SalesBucket.units), func.sum(SalesBucket.amount),
            )
            .where(*self._window(shop_id, first, end), SalesBucket.product_id != ORDER_TOTALS)
            .group_by(SalesBucket.product_id, SalesBucket.currency)
            .having(func.sum(SalesBucket.units) != 0)
        )  # fmt: skip
        rows = await self.session.execute(query)
        return [(p, name, c, int(units), int(total)) for p, name, c, units, total in rows]

    async def rebuild(self, shop_id: uuid.UUID | None = None) -> None:
        """Recompute the rollup from the orders (after a bulk import; `None`: every shop).
        Meant for a shop whose orders are not being paid meanwhile: a payment committing
        between the delete and the insert would meet this transaction's rows."""
        scope = "" if shop_id is None else " AND o.shop_id = :shop_id"
        params = {} if shop_id is None else {"shop_id": _uuid_param(shop_id, self._dialect)}
        removed = delete(SalesBucket)
        if shop_id is not None:
            removed = removed.where(SalesBucket.shop_id == shop_id)
        await self.session.execute(removed)
        for statement in rebuild_statements(self._dialect, scope):
            await self.session.execute(text(statement), params)

    def _window(
        self, shop_id: uuid.UUID, first: datetime, end: datetime
    ) -> tuple[ColumnElement[bool], ...]:
        return (
            SalesBucket.shop_id == shop_id,
            SalesBucket.bucket_start >= first,
            SalesBucket.bucket_start < end,
        )

    @property
    def _dialect(self) -> str:
        return self.session.get_bind().dialect.name


_KEY = ["shop_id", "bucket_start", "currency", "product_id", "slot"]


def _uuid_param(value: uuid.UUID, dialect: str) -> object:
    return value if dialect == "postgresql" else value.hex


def rebuild_statements(dialect: str, scope: str = "") -> list[str]:
    """INSERT … SELECT of the rollup from orders_order / orders_line (also the migration's)."""
    if dialect == "postgresql":
        bucket = "date_bin('15 minutes', o.paid_at, TIMESTAMPTZ '2000-01-01 00:00:00+00')"
        zero = "'00000000-0000-0000-0000-000000000000'::uuid"
    else:  # SQLite keeps naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'
        minute = "(CAST(strftime('%M', o.paid_at) AS INTEGER) / 15) * 15"
        hour = "strftime('%Y-%m-%d %H:', o.paid_at)"
        bucket = f"{hour} || printf('%02d', {minute}) || ':' || '00.000000'"
        zero = "'00000000000000000000000000000000'"
    columns = (
        "shop_id, bucket_start, currency, product_id, slot, orders, units, amount, refunded, name"
    )
    revenue = "('paid', 'fulfilled', 'partially_refunded')"
    # Built from the constants above only (no input reaches this text).
    return [
        f"INSERT INTO orders_sales_bucket ({columns}) "  # noqa: S608
        f"SELECT o.shop_id, {bucket}, o.currency, {zero}, 0, COUNT(*), 0, SUM(o.paid_amount), "
        f"SUM(o.refunded_amount), '' FROM orders_order o "
        f"WHERE o.paid_at IS NOT NULL{scope} GROUP BY o.shop_id, {bucket}, o.currency",
        f"INSERT INTO orders_sales_bucket ({columns}) "  # noqa: S608
        f"SELECT o.shop_id, {bucket}, o.currency, l.product_id, 0, 0, SUM(l.quantity), "
        f"SUM(l.total_amount), 0, MAX(l.name) FROM orders_order o "
        f"JOIN orders_order_line l ON l.order_id = o.id "
        f"WHERE o.paid_at IS NOT NULL AND o.state IN {revenue}{scope} "
        f"GROUP BY o.shop_id, {bucket}, o.currency, l.product_id",
    ]
