"""Stripe against a fake Stripe API: Checkout Sessions, signed events, refunds."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from tests.builders.payments import (
    assert_ledger_balanced,
    configure,
    deliver,
    get_order,
    pending_order,
    refund,
    start,
)
from tests.fakes.stripe import SECRET_KEY, WEBHOOK_SECRET, Delivery, sign
from tests.payments.conftest import Gateways, ShopOwner

CONFIG = {"secret_key": SECRET_KEY, "webhook_secret": WEBHOOK_SECRET}


async def _checkout(
    container,
    client: AsyncClient,
    so: ShopOwner,
    gateways: Gateways,  # type: ignore[no-untyped-def]
    price: int = 2500,
    **extra,
):
    await configure(client, shop=so.shop, staff=so.owner, provider="stripe", config=CONFIG)
    order = await pending_order(
        container, shop=so.shop, price=price, kind=extra.pop("kind", "digital")
    )
    payment = await start(
        client, shop=so.shop, staff=so.owner, order_id=order.id, provider="stripe", **extra
    )
    session_id = payment["redirect_url"].rsplit("/", 1)[1]
    return order, payment, session_id


async def _send(client: AsyncClient, so: ShopOwner, delivery: Delivery):  # type: ignore[no-untyped-def]
    return await deliver(
        client, shop=so.shop, provider="stripe", body=delivery.body, headers=delivery.headers
    )


async def test_checkout_session_is_created_in_stripes_wire_format(
    container, client, shop_owner, gateways
):
    order, payment, session_id = await _checkout(
        container, client, shop_owner, gateways, return_url="https://lumen.example/thanks"
    )

    method, path, params, headers = gateways.stripe.requests[0]
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    assert headers["authorization"] == f"Bearer {SECRET_KEY}"
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["idempotency-key"] == payment["payment_id"]
    assert params["mode"] == "payment" and params["success_url"] == "https://lumen.example/thanks"
    price = params["line_items"]["0"]["price_data"]
    assert (price["currency"], price["unit_amount"]) == ("eur", "2500")
    assert order.number in price["product_data"]["name"]
    assert params["metadata"] == {"order_id": str(order.id), "payment_id": payment["payment_id"]}
    assert params["payment_intent_data"]["metadata"]["payment_id"] == payment["payment_id"]
    assert payment["redirect_url"] == f"https://checkout.stripe.com/c/pay/{session_id}"
    assert payment["status"] == "pending"


async def test_happy_path_both_events_pay_the_order_once(container, client, shop_owner, gateways):
    order, payment, session_id = await _checkout(container, client, shop_owner, gateways)

    responses = [await _send(client, shop_owner, d) for d in gateways.stripe.complete(session_id)]

    assert [r.status_code for r in responses] == [200, 200]
    assert [r.json()["status"] for r in responses] == ["processed", "ignored"]
    paid = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert (paid.state, paid.amount_paid, paid.payment_id) == (
        "paid",
        2500,
        uuid.UUID(payment["payment_id"]),
    )
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_forged_events_are_refused(container, client, shop_owner, gateways, clock):
    order, _payment, session_id = await _checkout(container, client, shop_owner, gateways)
    genuine = gateways.stripe.complete(session_id)[1]
    t = int(clock.now().timestamp())
    forged = [
        genuine.tampered(),
        Delivery(
            genuine.body,
            {"Stripe-Signature": sign("whsec_attacker0123456", t, genuine.body)},
            genuine.type,
        ),
        Delivery(
            genuine.body,
            {"Stripe-Signature": sign(WEBHOOK_SECRET, t - 301, genuine.body)},
            genuine.type,
        ),
        Delivery(genuine.body, {}, genuine.type),
    ]

    for delivery in forged:
        response = await _send(client, shop_owner, delivery)
        assert response.status_code == 401, response.text
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "pending"
    # the genuine delivery of that same event id still counts afterwards
    assert (await _send(client, shop_owner, genuine)).json() == {
        "status": "processed",
        "duplicate": False,
    }
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "paid"


async def test_a_header_with_several_signatures_passes_if_one_matches(
    container, client, shop_owner, gateways, clock
):
    order, _payment, session_id = await _checkout(container, client, shop_owner, gateways)
    delivery = gateways.stripe.complete(session_id)[1]
    t = int(clock.now().timestamp())
    old_secret = sign("whsec_rotatedaway012345", t, delivery.body).split(",")[1]
    header = f"{delivery.headers['Stripe-Signature']},{old_secret},v0=ignored"
    response = await _send(
        client, shop_owner, Delivery(delivery.body, {"Stripe-Signature": header}, delivery.type)
    )
    assert response.status_code == 200
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "paid"


async def test_duplicate_delivery_has_no_second_effect(container, client, shop_owner, gateways):
    order, _payment, session_id = await _checkout(container, client, shop_owner, gateways)
    completed = gateways.stripe.complete(session_id)[1]
    first = await _send(client, shop_owner, completed)
    second = await _send(client, shop_owner, completed)
    assert first.json()["duplicate"] is False and second.json()["duplicate"] is True
    ledger = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/ledger",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert len(ledger["entries"]) == 1 and ledger["captured"] == 2500


async def test_a_refund_event_before_the_payment_events_ends_right(
    container, client, shop_owner, gateways
):
    order, _payment, session_id = await _checkout(container, client, shop_owner, gateways)
    paid_events = gateways.stripe.complete(session_id)
    refunded = gateways.stripe.refund_in_dashboard(session_id, 1000)  # the merchant refunds at once

    early = await _send(client, shop_owner, refunded)
    assert early.status_code == 200 and early.json()["status"] == "parked"
    for delivery in reversed(paid_events):
        assert (await _send(client, shop_owner, delivery)).status_code == 200

    final = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert (final.state, final.amount_paid, final.amount_refunded) == (
        "partially_refunded",
        2500,
        1000,
    )
    refunds = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/refunds",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert [(r["source"], r["amount"], r["status"]) for r in refunds] == [
        ("provider", 1000, "succeeded")
    ]
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_a_failed_attempt_then_success_and_a_late_failure(
    container, client, shop_owner, gateways
):
    order, payment, session_id = await _checkout(container, client, shop_owner, gateways)
    declined = gateways.stripe.fail(session_id)
    assert (await _send(client, shop_owner, declined)).json()["status"] == "processed"
    got = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/payments/{payment['payment_id']}",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert (got["status"], got["error"]) == ("failed", "Your card was declined.")

    for delivery in gateways.stripe.complete(session_id):
        await _send(client, shop_owner, delivery)
    assert (await _send(client, shop_owner, gateways.stripe.fail(session_id))).json()[
        "status"
    ] == "ignored"
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "paid"


async def test_staff_refund_goes_through_stripe_and_its_event_adds_nothing(
    container, client, shop_owner, gateways
):
    order, _payment, session_id = await _checkout(container, client, shop_owner, gateways)
    for delivery in gateways.stripe.complete(session_id):
        await _send(client, shop_owner, delivery)

    response = await refund(
        client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id, amount=700
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["amount"], body["source"]) == ("succeeded", 700, "staff")
    method, path, params, headers = gateways.stripe.requests[-1]
    assert (method, path) == ("POST", "/v1/refunds")
    assert params["amount"] == "700" and params["payment_intent"].startswith("pi_")
    assert (
        headers["idempotency-key"] == body["id"] and params["metadata"]["refund_id"] == body["id"]
    )
    assert body["provider_refund_id"].startswith("re_")
    assert (await _send(client, shop_owner, gateways.stripe.refunded_event(session_id))).json()[
        "status"
    ] == "ignored"
    gateways.stripe.include_refunds = True  # an endpoint on an older API version lists the refunds
    assert (
        await _send(client, shop_owner, gateways.stripe.refunded_event(session_id))
    ).status_code == 200
    final = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert (final.state, final.amount_refunded) == ("partially_refunded", 700)
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_a_subscription_checkout_pays_once_from_invoice_and_session(
    container, client, shop_owner, gateways
):
    order, _payment, session_id = await _checkout(
        container, client, shop_owner, gateways, kind="plan", recurring=True
    )
    _method, _path, params, _headers = gateways.stripe.requests[0]
    assert params["mode"] == "subscription"
    assert params["line_items"]["0"]["price_data"]["recurring"] == {
        "interval": "month",
        "interval_count": "1",
    }
    assert params["subscription_data"]["metadata"]["order_id"] == str(order.id)

    responses = [await _send(client, shop_owner, d) for d in gateways.stripe.complete(session_id)]

    assert [r.json()["status"] for r in responses] == ["processed", "ignored"]
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "paid"
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_a_stripe_refusal_is_a_clear_gateway_error(container, client, shop_owner, gateways):
    await configure(
        client,
        shop=shop_owner.shop,
        staff=shop_owner.owner,
        provider="stripe",
        config={"secret_key": "sk_test_wrongkey000000", "webhook_secret": WEBHOOK_SECRET},
    )
    order = await pending_order(container, shop=shop_owner.shop)
    response = await client.post(
        f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/payments",
        json={"provider": "stripe"},
        headers=shop_owner.owner.headers,
    )
    assert response.status_code == 502
    assert (
        response.json()["error"] == "GatewayError"
        and "Invalid API Key" in response.json()["detail"]
    )
    payments = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/payments",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert [p["status"] for p in payments] == ["failed"]


async def test_a_subscription_refund_parked_under_an_unknown_intent_is_applied_once_learned(
    container, client, shop_owner, gateways
):
    order, _payment, session_id = await _checkout(
        container, client, shop_owner, gateways, kind="plan", recurring=True
    )
    invoice_paid, session_completed = gateways.stripe.complete(session_id)
    intent = next(iter(gateways.stripe.intents))  # the first invoice's PaymentIntent
    refunded = gateways.stripe.refund_in_dashboard_intent(intent, 900)

    assert (await _send(client, shop_owner, refunded)).json()["status"] == "parked"
    assert (await _send(client, shop_owner, session_completed)).json()["status"] == "processed"
    assert (
        await get_order(container, shop=shop_owner.shop, order_id=order.id)
    ).amount_refunded == 0
    await _send(client, shop_owner, invoice_paid)  # names the PaymentIntent: the refund applies

    final = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert (final.state, final.amount_refunded) == ("partially_refunded", 900)
    await assert_ledger_balanced(container, shop=shop_owner.shop)
