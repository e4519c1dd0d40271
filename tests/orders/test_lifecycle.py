"""The state machine: payments, refunds, fulfilment, cancellation; legal and illegal moves."""

from __future__ import annotations

import itertools
import uuid

import pytest
from httpx import AsyncClient

from shopkeeper import audit, orders
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.orders import (
    IllegalTransition,
    OrderNotPayable,
    OrderRead,
    OrderState,
    PaymentAmountMismatch,
    RefundExceedsPaid,
    states,
)
from tests.builders import create_shop, shop_with_owner
from tests.builders.orders import (
    create_sellable,
    mark_paid,
    place_order,
    published,
    stock_of,
)

LEGAL = {
    ("pay", "pending"), ("cancel", "pending"), ("expire", "pending"),
    ("fulfil", "paid"), ("fulfil", "partially_refunded"),
    ("refund", "paid"), ("refund", "fulfilled"), ("refund", "partially_refunded"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("action", "state"), list(itertools.product(states.ALLOWED_FROM, list(OrderState)))
)
def test_every_action_is_allowed_exactly_from_its_states(action: str, state: OrderState) -> None:
    if (action, state.value) in LEGAL:
        states.check(action, state)
    else:
        with pytest.raises(IllegalTransition, match=f"^cannot {action} an order that is {state}$"):
            states.check(action, state)


async def _pending(container: Container, total: int = 1000) -> OrderRead:
    shop = await create_shop(container)
    product = await create_sellable(container, shop=shop, price=total)
    return await place_order(container, shop=shop, items=[(product, 1)])


async def _refund(container: Container, order: OrderRead, amount: int, refund_id=None):  # type: ignore[no-untyped-def]
    async with unit_of_work(container.sessions) as session:
        return await orders.record_refund(
            session, shop_id=order.shop_id, order_id=order.id, refund_id=refund_id or uuid.uuid4(),
            amount=amount, now=container.clock.now(),
        )  # fmt: skip


async def _pay(container: Container, order: OrderRead, payment_id: uuid.UUID, amount: int):  # type: ignore[no-untyped-def]
    async with unit_of_work(container.sessions) as session:
        return await orders.mark_paid(
            session, shop_id=order.shop_id, order_id=order.id, payment_id=payment_id,
            amount=amount, now=container.clock.now(),
        )  # fmt: skip


async def test_payment_marks_paid_once_per_payment(container: Container) -> None:
    order = await _pending(container, total=1500)
    payment = uuid.uuid4()
    container.clock.advance(minutes=5)  # type: ignore[attr-defined]
    paid = await _pay(container, order, payment, 1500)
    again = await _pay(container, order, payment, 1500)
    assert (paid.state, paid.amount_paid, paid.payment_id) == ("paid", 1500, payment)
    assert paid.paid_at == container.clock.now() and paid.expires_at is None
    assert again == paid
    [event] = await published(container, "orders.order_paid.v1")
    assert (event["order_id"], event["payment_id"], event["total"]) == (
        str(order.id), str(payment), 1500,
    )  # fmt: skip
    assert event["lines"] == [{
        "product_id": str(order.lines[0].product_id), "variant_id": str(order.lines[0].variant_id),
        "kind": "digital", "quantity": 1,
    }]  # fmt: skip
    with pytest.raises(OrderNotPayable, match="is paid"):
        await _pay(container, order, uuid.uuid4(), 1500)


async def test_a_payment_must_match_the_total(container: Container) -> None:
    order = await _pending(container, total=1500)
    with pytest.raises(PaymentAmountMismatch):
        await _pay(container, order, uuid.uuid4(), 1499)


async def test_cancelled_orders_cannot_be_paid(container: Container) -> None:
    order = await _pending(container)
    async with unit_of_work(container.sessions) as session:
        await orders.cancel_order(
            session, shop_id=order.shop_id, order_id=order.id, reason="changed mind",
            now=container.clock.now(),
        )  # fmt: skip
    with pytest.raises(OrderNotPayable, match="is cancelled"):
        await _pay(container, order, uuid.uuid4(), order.total)


async def test_refunds_partial_then_full_once_per_refund_id(container: Container) -> None:
    order = await mark_paid(container, await _pending(container, total=1000))
    first = uuid.uuid4()
    partial = await _refund(container, order, 300, first)
    repeated = await _refund(container, order, 300, first)
    assert (partial.state, partial.amount_refunded) == ("partially_refunded", 300)
    assert repeated == partial
    with pytest.raises(RefundExceedsPaid, match="only 700 EUR remains"):
        await _refund(container, order, 701)
    full = await _refund(container, order, 700)
    assert (full.state, full.amount_refunded) == ("refunded", 1000)
    with pytest.raises(RefundExceedsPaid):
        await _refund(container, order, 1)
    events = await published(container, "orders.order_refunded.v1")
    assert [(e["amount"], e["fully_refunded"]) for e in events] == [(300, False), (700, True)]


async def test_unpaid_orders_cannot_be_refunded(container: Container) -> None:
    order = await _pending(container)
    with pytest.raises(IllegalTransition, match="cannot refund an order that is pending"):
        await _refund(container, order, 100)


async def test_fulfil_and_cancel_over_http(container: Container, client: AsyncClient) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop, kind="physical", stock=4)
    url = f"/api/v1/shops/{shop.slug}/orders"
    pending = await place_order(container, shop=shop, items=[(product, 1)])
    paid = await mark_paid(container, await place_order(container, shop=shop, items=[(product, 1)]))
    assert await stock_of(container, product) == 2

    early = await client.post(f"{url}/{pending.id}/fulfil", headers=owner.headers)
    assert early.status_code == 409
    assert early.json() == {
        "error": "IllegalTransition", "detail": "cannot fulfil an order that is pending"
    }  # fmt: skip
    refused = await client.post(f"{url}/{paid.id}/cancel", headers=owner.headers)
    assert refused.json()["detail"] == "cannot cancel an order that is paid"

    done = await client.post(f"{url}/{paid.id}/fulfil", headers=owner.headers)
    assert done.status_code == 200 and done.json()["state"] == "fulfilled"
    cancelled = await client.post(
        f"{url}/{pending.id}/cancel", json={"reason": "out of time"}, headers=owner.headers
    )
    assert cancelled.json()["state"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "out of time"
    assert await stock_of(container, product) == 3  # the pending order's unit came back
    again = await client.post(f"{url}/{pending.id}/cancel", headers=owner.headers)
    assert again.json()["detail"] == "cannot cancel an order that is cancelled"

    [cancel_event] = await published(container, "orders.order_cancelled.v1")
    assert (cancel_event["order_id"], cancel_event["reason"]) == (str(pending.id), "out of time")
    [fulfil_event] = await published(container, "orders.order_fulfilled.v1")
    assert fulfil_event["order_id"] == str(paid.id)
    async with unit_of_work(container.sessions) as session:
        entries = (await audit.list_entries(session, shop_id=shop.id)).items
    assert [(e.action, e.target_id, e.actor_id, e.before, e.after["state"])
            for e in entries if e.action.startswith("order.")] == [
        ("order.cancelled", str(pending.id), owner.user.id, {"state": "pending"}, "cancelled"),
        ("order.fulfilled", str(paid.id), owner.user.id, {"state": "paid"}, "fulfilled"),
    ]  # fmt: skip


async def test_a_partly_refunded_order_can_still_be_fulfilled_then_refunded(
    container: Container,
) -> None:
    order = await mark_paid(container, await _pending(container, total=1000))
    await _refund(container, order, 400)
    async with unit_of_work(container.sessions) as session:
        fulfilled = await orders.fulfil_order(
            session, shop_id=order.shop_id, order_id=order.id, now=container.clock.now()
        )
    assert fulfilled.state == "fulfilled"
    final = await _refund(container, order, 600)
    assert (final.state, final.amount_refunded) == ("refunded", 1000)


async def test_unknown_orders_are_not_found(container: Container, client: AsyncClient) -> None:
    shop, owner = await shop_with_owner(container, client)
    url = f"/api/v1/shops/{shop.slug}/orders/{uuid.uuid4()}"
    for response in (
        await client.get(url, headers=owner.headers),
        await client.post(f"{url}/cancel", headers=owner.headers),
        await client.post(f"{url}/fulfil", headers=owner.headers),
    ):
        assert (response.status_code, response.json()["error"]) == (404, "OrderNotFound")
    other = await _pending(container)
    with pytest.raises(orders.OrderNotFound):
        async with unit_of_work(container.sessions) as session:
            await orders.get_order(session, shop_id=shop.id, order_id=other.id)
