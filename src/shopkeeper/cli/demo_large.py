"""`shopkeeper demo --large`: a shop with a year of history at scale (1,000,000 orders and
100,000 customers by default) to try the admin's lists and dashboard on.

The shop, its staff and its products are made through the contexts' services like the rest
of the demo. The history is synthetic and written in bulk straight into the customers' and
orders' tables, on purpose: a million orders through `place_order` would take hours, and
the events they would publish (a million "order paid") are not wanted — this is a past that
already happened. Rows follow the same rules the services keep (numbers in sequence, totals
= lines, refunds ≤ paid, states and their times), so every page reads them as its own.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog, shops
from shopkeeper.audit import Actor
from shopkeeper.catalog.schemas import PriceIn, ProductCreate
from shopkeeper.catalog.schemas import ProductKind as Kind
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.identity.models import Customer, CustomerIdentity
from shopkeeper.kit.ids import new_id
from shopkeeper.orders import rebuild_sales_rollup
from shopkeeper.orders.models import Order, OrderLine, OrderSequence

SLUG, PREFIX, CURRENCY, TAX_BP = "outlet", "OUT", "PLN", 2300
BATCH = 20_000
HISTORY_DAYS = 365
# (state, share): most orders were paid and many delivered; some refunded or cancelled; a few
# placed in the last half hour still wait for payment.
STATES = (("fulfilled", 0.55), ("paid", 0.25), ("cancelled", 0.1), ("refunded", 0.05),
          ("partially_refunded", 0.04), ("pending", 0.01))  # fmt: skip
PRODUCTS = (("Desk lamp", 12_900), ("Oak shelf", 34_900), ("Armchair", 89_900),
            ("Rug 160×230", 45_900), ("Cushion", 4_900))  # fmt: skip
FIRST_NAMES = ("Anna", "Piotr", "Olga", "Jan", "Maria", "Tomasz", "Ewa", "Paweł", "Zofia", "Adam")
LAST_NAMES = ("Nowak", "Kowalski", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski", "Zając")


@dataclass(frozen=True)
class Sellable:
    product_id: uuid.UUID
    variant_id: uuid.UUID
    sku: str
    name: str
    amount: int


async def ensure_large(
    container: Container, admin: Any, *, orders: int, customers: int,
    advance: Callable[[str], None] = lambda _: None,
) -> shops.ShopRead:  # fmt: skip
    """The shop `outlet` with `customers` customers and `orders` orders (kept if it has them)."""
    shop, sellables = await _shop_and_products(container, admin)
    async with unit_of_work(container.sessions) as session:
        have_customers = await _count(session, Customer, shop.id)
        have_orders = await _count(session, Order, shop.id)
    rng = random.Random(20261207)
    now = container.clock.now()
    ids = await _customers(container, shop.id, have_customers, customers, now, rng, advance)
    await _orders(container, shop.id, have_orders, orders, ids, sellables, now, rng, advance)
    async with unit_of_work(container.sessions) as session:  # the dashboard reads the rollup
        await rebuild_sales_rollup(session, shop_id=shop.id)
    await _analyze(container)
    return shop


async def _analyze(container: Container) -> None:
    """Planner statistics after a bulk load (and, on PostgreSQL, the visibility map that lets
    the lists' index-only scans skip the heap)."""
    if container.settings.is_sqlite:
        async with container.engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
        return
    async with container.engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE"))


async def _shop_and_products(container: Container, admin: Any) -> tuple[Any, list[Sellable]]:
    async with unit_of_work(container.sessions) as session:
        try:
            shop = await shops.get_shop(session, slug=SLUG)
        except shops.ShopNotFound:
            data = shops.ShopCreate(slug=SLUG, name="Outlet (large data)", currency=CURRENCY,
                                    timezone="Europe/Warsaw", languages=["pl", "en"],
                                    owner_email=admin.email)  # fmt: skip
            shop = await shops.create_shop(session, data=data, creator=admin,
                                           actor=_actor(), now=container.clock.now())  # fmt: skip
        page = await catalog.list_products(session, shop_id=shop.id, limit=len(PRODUCTS))
        found = list(page.items)
        if not found:
            for name, amount in PRODUCTS:
                found.append(await catalog.create_product(
                    session, shop_id=shop.id, actor=_actor(), now=container.clock.now(),
                    data=ProductCreate(kind=Kind.PHYSICAL, name=name, published=True,
                                       prices=[PriceIn(currency=CURRENCY, amount=amount)]),
                ))  # fmt: skip
    sellables = [
        Sellable(p.id, p.variants[0].id, p.variants[0].sku, p.name, _price(p))
        for p in found
    ]  # fmt: skip
    return shop, sellables


async def _customers(
    container: Container, shop_id: uuid.UUID, have: int, want: int, now: datetime,
    rng: random.Random, advance: Callable[[str], None],
) -> list[uuid.UUID]:  # fmt: skip
    """Every customer id of the shop after adding `want - have` new ones."""
    for start in range(have, want, BATCH):
        people, identities = [], []
        for n in range(start, min(start + BATCH, want)):
            cid = new_id()
            since = now - timedelta(days=rng.uniform(0, HISTORY_DAYS))
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n + 1}"
            people.append({"id": cid, "shop_id": shop_id, "display_name": name, "language": "pl",
                           "created_at": since, "updated_at": since})  # fmt: skip
            identities.append({"id": new_id(), "shop_id": shop_id, "customer_id": cid,
                               "kind": "email", "value": f"customer{n + 1}@outlet.example",
                               "created_at": since})  # fmt: skip
        async with unit_of_work(container.sessions) as session:
            await session.execute(insert(_table(Customer)), people)
            await session.execute(insert(_table(CustomerIdentity)), identities)
        advance(f"customers {min(start + BATCH, want):,}/{want:,}")
    async with unit_of_work(container.sessions) as session:
        rows = await session.scalars(select(Customer.id).where(Customer.shop_id == shop_id))
        return list(rows)


async def _orders(
    container: Container, shop_id: uuid.UUID, have: int, want: int, customers: list[uuid.UUID],
    sellables: list[Sellable], now: datetime, rng: random.Random, advance: Callable[[str], None],
) -> None:  # fmt: skip
    if have >= want:
        return
    states = [state for state, _ in STATES]
    cumulative = list(itertools.accumulate(share for _, share in STATES))
    for start in range(have, want, BATCH):
        orders, lines = [], []
        for n in range(start, min(start + BATCH, want)):
            state = rng.choices(states, cum_weights=cumulative)[0]
            order, line = _order(shop_id, n + 1, state, rng.choice(customers),
                                 rng.choice(sellables), now, rng)  # fmt: skip
            orders.append(order)
            lines.append(line)
        async with unit_of_work(container.sessions) as session:
            await session.execute(insert(_table(Order)), orders)
            await session.execute(insert(_table(OrderLine)), lines)
        advance(f"orders {min(start + BATCH, want):,}/{want:,}")
    async with unit_of_work(container.sessions) as session:
        await _sequence(session, shop_id, want)


def _order(
    shop_id: uuid.UUID, number: int, state: str, customer_id: uuid.UUID, item: Sellable,
    now: datetime, rng: random.Random,
) -> tuple[dict[str, Any], dict[str, Any]]:  # fmt: skip
    """One order of one line, its amounts and its times as the state it is in implies."""
    pending = state == "pending"
    placed = now - (timedelta(minutes=rng.uniform(0, 30)) if pending
                    else timedelta(days=rng.uniform(0, HISTORY_DAYS)))  # fmt: skip
    quantity = rng.choice((1, 1, 1, 2, 3))
    total = item.amount * quantity
    tax = round(total * TAX_BP / (10_000 + TAX_BP))
    took_money = state not in ("pending", "cancelled")
    refunded = {"refunded": total, "partially_refunded": total // 2}.get(state, 0)
    order_id = new_id()
    order = {
        "id": order_id, "shop_id": shop_id, "number": f"{PREFIX}-{number:06d}",
        "customer_id": customer_id, "state": state, "source": "storefront", "currency": CURRENCY,
        "subtotal_amount": total, "discount_amount": 0, "tax_amount": tax, "shipping_amount": 0,
        "total_amount": total, "paid_amount": total if took_money else 0,
        "refunded_amount": refunded, "promo_code_id": None, "promo_code": None,
        "payment_id": None, "cancel_reason": "not paid in time" if state == "cancelled" else None,
        "created_at": placed, "updated_at": placed,
        "expires_at": placed + timedelta(hours=1) if pending else None,
        "paid_at": placed + timedelta(minutes=2) if took_money else None,
        "fulfilled_at": placed + timedelta(days=2) if state == "fulfilled" else None,
        "cancelled_at": placed + timedelta(hours=1) if state == "cancelled" else None,
    }  # fmt: skip
    line = {
        "id": new_id(), "shop_id": shop_id, "order_id": order_id, "position": 0,
        "product_id": item.product_id, "variant_id": item.variant_id, "sku": item.sku,
        "name": item.name, "kind": "physical", "tracks_stock": False,
        "unit_amount": item.amount, "quantity": quantity, "amount": total, "tax_rate_bp": TAX_BP,
        "tax_included": True, "discount_amount": 0, "tax_amount": tax, "total_amount": total,
    }  # fmt: skip
    return order, line


async def _sequence(session: AsyncSession, shop_id: uuid.UUID, value: int) -> None:
    """The shop's order counter at `value`: the next order placed gets the number after."""
    found = await session.scalar(
        select(OrderSequence.value).where(OrderSequence.shop_id == shop_id)
    )
    if found is None:
        await session.execute(insert(OrderSequence).values(shop_id=shop_id, prefix=PREFIX,
                                                           value=value))  # fmt: skip
    elif found < value:
        await session.execute(update(OrderSequence).where(OrderSequence.shop_id == shop_id)
                              .values(value=value))  # fmt: skip


async def _count(session: AsyncSession, model: Any, shop_id: uuid.UUID) -> int:
    return int(await session.scalar(
        select(func.count()).select_from(model).where(model.shop_id == shop_id)) or 0)  # fmt: skip


def _table(model: Any) -> Table:
    """The model's table: Core inserts skip the ORM's per-row work (several times faster)."""
    return cast(Table, model.__table__)


def _price(product: Any) -> int:
    return int(next(p.amount for p in product.variants[0].prices if p.currency == CURRENCY))


def _actor() -> Actor:
    return Actor.system("demo")
