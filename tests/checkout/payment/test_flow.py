"""Paying a finalised checkout over HTTP: finalisation (and /payment/initialize) with the
sandbox gateway sends the shopper to /pay/{id}; Pay on the hosted page makes the attempt
succeed; Fail cancels the order (its stock back) and opens the cart again; a refund marks
it refunded; /payment/status is the cart owner's only; the webhook route hands deliveries
to the payments core, which refuses a forged one."""

from __future__ import annotations

import re
import uuid
from typing import Any

from httpx import AsyncClient

from shopkeeper import payments
from shopkeeper.audit import Actor
from shopkeeper.bootstrap import Container
from shopkeeper.bus import drain
from shopkeeper.payments.models import Payment
from tests.builders.payments import sandbox_secret
from tests.checkout.finalize.support import stock_of
from tests.checkout.payment.support import (
    enable_sandbox,
    finalize,
    get_ready,
    headers,
    initialize,
    new_cart,
    order_now,
    payment_events,
    status,
    table_rows,
)
from tests.checkout.session.support import Store
from tests.fakes.sandbox import webhook as sandbox_webhook


async def _paying(
    client: AsyncClient, store: Store, container: Container
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """A lamp ×2 by parcel locker, finalised: its sandbox payment started by finalisation."""
    await enable_sandbox(container, store.shop)
    token = await new_cart(client, store, store.lamp, quantity=2)
    summary = await get_ready(client, store, token)
    done = await finalize(client, store, token, summary)
    assert done.status_code == 201, done.text
    started = done.json()["payment"]
    assert started is not None and started["order_id"] == done.json()["order"]["id"]
    return token, summary, started


async def _press_on_page(client: AsyncClient, redirect_url: str, outcome: str) -> None:
    page = await client.get(redirect_url)
    assert page.status_code == 200, page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    cookie = page.headers["set-cookie"].split(";", 1)[0]
    form = {"outcome": outcome, "csrf_token": token.group(1)}
    pressed = await client.post(redirect_url, data=form, headers={"Cookie": cookie})
    assert pressed.status_code in (200, 303), pressed.text


async def test_the_sandbox_page_pays_the_order_and_the_attempt_succeeds(
    client: AsyncClient, store: Store, container: Container
) -> None:
    token, summary, started = await _paying(client, store, container)
    transaction_id = started["transaction_id"]
    assert started["method"] == "sandbox" and started["status"] == "pending"
    [payment] = await table_rows(container, Payment)
    assert started["redirect_url"].endswith(f"/pay/{payment.id}")
    again = await initialize(client, store, token, cart_id=summary["cart_id"])
    assert again.json()["transaction_id"] == transaction_id  # resumed, no second payment
    repeat = await finalize(client, store, token, summary)
    assert repeat.status_code == 200 and repeat.json()["payment"]["transaction_id"] == (
        transaction_id
    )
    assert len(await table_rows(container, Payment)) == 1
    assert (await status(client, store, token, transaction_id)).json()["status"] == "pending"

    await _press_on_page(client, started["redirect_url"], "pay")
    # Read at once, the status asks the payment; the consumer then records it.
    assert (await status(client, store, token, transaction_id)).json()["status"] == "success"
    await drain(container)

    now = await status(client, store, token, transaction_id)
    assert now.status_code == 200 and now.json()["status"] == "success"
    assert (await order_now(container, store, started["order_id"])).state == "paid"
    published = await payment_events(container)
    assert [name for name, _ in published] == [
        "payment.payment_method_selected.v1", "payment.payment_initialized.v1",
        "payment.payment_pending.v1", "payment.payment_succeeded.v1",
    ]  # fmt: skip
    succeeded = published[-1][1]
    assert succeeded["transaction_id"] == transaction_id
    assert succeeded["amount"] == summary["totals"]["total"] and succeeded["currency"] == "PLN"
    paid_again = await initialize(client, store, token, cart_id=summary["cart_id"])
    assert paid_again.status_code == 409 and "paid" in paid_again.json()["detail"]
    await drain(container)  # a redelivery changes nothing
    assert len(await payment_events(container)) == 4


async def test_fail_cancels_the_order_gives_the_stock_back_and_reopens_the_cart(
    client: AsyncClient, store: Store, container: Container
) -> None:
    token, summary, started = await _paying(client, store, container)
    assert await stock_of(container, store.lamp) == 18
    [payment] = await table_rows(container, Payment)

    await payments.press_sandbox(container, payment_id=payment.id, outcome="fail")
    await drain(container)

    failed = await status(client, store, token, started["transaction_id"])
    assert failed.json()["status"] == "failed"
    order = await order_now(container, store, started["order_id"])
    assert order.state == "cancelled" and await stock_of(container, store.lamp) == 20
    cart = await client.get(store.url("/cart"), headers=headers(token))
    assert cart.status_code == 200 and cart.json()["items"][0]["quantity"] == 2
    name, facts = (await payment_events(container))[-1]
    assert name == "payment.payment_failed.v1" and facts["order_cancelled"] is True
    retry = await initialize(client, store, token, cart_id=summary["cart_id"])
    assert retry.status_code == 409 and "finalise the cart again" in retry.json()["detail"]


async def test_status_is_the_cart_owners_only(
    client: AsyncClient, store: Store, container: Container
) -> None:
    token, _, started = await _paying(client, store, container)
    other = await new_cart(client, store, store.lamp)

    assert (await status(client, store, token, started["transaction_id"])).status_code == 200
    for who, transaction in ((other, started["transaction_id"]), (token, str(uuid.uuid4()))):
        response = await status(client, store, who, transaction)
        assert response.status_code == 404 and response.json()["error"] == "PaymentAttemptNotFound"
    anonymous = await client.get(store.url(f"/payment/status/{started['transaction_id']}"))
    assert anonymous.status_code == 404


async def test_initialize_needs_a_finalised_order_of_the_callers_cart(
    client: AsyncClient, store: Store, container: Container
) -> None:
    await enable_sandbox(container, store.shop)
    token = await new_cart(client, store, store.lamp)
    summary = await get_ready(client, store, token)

    early = await initialize(client, store, token)
    assert early.status_code == 409 and early.json()["error"] == "CheckoutOrderMissing"
    other = await new_cart(client, store, store.lamp)
    stranger = await initialize(client, store, other, cart_id=summary["cart_id"])
    assert stranger.status_code == 404
    bad = await initialize(client, store, token, return_url="javascript:alert(1)")
    assert bad.status_code == 422
    assert await table_rows(container, Payment) == []


async def test_the_webhook_route_hands_deliveries_to_the_core_which_refuses_a_forged_one(
    client: AsyncClient, store: Store, container: Container
) -> None:
    token, summary, started = await _paying(client, store, container)
    [payment] = await table_rows(container, Payment)
    url = store.url("/payment/webhook/sandbox")
    total = summary["totals"]["total"]

    body, forged = sandbox_webhook("not-the-shop-secret-0123456789", "payment.succeeded",
                                   payment_id=payment.id, amount=total, currency="PLN",
                                   at=container.clock.now())  # fmt: skip
    refused = await client.post(url, content=body, headers=forged)
    assert refused.status_code == 401 and refused.json()["error"] == "WebhookSignatureInvalid"
    await drain(container)
    assert (await order_now(container, store, started["order_id"])).state == "pending"
    assert (await status(client, store, token, started["transaction_id"])).json()["status"] == (
        "pending"
    )
    assert [n for n, _ in await payment_events(container)][-1] == "payment.payment_pending.v1"
    unknown = await client.post(store.url("/payment/webhook/nogateway"), content=body,
                                headers=forged)  # fmt: skip
    assert unknown.status_code == 404
    too_big = await client.post(url, content=b"x" * (512 * 1024 + 1), headers=forged)
    assert too_big.status_code == 413

    secret = await sandbox_secret(container, shop=store.shop)
    genuine = sandbox_webhook(secret, "payment.succeeded", payment_id=payment.id, amount=total,
                              currency="PLN", at=container.clock.now())  # fmt: skip
    accepted = await client.post(url, content=genuine[0], headers=genuine[1])
    assert accepted.status_code == 200 and accepted.json() == {
        "status": "processed", "duplicate": False,
    }  # fmt: skip
    await drain(container)
    assert (await status(client, store, token, started["transaction_id"])).json()["status"] == (
        "success"
    )


async def test_a_refund_of_the_paid_order_marks_the_attempt_refunded(
    client: AsyncClient, store: Store, container: Container
) -> None:
    token, _, started = await _paying(client, store, container)
    [payment] = await table_rows(container, Payment)
    await payments.press_sandbox(container, payment_id=payment.id, outcome="pay")
    await drain(container)

    await payments.refund_order(
        container, shop_id=store.shop.id, order_id=uuid.UUID(started["order_id"]), amount=500,
        reason="a scratch", actor=Actor.system("tests"),
    )  # fmt: skip
    await drain(container)

    assert (await status(client, store, token, started["transaction_id"])).json()["status"] == (
        "refund"
    )
    name, facts = (await payment_events(container))[-1]
    assert name == "payment.payment_refunded.v1"
    assert (facts["amount"], facts["currency"]) == (500, "PLN")
    assert facts["transaction_id"] == started["transaction_id"]
