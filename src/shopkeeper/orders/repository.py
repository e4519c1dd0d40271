"""All SQL of the orders context; every query is scoped to one shop."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Select,
    Table,
    Uuid,
    and_,
    bindparam,
    exists,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from shopkeeper.orders.models import IdempotencyKey, Order, OrderLine, OrderRefund, OrderSequence
from shopkeeper.orders.sales_rollup import SalesRollup, whole_buckets
from shopkeeper.orders.schemas import OrderSort, OrderState

# Built once (each paid order runs them): pending → paid in one statement that also takes
# the row lock, so two payments of one order are decided one after the other. Ids compared
# with foreign-key columns are typed explicitly: such a column has no type of its own until
# the table it refers to is imported, maybe after this module.
_ORDERS = cast(Table, Order.__table__)
_PAY_PENDING = (
    select(Order)
    .from_statement(
        update(_ORDERS)
        .where(
            _ORDERS.c.shop_id == bindparam("p_shop_id", type_=Uuid()),
            _ORDERS.c.id == bindparam("p_order_id"),
            _ORDERS.c.state == OrderState.PENDING.value,
            _ORDERS.c.total_amount == bindparam("p_amount"),
        )
        .values(
            state=OrderState.PAID.value,
            payment_id=bindparam("p_payment_id", type_=_ORDERS.c.payment_id.type),
            paid_amount=bindparam("p_amount", type_=_ORDERS.c.paid_amount.type),
            paid_at=bindparam("p_now", type_=_ORDERS.c.paid_at.type),
            updated_at=bindparam("p_now", type_=_ORDERS.c.updated_at.type),
            expires_at=None,
        )
        .returning(*_ORDERS.c)
    )
    .execution_options(populate_existing=True)
)
_LINES = (
    select(OrderLine)
    .where(OrderLine.order_id == bindparam("order_id", type_=Uuid()))
    .order_by(OrderLine.position)
)

_SORTS: dict[OrderSort, tuple[Any, ...]] = {
    OrderSort.NEWEST: (Order.created_at.desc(), Order.id.desc()),
    OrderSort.OLDEST: (Order.created_at.asc(), Order.id.asc()),
    OrderSort.TOTAL_DESC: (Order.total_amount.desc(), Order.id.desc()),
    OrderSort.TOTAL_ASC: (Order.total_amount.asc(), Order.id.asc()),
}
REVENUE_STATES = (
    OrderState.PAID.value,
    OrderState.FULFILLED.value,
    OrderState.PARTIALLY_REFUNDED.value,
)


def _edges(since: datetime, until: datetime, first: datetime, end: datetime) -> list[Any]:
    """Conditions on paid_at for the parts of [since, until] outside the whole buckets
    [first, end) — two ranges an index reads directly (an OR would scan the whole window)."""
    if first >= end:
        return [and_(Order.paid_at >= since, Order.paid_at <= until)]
    return [
        and_(Order.paid_at >= since, Order.paid_at < first),
        and_(Order.paid_at >= end, Order.paid_at <= until),
    ]


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, order: Order) -> Order:
        self.session.add(order)
        return order

    async def get(
        self, shop_id: uuid.UUID, order_id: uuid.UUID, *, for_update: bool = False
    ) -> Order | None:
        query = (
            select(Order)
            .where(Order.shop_id == shop_id, Order.id == order_id)
            .options(selectinload(Order.lines))
        )
        if for_update:
            query = query.with_for_update(of=Order).execution_options(populate_existing=True)
        return (await self.session.execute(query)).scalar_one_or_none()

    async def pay_pending(
        self, shop_id: uuid.UUID, order_id: uuid.UUID, *, payment_id: uuid.UUID, amount: int,
        now: datetime,
    ) -> Order | None:  # fmt: skip
        """The order, now paid, if it was pending with exactly `amount` due; else None and
        nothing written. Its lines are loaded too."""
        params = {"p_shop_id": shop_id, "p_order_id": order_id, "p_amount": amount,
                  "p_payment_id": payment_id, "p_now": now}  # fmt: skip
        order = await self.session.scalar(_PAY_PENDING, params)
        if order is not None:
            lines = await self.session.scalars(_LINES, {"order_id": order.id})
            set_committed_value(order, "lines", list(lines))
        return order

    async def lines_of(self, order_id: uuid.UUID) -> Sequence[OrderLine]:
        return list(await self.session.scalars(_LINES, {"order_id": order_id}))

    async def page(
        self,
        shop_id: uuid.UUID,
        *,
        state: OrderState | None,
        customer_id: uuid.UUID | None,
        limit: int,
        offset: int,
        number: str | None = None,
        sort: OrderSort = OrderSort.NEWEST,
        count_up_to: int | None = None,
    ) -> tuple[Sequence[Order], int]:
        """A page in `sort` order and how many match (at most `count_up_to` + 1 when given:
        counting a million rows for a page of 25 is not worth it)."""
        where: list[Any] = [Order.shop_id == shop_id]
        if state is not None:
            where.append(Order.state == state.value)
        if customer_id is not None:
            where.append(Order.customer_id == customer_id)
        if number is not None:
            where.append(Order.number == number)
        matching: Select[Any] = select(literal_column("1")).where(*where)  # index alone
        if count_up_to is not None:
            matching = matching.limit(count_up_to + 1)
        total = await self.session.scalar(select(func.count()).select_from(matching.subquery()))
        # The page's ids first, from the index alone (each sort's index ends with id), then
        # only those rows: an offset skips index entries, not whole rows.
        ids = (
            select(Order.id).where(*where).order_by(*_SORTS[sort]).limit(limit).offset(offset)
        ).subquery()
        query = (
            select(Order)
            .where(Order.id.in_(select(ids.c.id)))
            .options(selectinload(Order.lines))
            .order_by(*_SORTS[sort])
        )
        return (await self.session.execute(query)).scalars().all(), int(total or 0)

    async def revenue_of_kind(
        self, shop_id: uuid.UUID, kind: str, since: datetime, until: datetime
    ) -> dict[str, int]:
        """Σ line totals of `kind` of the orders paid in [since, until] and not fully
        refunded, per currency."""
        query = (
            select(Order.currency, func.sum(OrderLine.total_amount))
            .join(OrderLine, OrderLine.order_id == Order.id)
            .where(
                Order.shop_id == shop_id,
                OrderLine.kind == kind,
                Order.paid_at >= since,
                Order.paid_at <= until,
                Order.state.in_(REVENUE_STATES),
            )
            .group_by(Order.currency)
        )
        return {row[0]: int(row[1] or 0) for row in await self.session.execute(query)}

    async def sales_between(
        self, shop_id: uuid.UUID, since: datetime, until: datetime
    ) -> list[tuple[str, int, int, int]]:
        """Per currency, the orders paid in [since, until]: (currency, count, paid, refunded).

        Whole 15-minute buckets come from the sales rollup, the ends from the orders."""
        totals: dict[str, list[int]] = {}
        first, end = whole_buckets(since, until)
        parts = [
            await self._sales_of_orders(shop_id, edge) for edge in _edges(since, until, first, end)
        ]
        if first < end:
            parts.append(await SalesRollup(self.session).totals(shop_id, first, end))
        for rows in parts:
            for currency, *figures in rows:
                sums = totals.setdefault(currency, [0, 0, 0])
                for index, figure in enumerate(figures):
                    sums[index] += figure
        return [(currency, *sums) for currency, sums in totals.items()]  # type: ignore[misc]

    async def _sales_of_orders(
        self, shop_id: uuid.UUID, edge: Any
    ) -> list[tuple[str, int, int, int]]:
        """Per currency, the orders whose payment time meets `edge`."""
        query = (
            select(
                Order.currency, func.count(Order.id), func.sum(Order.paid_amount),
                func.sum(Order.refunded_amount),
            )
            .where(Order.shop_id == shop_id, edge)
            .group_by(Order.currency)
        )  # fmt: skip
        rows = await self.session.execute(query)
        return [(c, int(n), int(paid or 0), int(back or 0)) for c, n, paid, back in rows]

    async def top_products(
        self, shop_id: uuid.UUID, since: datetime, until: datetime, limit: int
    ) -> list[tuple[uuid.UUID, str, str, int, int]]:
        """The products whose lines brought in most in orders paid in [since, until] and not
        fully refunded: (product_id, name, currency, units, line totals)."""
        first, end = whole_buckets(since, until)
        merged: dict[tuple[uuid.UUID, str], tuple[str, int, int]] = {}
        parts = [
            await self._products_of_orders(shop_id, edge)
            for edge in _edges(since, until, first, end)
        ]
        if first < end:
            parts.append(await SalesRollup(self.session).products(shop_id, first, end))
        for product_id, name, currency, units, amount in (row for rows in parts for row in rows):
            known = merged.get((product_id, currency), ("", 0, 0))
            merged[(product_id, currency)] = (max(known[0], name), known[1] + units,
                                              known[2] + amount)  # fmt: skip
        best = sorted(merged.items(), key=lambda item: (-item[1][2], item[0][0]))[:limit]
        return [(p, name, c, units, amount) for (p, c), (name, units, amount) in best]

    async def _products_of_orders(
        self, shop_id: uuid.UUID, edge: Any
    ) -> list[tuple[uuid.UUID, str, str, int, int]]:
        query = (
            select(
                OrderLine.product_id, func.max(OrderLine.name), Order.currency,
                func.sum(OrderLine.quantity), func.sum(OrderLine.total_amount),
            )
            .join(Order, Order.id == OrderLine.order_id)
            .where(
                Order.shop_id == shop_id, edge, Order.state.in_(REVENUE_STATES),
            )
            .group_by(OrderLine.product_id, Order.currency)
        )  # fmt: skip
        rows = await self.session.execute(query)
        return [(p, name, c, int(units), int(total)) for p, name, c, units, total in rows]

    async def last_paid_at(self, shop_id: uuid.UUID) -> datetime | None:
        query = select(func.max(Order.paid_at)).where(Order.shop_id == shop_id)
        return await self.session.scalar(query)

    async def customer_has_paid(self, shop_id: uuid.UUID, customer_id: uuid.UUID) -> bool:
        """Whether the customer ever completed a payment in this shop (refunded or not)."""
        query = select(
            exists().where(
                Order.shop_id == shop_id,
                Order.customer_id == customer_id,
                Order.paid_at.is_not(None),
            )
        )
        return bool(await self.session.scalar(query))

    async def due_for_expiry(self, now: datetime, limit: int) -> Sequence[Order]:
        """Pending orders past their time, locked; rows another worker holds are skipped."""
        query = (
            select(Order)
            .where(Order.state == OrderState.PENDING.value, Order.expires_at <= now)
            .order_by(Order.expires_at)
            .limit(limit)
            .options(selectinload(Order.lines))
            .with_for_update(of=Order, skip_locked=True)
        )
        return (await self.session.execute(query)).scalars().all()

    async def repoint_customer(
        self, shop_id: uuid.UUID, from_id: uuid.UUID, into_id: uuid.UUID
    ) -> None:
        statement = (
            update(Order)
            .where(Order.shop_id == shop_id, Order.customer_id == from_id)
            .values(customer_id=into_id)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(statement)


class SequenceRepository:
    """Per-shop order numbers: one row per shop, bumped atomically."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def bump(self, shop_id: uuid.UUID) -> tuple[str, int] | None:
        """`UPDATE … SET value = value + 1 RETURNING`: the row lock orders concurrent callers."""
        statement = (
            update(OrderSequence)
            .where(OrderSequence.shop_id == shop_id)
            .values(value=OrderSequence.value + 1)
            .returning(OrderSequence.prefix, OrderSequence.value)
            .execution_options(synchronize_session=False)
        )
        row = (await self.session.execute(statement)).first()
        return None if row is None else (str(row[0]), int(row[1]))

    async def prefix(self, shop_id: uuid.UUID) -> str | None:
        """The shop's order number prefix, once it has placed an order."""
        return await self.session.scalar(
            select(OrderSequence.prefix).where(OrderSequence.shop_id == shop_id)
        )

    async def create(self, shop_id: uuid.UUID, prefix: str) -> None:
        """The shop's counter at 0, unless a concurrent first order created it already."""
        values = {"shop_id": shop_id, "prefix": prefix, "value": 0}
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(OrderSequence).values(**values).on_conflict_do_nothing()
        await self.session.execute(statement)


def number_prefix(slug: str) -> str:
    """`lumen-coffee` → `LUM`: the first three letters or digits of the slug, upper case."""
    return re.sub(r"[^a-z0-9]", "", slug.lower())[:3].upper() or "ORD"


class IdempotencyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, shop_id: uuid.UUID, key: str) -> IdempotencyKey | None:
        query = select(IdempotencyKey).where(
            IdempotencyKey.shop_id == shop_id, IdempotencyKey.key == key
        )
        return (await self.session.execute(query)).scalar_one_or_none()


class RefundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def add(self, refund: OrderRefund) -> OrderRefund:
        self.session.add(refund)
        return refund

    async def by_refund_id(self, refund_id: uuid.UUID) -> OrderRefund | None:
        query = select(OrderRefund).where(OrderRefund.refund_id == refund_id)
        return (await self.session.execute(query)).scalar_one_or_none()
