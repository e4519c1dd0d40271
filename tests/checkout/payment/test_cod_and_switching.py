"""Cash on delivery calls no gateway (the attempt waits for the courier); switching method
starts a new attempt and sets the old one aside, whose late failure leaves the order alone;
concurrent switches start one attempt."""

from __future__ import annotations

import asyncio
import uuid

from httpx import AsyncClient

from shopkeeper import payments
from shopkeeper.bootstrap import Container
from shopkeeper.bus import drain
from shopkeeper.checkout.payment import CheckoutPaymentRead, start_checkout_payment
from shopkeeper.checkout.payment.models import CheckoutPaymentAttempt
from shopkeeper.payments.models import Payment
from tests.checkout.payment.support import (
    cod_courier,
    enable_sandbox,
    finalize,
    get_ready,
    initialize,
    new_cart,
    order_now,
    payment_events,
    status,
    table_rows,
)
from tests.checkout.session.support import Store


async def test_cash_on_delivery_waits_for_the_courier_without_a_gateway(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await cod_courier(container, store)
    token = await new_cart(client, store, store.lamp)
    summary = await get_ready(client, store, token, method="cod-courier", payment="cod")

    done = await finalize(client, store, token, summary)

    assert done.status_code == 201, done.text
    order = await order_now(container, store, done.json()["order"]["id"])
    started = CheckoutPaymentRead.model_validate(done.json()["payment"])
    again = await start_checkout_payment(
        container, shop=store.shop, cart_id=uuid.UUID(summary["cart_id"]), order_id=order.id,
        method="cod", return_url=None,
    )  # fmt: skip
    assert again.transaction_id == started.transaction_id  # still waiting: the same attempt
    assert (started.method, started.status, started.redirect_url) == ("cod", "pending", None)
    assert await table_rows(container, Payment) == []
    read = await status(client, store, token, str(started.transaction_id))
    assert read.status_code == 200 and read.json()["status"] == "pending"
    assert [name for name, _ in await payment_events(container)][-2:] == [
        "payment.payment_initialized.v1", "payment.payment_pending.v1",
    ]  # fmt: skip
    assert (await order_now(container, store, order.id)).expires_at is None  # no payment TTL


async def test_switching_method_sets_the_old_attempt_aside_and_its_failure_cancels_nothing(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await enable_sandbox(container, store.shop)
    await cod_courier(container, store)
    token = await new_cart(client, store, store.lamp)
    summary = await get_ready(client, store, token, method="cod-courier")
    done = await finalize(client, store, token, summary)
    assert done.status_code == 201, done.text
    order = await order_now(container, store, done.json()["order"]["id"])
    first = await initialize(client, store, token, cart_id=summary["cart_id"])
    assert first.status_code == 200 and first.json()["redirect_url"], first.text
    assert first.json()["transaction_id"] == done.json()["payment"]["transaction_id"]

    switched = await initialize(client, store, token, cart_id=summary["cart_id"], method="cod")
    assert switched.status_code == 200, switched.text
    assert switched.json()["method"] == "cod"
    assert switched.json()["transaction_id"] != first.json()["transaction_id"]
    old = await status(client, store, token, first.json()["transaction_id"])
    assert old.json()["status"] == "failed" and old.json()["error"] == "Replaced by cod"
    refused = await initialize(client, store, token, cart_id=summary["cart_id"], method="stripe")
    assert refused.status_code == 422

    [payment] = await table_rows(container, Payment)
    await payments.press_sandbox(container, payment_id=payment.id, outcome="fail")
    await drain(container)
    assert (await order_now(container, store, order.id)).state == "pending"
    current = await status(client, store, token, switched.json()["transaction_id"])
    assert current.json()["status"] == "pending"
    assert "payment.payment_failed.v1" not in [n for n, _ in await payment_events(container)]


async def test_money_for_a_set_aside_attempt_still_pays_and_closes_the_waiting_one(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await enable_sandbox(container, store.shop)
    await cod_courier(container, store)
    token = await new_cart(client, store, store.lamp)
    summary = await get_ready(client, store, token, method="cod-courier")
    done = await finalize(client, store, token, summary)
    assert done.status_code == 201, done.text
    first = done.json()["payment"]["transaction_id"]
    cod = await initialize(client, store, token, cart_id=summary["cart_id"], method="cod")
    assert cod.status_code == 200, cod.text

    [payment] = await table_rows(container, Payment)  # the shopper paid in the old tab
    await payments.press_sandbox(container, payment_id=payment.id, outcome="pay")
    await drain(container)

    assert (await status(client, store, token, first)).json()["status"] == "success"
    closed = (await status(client, store, token, cod.json()["transaction_id"])).json()
    assert closed["status"] == "failed" and first in closed["error"]
    assert (await order_now(container, store, done.json()["order"]["id"])).state == "paid"


async def test_concurrent_switches_start_one_attempt(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await enable_sandbox(container, store.shop)
    await cod_courier(container, store)
    token = await new_cart(client, store, store.lamp)
    summary = await get_ready(client, store, token, method="cod-courier")
    assert (await finalize(client, store, token, summary)).status_code == 201

    answers = await asyncio.gather(*(
        initialize(client, store, token, cart_id=summary["cart_id"], method="cod")
        for _ in range(4)
    ))  # fmt: skip

    started = {a.json()["transaction_id"] for a in answers if a.status_code == 200}
    assert len(started) == 1, [a.text for a in answers]
    assert all(a.status_code in (200, 409) for a in answers)
    rows = await table_rows(container, CheckoutPaymentAttempt)
    assert sorted((r.method, r.status) for r in rows) == [("cod", "pending"), ("sandbox", "failed")]
