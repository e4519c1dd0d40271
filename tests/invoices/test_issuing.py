"""Issuing: one invoice per paid order, from the OrderPaid event, numbered per shop and year."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from shopkeeper import bus, invoices
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.invoices import InvoiceKind, InvoiceRead
from shopkeeper.invoices.handlers import on_order_paid
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.orders import OrderPaid
from tests.builders import create_shop
from tests.builders.invoices import configure_invoices, named_customer, paid_order, shop_invoices
from tests.builders.orders import published


async def test_a_paid_order_gets_one_receipt_with_its_totals(container: Container) -> None:
    shop = await create_shop(container, currency="PLN")
    customer = await named_customer(container, shop=shop, name="Anna Kowalska")
    order = await paid_order(
        container, shop=shop, price=1230, quantity=2, tax_rate_bp=2300, customer_id=customer.id
    )

    [invoice] = await shop_invoices(container, shop=shop)
    assert (invoice.order_id, invoice.order_number) == (order.id, order.number)
    assert invoice.number == "FV/2026/000001"
    assert invoice.kind is InvoiceKind.RECEIPT  # the shop has no tax id yet
    assert (invoice.amount, invoice.currency) == (order.total, "PLN")
    detail = await _detail(container, invoice)
    snap = detail.snapshot
    assert snap.seller.name == shop.name
    assert snap.buyer is not None and snap.buyer.name == "Anna Kowalska"
    assert [(line.quantity, line.unit_amount, line.total) for line in snap.lines] == [
        (2, 1230, order.lines[0].total)
    ]
    [row] = snap.taxes
    assert (row.rate_bp, row.tax, row.gross) == (2300, order.tax, order.total)
    assert row.net + row.tax == row.gross
    assert (snap.totals.subtotal, snap.totals.tax, snap.totals.total) == (
        order.subtotal, order.tax, order.total,
    )  # fmt: skip


async def test_a_shop_with_a_tax_id_issues_invoices_under_its_prefix(
    container: Container,
) -> None:
    shop = await create_shop(container)
    await configure_invoices(
        container, shop=shop, legal_name="Lumen Coffee Sp. z o.o.", tax_id="PL5260250274",
        address_lines=["ul. Prosta 1", "00-001 Warszawa"], number_prefix="inv",
    )  # fmt: skip
    await paid_order(container, shop=shop)
    await paid_order(container, shop=shop)

    newest, first = await shop_invoices(container, shop=shop)
    assert (first.number, newest.number) == ("INV/2026/000001", "INV/2026/000002")
    assert first.kind is InvoiceKind.INVOICE
    seller = (await _detail(container, first)).snapshot.seller
    assert (seller.name, seller.tax_id) == ("Lumen Coffee Sp. z o.o.", "PL5260250274")
    assert seller.address_lines == ["ul. Prosta 1", "00-001 Warszawa"]


async def test_a_redelivered_order_paid_issues_nothing_more(container: Container) -> None:
    shop = await create_shop(container)
    order = await paid_order(container, shop=shop)
    [payload] = await published(container, OrderPaid.name)
    event = OrderPaid.model_validate(payload)

    for _ in range(2):  # the handler itself, run again as a redelivery would
        async with unit_of_work(container.sessions) as session:
            await on_order_paid(event, session, container.clock)
    await bus.drain(container)

    [invoice] = await shop_invoices(container, shop=shop)
    assert invoice.order_id == order.id and invoice.number.endswith("/000001")
    await paid_order(container, shop=shop)  # the counter did not move for the redeliveries
    assert (await shop_invoices(container, shop=shop))[0].number.endswith("/000002")


async def test_numbers_restart_each_year_in_the_shops_time_zone(
    container: Container, clock: FrozenClock
) -> None:
    shop = await create_shop(container, timezone="Europe/Warsaw")
    clock.advance(days=364, hours=11, minutes=30)  # 2026-12-31 23:30 UTC: 2027 in Warsaw
    assert clock.now() == datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    await paid_order(container, shop=shop)
    await paid_order(container, shop=shop)
    other = await create_shop(container)
    await paid_order(container, shop=other)

    numbers = sorted(i.number for i in await shop_invoices(container, shop=shop))
    assert numbers == ["FV/2027/000001", "FV/2027/000002"]
    assert [i.number for i in await shop_invoices(container, shop=other)] == ["FV/2027/000001"]


async def test_concurrent_issuing_gives_sequential_unique_numbers(container: Container) -> None:
    shop = await create_shop(container)
    paid = [await paid_order(container, shop=shop, drain=False) for _ in range(12)]

    async def issue(order_id: object) -> InvoiceRead:
        async with unit_of_work(container.sessions) as session:
            return await invoices.issue_invoice(
                session, shop_id=shop.id, order_id=order_id, now=container.clock.now()
            )

    issued = await asyncio.gather(*(issue(order.id) for order in paid))
    numbers = sorted(invoice.number for invoice in issued)
    assert numbers == [f"FV/2026/{n:06d}" for n in range(1, 13)]
    await bus.drain(container)  # the events' handlers now find every invoice issued
    assert len(await shop_invoices(container, shop=shop)) == 12


async def test_racing_issuers_of_one_order_leave_one_invoice_and_no_gap(
    container: Container,
) -> None:
    shop = await create_shop(container)
    order = await paid_order(container, shop=shop, drain=False)

    async def issue() -> InvoiceRead:
        async with unit_of_work(container.sessions) as session:
            return await invoices.issue_invoice(
                session, shop_id=shop.id, order_id=order.id, now=container.clock.now()
            )

    results = await asyncio.gather(*(issue() for _ in range(4)), return_exceptions=True)
    issued = {r.id for r in results if isinstance(r, InvoiceRead)}
    assert len(issued) == 1  # the losers either found it or collided on the order id
    await bus.drain(container)
    await paid_order(container, shop=shop)
    numbers = sorted(i.number for i in await shop_invoices(container, shop=shop))
    assert numbers == ["FV/2026/000001", "FV/2026/000002"]


async def _detail(container: Container, invoice: InvoiceRead) -> invoices.InvoiceDetail:
    async with unit_of_work(container.sessions) as session:
        return await invoices.get_invoice(session, shop_id=invoice.shop_id, invoice_id=invoice.id)
