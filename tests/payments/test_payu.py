"""PayU against a fake PayU API: OAuth, orders with a redirect, signed notifications, refunds."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient

from shopkeeper.kit.clock import FrozenClock
from shopkeeper.settings import Settings
from tests.builders.orders import create_sellable, variant_id
from tests.builders.payments import (
    assert_ledger_balanced,
    configure,
    deliver,
    get_order,
    read,
    refund,
    start,
)
from tests.fakes.payu import CLIENT_ID, CLIENT_SECRET, POS_ID, SECOND_KEY, Delivery, FakePayU
from tests.fakes.server import serve
from tests.payments.conftest import PUBLIC_URL, ShopOwner

CONFIG = {
    "pos_id": POS_ID,
    "second_key": SECOND_KEY,
    "client_id": CLIENT_ID,
    "client_secret": CLIENT_SECRET,
}


@pytest.fixture
async def payu(clock: FrozenClock) -> AsyncIterator[tuple[FakePayU, str]]:
    fake = FakePayU(clock=clock.now)
    async with serve(fake.app()) as url:
        yield fake, url


@pytest.fixture
def settings(database_url: str, payu: tuple[FakePayU, str]) -> Settings:
    from tests.conftest import make_settings

    return make_settings(
        database_url, login_delay_seconds=0.001, public_url=PUBLIC_URL, payu_api_url=payu[1]
    )


@pytest.fixture
def fake(payu: tuple[FakePayU, str]) -> FakePayU:
    return payu[0]


def _hook_url(so: ShopOwner) -> str:
    return f"{PUBLIC_URL}/api/v1/shops/{so.shop.slug}/payments/webhooks/payu"


async def _checkout(container, client: AsyncClient, so: ShopOwner, fake: FakePayU):  # type: ignore[no-untyped-def]
    """An order placed through the API (2 × 12.50 PLN) and a PayU payment started for it."""
    await configure(
        client, shop=so.shop, staff=so.owner, provider="payu",
        config={**CONFIG, "notify_url": _hook_url(so)},
    )  # fmt: skip
    product = await create_sellable(container, shop=so.shop, price=1250, currency="PLN")
    placed = await client.post(
        f"/api/v1/shops/{so.shop.slug}/orders",
        json={
            "items": [{"variant_id": str(variant_id(product)), "quantity": 2}],
            "currency": "PLN",
        },
        headers={**so.owner.headers, "Idempotency-Key": "payu-1"},
    )
    assert placed.status_code == 201, placed.text
    order: dict[str, Any] = placed.json()
    payment = await start(
        client, shop=so.shop, staff=so.owner, order_id=order["id"], provider="payu"
    )
    return order, payment, fake.by_ext(payment["payment_id"])["orderId"]


async def _send(client: AsyncClient, so: ShopOwner, delivery: Delivery):  # type: ignore[no-untyped-def]
    return await deliver(
        client, shop=so.shop, provider="payu", body=delivery.body, headers=delivery.headers
    )


async def _order(container, so: ShopOwner, order: dict[str, Any]):  # type: ignore[no-untyped-def]
    return await get_order(container, shop=so.shop, order_id=uuid.UUID(order["id"]))


async def test_order_is_created_in_payus_wire_format(container, client, shop_owner, fake):
    order, payment, remote_id = await _checkout(container, client, shop_owner, fake)

    (m1, p1, form, _), (m2, p2, body, headers) = fake.requests[:2]
    assert (m1, p1) == ("POST", "/pl/standard/user/oauth/authorize")
    assert form == {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    assert (m2, p2) == ("POST", "/api/v2_1/orders")
    assert headers["authorization"].removeprefix("Bearer ") in fake.tokens
    assert body["merchantPosId"] == POS_ID and body["currencyCode"] == "PLN"
    assert body["totalAmount"] == "2500" and body["extOrderId"] == payment["payment_id"]
    assert body["notifyUrl"] == _hook_url(shop_owner)
    assert body["continueUrl"] == f"{PUBLIC_URL}/pay/{payment['payment_id']}/done"
    assert body["customerIp"] and order["number"] in body["description"]
    assert body["products"] == [{"name": body["description"], "unitPrice": "2500", "quantity": "1"}]
    assert payment["redirect_url"].startswith("https://merch-prod.snd.payu.com/pay/?orderId=")
    assert remote_id in payment["redirect_url"] and payment["status"] == "pending"


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256", "SHA256"])
async def test_happy_path_pays_the_order_with_either_hash(
    container, client, shop_owner, fake, algorithm
):
    order, payment, remote_id = await _checkout(container, client, shop_owner, fake)
    fake.algorithm = algorithm
    pending = fake.set_status(remote_id, "PENDING")
    completed = fake.complete(remote_id)
    assert f"algorithm={algorithm};" in completed.headers["OpenPayu-Signature"]

    assert (await _send(client, shop_owner, pending)).json()["status"] == "ignored"
    response = await _send(client, shop_owner, completed)

    assert response.status_code == 200 and response.json() == {
        "status": "processed",
        "duplicate": False,
    }
    paid = await _order(container, shop_owner, order)
    assert (paid.state, paid.amount_paid, str(paid.payment_id)) == (
        "paid",
        2500,
        payment["payment_id"],
    )
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_forged_notifications_are_refused_and_change_nothing(
    container, client, shop_owner, fake
):
    order, _payment, remote_id = await _checkout(container, client, shop_owner, fake)
    genuine = fake.complete(remote_id)
    forged = [
        genuine.tampered(),
        genuine.resigned("0123456789abcdef0123456789abcdef", "MD5"),
        genuine.resigned(SECOND_KEY, "SHA1"),  # right key, an algorithm PayU does not use
        Delivery(genuine.body, {"OpenPayu-Signature": "sender=checkout;algorithm=MD5"}),
        Delivery(genuine.body, {"Content-Type": "application/json"}),
    ]

    for delivery in forged:
        response = await _send(client, shop_owner, delivery)
        assert response.status_code == 401, response.text
    assert (await _order(container, shop_owner, order)).state == "pending"
    assert (await _send(client, shop_owner, genuine)).json() == {
        "status": "processed",
        "duplicate": False,
    }
    assert (await _order(container, shop_owner, order)).state == "paid"


async def test_duplicate_notification_has_no_second_effect(container, client, shop_owner, fake):
    order, _payment, remote_id = await _checkout(container, client, shop_owner, fake)
    completed = fake.complete(remote_id)

    first = await _send(client, shop_owner, completed)
    second = await _send(client, shop_owner, completed)

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["duplicate"] is False and second.json()["duplicate"] is True
    url = f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order['id']}/ledger"
    ledger = await read(client, shop_owner.owner, url)
    assert len(ledger["entries"]) == 1 and ledger["captured"] == 2500


async def test_a_refund_notification_before_completed_ends_right(
    container, client, shop_owner, fake
):
    order, _payment, remote_id = await _checkout(container, client, shop_owner, fake)
    completed = fake.complete(remote_id)
    refunded = fake.refund_in_panel(remote_id, 1000)  # the merchant refunds at once

    early = await _send(client, shop_owner, refunded)
    assert early.status_code == 200 and early.json()["status"] == "parked"
    assert (await _send(client, shop_owner, completed)).json()["status"] == "processed"

    final = await _order(container, shop_owner, order)
    assert (final.state, final.amount_paid, final.amount_refunded) == (
        "partially_refunded",
        2500,
        1000,
    )
    url = f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order['id']}/refunds"
    refunds = await read(client, shop_owner.owner, url)
    assert [(r["source"], r["amount"], r["status"]) for r in refunds] == [
        ("provider", 1000, "succeeded")
    ]
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_partial_refund_goes_through_payu_and_finishes_on_its_notification(
    container, client, shop_owner, fake
):
    order, _payment, remote_id = await _checkout(container, client, shop_owner, fake)
    await _send(client, shop_owner, fake.complete(remote_id))

    response = await refund(
        client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order["id"], amount=700
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["amount"], body["source"]) == ("pending", 700, "staff")
    method, path, sent, headers = fake.requests[-1]
    assert (method, path) == ("POST", f"/api/v2_1/orders/{remote_id}/refunds")
    assert headers["authorization"].removeprefix("Bearer ") in fake.tokens
    assert sent["refund"]["amount"] == "700" and sent["refund"]["extRefundId"] == body["id"]
    assert sent["refund"]["description"] == "customer asked"
    finalized = fake.finalize_refund(body["provider_refund_id"])
    assert (await _send(client, shop_owner, finalized)).json()["status"] == "processed"
    assert (await _send(client, shop_owner, finalized)).json()["duplicate"] is True

    final = await _order(container, shop_owner, order)
    assert (final.state, final.amount_refunded) == ("partially_refunded", 700)
    url = f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order['id']}/refunds"
    assert [r["status"] for r in await read(client, shop_owner.owner, url)] == ["succeeded"]
    asked = len(fake.requests)
    too_much = await refund(
        client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order["id"], amount=1801
    )
    assert too_much.status_code in (409, 422) and len(fake.requests) == asked
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_waiting_for_confirmation_is_confirmed_at_payu(container, client, shop_owner, fake):
    order, _payment, remote_id = await _checkout(container, client, shop_owner, fake)

    waiting = await _send(client, shop_owner, fake.wait_for_confirmation(remote_id))

    assert waiting.json()["status"] == "processed"
    method, path, sent, _headers = fake.requests[-1]
    assert (method, path) == ("PUT", f"/api/v2_1/orders/{remote_id}/status")
    assert sent == {"orderId": remote_id, "orderStatus": "COMPLETED"}
    assert (await _send(client, shop_owner, fake.order_notification(remote_id))).json()[
        "status"
    ] == "processed"
    assert (await _order(container, shop_owner, order)).state == "paid"


async def test_a_canceled_order_fails_the_payment(container, client, shop_owner, fake):
    order, payment, remote_id = await _checkout(container, client, shop_owner, fake)

    response = await _send(client, shop_owner, fake.set_status(remote_id, "CANCELED"))

    assert response.json()["status"] == "processed"
    url = f"/api/v1/shops/{shop_owner.shop.slug}/payments/{payment['payment_id']}"
    assert (await read(client, shop_owner.owner, url))["status"] == "canceled"
    assert (await _order(container, shop_owner, order)).state == "pending"


async def test_wrong_client_credentials_are_a_clear_gateway_error(
    container, client, shop_owner, fake
):
    wrong = {**CONFIG, "client_secret": "ffffffffffffffffffffffffffffffff"}
    await configure(
        client, shop=shop_owner.shop, staff=shop_owner.owner, provider="payu", config=wrong
    )
    product = await create_sellable(container, shop=shop_owner.shop, price=900, currency="PLN")
    placed = await client.post(
        f"/api/v1/shops/{shop_owner.shop.slug}/orders",
        json={
            "items": [{"variant_id": str(variant_id(product)), "quantity": 1}],
            "currency": "PLN",
        },
        headers=shop_owner.owner.headers,
    )
    response = await client.post(
        f"/api/v1/shops/{shop_owner.shop.slug}/orders/{placed.json()['id']}/payments",
        json={"provider": "payu"},
        headers=shop_owner.owner.headers,
    )
    assert response.status_code == 502 and response.json()["error"] == "GatewayError"
    assert "(401)" in response.json()["detail"]
    assert not fake.orders


async def test_the_payers_address_and_email_reach_payu(container, app, client, shop_owner, fake):  # type: ignore[no-untyped-def]
    """Started from a public address for a customer with an email: PayU gets both."""
    from httpx import ASGITransport

    from tests.builders.orders import create_customer, place_order

    await configure(client, shop=shop_owner.shop, staff=shop_owner.owner, provider="payu",
                    config={**CONFIG, "notify_url": _hook_url(shop_owner)})  # fmt: skip
    customer = await create_customer(container, shop=shop_owner.shop)
    product = await create_sellable(container, shop=shop_owner.shop, price=1250, currency="PLN")
    order = await place_order(container, shop=shop_owner.shop, items=[(product, 1)],
                              currency="PLN", customer_id=customer.id)  # fmt: skip
    transport = ASGITransport(app=app, client=("8.8.4.4", 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as public:
        payment = await start(public, shop=shop_owner.shop, staff=shop_owner.owner,
                              order_id=order.id, provider="payu")  # fmt: skip

    body = next(b for m, p, b, _ in fake.requests if p == "/api/v2_1/orders")
    assert body["extOrderId"] == payment["payment_id"] and body["customerIp"] == "8.8.4.4"
    assert body["buyer"]["email"] == customer.identities[0].value
