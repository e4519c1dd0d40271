"""The sales rollup behind revenue and top products: whatever the window (whole days, or
starting and ending mid-bucket), the figures equal those added up from the orders one by one —
after payments, partial and whole refunds, payments landing at once, and a rebuild."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shopkeeper import orders
from shopkeeper.bootstrap import Container
from shopkeeper.catalog import ProductRead
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.orders import OrderRead
from shopkeeper.shops import ShopRead
from tests.builders.orders import create_sellable, mark_paid, place_order
from tests.builders.staff import create_shop

REVENUE = {"paid", "fulfilled", "partially_refunded"}


@dataclass
class Sold:
    """What the test knows of an order it paid (and refunded)."""

    order: OrderRead
    paid_at: datetime
    lines: list[tuple[uuid.UUID, int, int]]  # product, units, line total
    refunded: int = 0
    state: str = "paid"


@dataclass
class Ledger:
    sold: list[Sold] = field(default_factory=list)

    def totals(self, since: datetime, until: datetime) -> set[tuple[str, int, int, int, int]]:
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for s in self.sold:
            if since <= s.paid_at <= until:
                figures = sums[s.order.currency]
                figures[0] += 1
                figures[1] += s.order.total
                figures[2] += s.refunded
        return {(c, n, paid, back, paid - back) for c, (n, paid, back) in sums.items()}

    def products(self, since: datetime, until: datetime) -> set[tuple[uuid.UUID, str, int, int]]:
        sums: dict[tuple[uuid.UUID, str], list[int]] = defaultdict(lambda: [0, 0])
        for s in self.sold:
            if since <= s.paid_at <= until and s.state in REVENUE:
                for product, units, total in s.lines:
                    sums[(product, s.order.currency)][0] += units
                    sums[(product, s.order.currency)][1] += total
        return {(p, c, units, amount) for (p, c), (units, amount) in sums.items()}


async def _figures(
    container: Container, shop: ShopRead, since: datetime, until: datetime
) -> tuple[set[tuple[str, int, int, int, int]], set[tuple[uuid.UUID, str, int, int]]]:
    async with container.sessions() as session:
        sales = await orders.sales_by_currency(session, shop_id=shop.id, since=since, until=until)
        best = await orders.top_products(
            session, shop_id=shop.id, since=since, until=until, limit=100
        )
    return (
        {(s.currency, s.orders, s.paid, s.refunded, s.net) for s in sales},
        {(p.product_id, p.currency, p.units, p.amount) for p in best},
    )


async def _sell(
    container: Container, shop: ShopRead, items: list[tuple[ProductRead, int]], currency: str
) -> Sold:
    order = await place_order(container, shop=shop, items=items, currency=currency)
    paid = await mark_paid(container, order)
    lines = [(line.product_id, line.quantity, line.total) for line in paid.lines]
    return Sold(order=paid, paid_at=container.clock.now(), lines=lines)


async def _refund(container: Container, sold: Sold, amount: int) -> None:
    async with unit_of_work(container.sessions) as session:
        after = await orders.record_refund(
            session, shop_id=sold.order.shop_id, order_id=sold.order.id,
            refund_id=uuid.uuid4(), amount=amount, now=container.clock.now(),
        )  # fmt: skip
    sold.refunded += amount
    sold.state = after.state.value


async def _shop_with_sales(
    container: Container, clock: FrozenClock
) -> tuple[ShopRead, Ledger, datetime]:
    """Two days of sales every 37 minutes in EUR and PLN, a few refunded in part or wholly."""
    shop = await create_shop(container, currency="EUR")
    kettle = await create_sellable(container, shop=shop, price=2500, prices=[("PLN", 9900)])
    mug = await create_sellable(container, shop=shop, price=800, prices=[("PLN", 3500)])
    ledger = Ledger()
    start = clock.now()
    for step in range(30):
        clock.advance(seconds=37 * 60)
        items = [(kettle, 1 + step % 2)] if step % 3 else [(kettle, 1), (mug, 2 + step % 4)]
        ledger.sold.append(await _sell(container, shop, items, "PLN" if step % 4 == 0 else "EUR"))
    for index, part in ((2, 300), (5, None), (11, 100), (11, None), (20, None)):
        sold = ledger.sold[index]
        await _refund(container, sold, part or sold.order.total - sold.refunded)
    return shop, ledger, start


async def _assert_windows(
    container: Container, shop: ShopRead, ledger: Ledger, start: datetime, now: datetime
) -> None:
    minute = timedelta(minutes=1)
    windows = [
        (start, now),  # everything
        (start + 7 * minute, now - 3 * minute),  # both ends inside a bucket
        (start + 60 * minute, start + 75 * minute),  # exactly one bucket
        (start + 61 * minute, start + 70 * minute),  # inside one bucket
        (ledger.sold[4].paid_at, ledger.sold[4].paid_at),  # one moment: that order only
        (start + 300 * minute, now + 60 * minute),  # ends in the future
    ]
    for since, until in windows:
        totals, products = await _figures(container, shop, since, until)
        assert totals == ledger.totals(since, until), (since, until)
        assert products == ledger.products(since, until), (since, until)


async def test_figures_equal_the_orders_added_up_in_any_window(
    container: Container, clock: FrozenClock
) -> None:
    shop, ledger, start = await _shop_with_sales(container, clock)
    await _assert_windows(container, shop, ledger, start, clock.now())
    wholly = ledger.sold[5]
    totals, products = await _figures(container, shop, wholly.paid_at, wholly.paid_at)
    assert products == set()  # a wholly refunded order's products stop counting
    assert totals == {(wholly.order.currency, 1, wholly.order.total, wholly.order.total, 0)}


async def test_a_rebuild_from_the_orders_gives_the_same_figures(
    container: Container, clock: FrozenClock
) -> None:
    shop, ledger, start = await _shop_with_sales(container, clock)
    other, other_ledger, _ = await _shop_with_sales(container, clock)
    async with unit_of_work(container.sessions) as session:
        await orders.rebuild_sales_rollup(session, shop_id=shop.id)
    await _assert_windows(container, shop, ledger, start, clock.now())
    async with unit_of_work(container.sessions) as session:
        await orders.rebuild_sales_rollup(session)  # every shop
    await _assert_windows(container, shop, ledger, start, clock.now())
    totals, _products = await _figures(container, other, start, clock.now())
    assert totals == other_ledger.totals(start, clock.now())


async def test_payments_and_refunds_landing_at_once_are_all_counted(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container, currency="EUR")
    kettle = await create_sellable(container, shop=shop, price=2500)
    pending = [await place_order(container, shop=shop, items=[(kettle, 1)]) for _ in range(12)]
    paid = await asyncio.gather(*(mark_paid(container, order) for order in pending))
    ledger = Ledger(
        [Sold(order=o, paid_at=clock.now(), lines=[(kettle.id, 1, o.total)]) for o in paid]
    )
    await asyncio.gather(*(_refund(container, sold, 1000) for sold in ledger.sold[:6]))
    await asyncio.gather(*(_refund(container, sold, 1500) for sold in ledger.sold[:3]))
    hour = timedelta(hours=1)
    totals, products = await _figures(container, shop, clock.now() - hour, clock.now() + hour)
    assert totals == {("EUR", 12, 30_000, 10_500, 19_500)}
    assert products == {(kettle.id, "EUR", 9, 22_500)}  # three wholly refunded
