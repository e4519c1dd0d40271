"""The webhook endpoint around any provider: money an order cannot take, tenancy, bad input."""

from __future__ import annotations

import hashlib
import hmac
import json

from tests.builders.payments import (
    SandboxCase,
    assert_ledger_balanced,
    deliver,
    read,
    sandbox_case,
)
from tests.builders.staff import shop_with_owner


async def test_money_for_a_cancelled_order_is_kept_on_record_and_refunded(case: SandboxCase):
    cancel = await case.client.post(
        f"/api/v1/shops/{case.shop.slug}/orders/{case.order.id}/cancel",
        json={"reason": "customer changed their mind"},
        headers=case.staff.headers,
    )
    assert cancel.status_code == 200, cancel.text

    assert (await case.post("payment.succeeded")).status_code == 200

    got = await case.payment_now()
    assert got["applied"] is False and "OrderNotPayable" in got["flag"]
    assert (got["status"], got["amount_captured"], got["amount_refunded"]) == (
        "refunded",
        1500,
        1500,
    )
    refunds = await read(
        case.client, case.staff, f"/api/v1/shops/{case.shop.slug}/orders/{case.order.id}/refunds"
    )
    assert [(r["source"], r["status"], r["amount"]) for r in refunds] == [
        ("automatic", "succeeded", 1500)
    ]
    ledger = await case.ledger()
    assert (ledger["payments"], ledger["refunds"], ledger["captured"]) == (1500, 1500, 0)
    final = await case.order_now()
    assert (final.state, final.amount_paid) == ("cancelled", 0)
    await assert_ledger_balanced(case.container, shop=case.shop)


async def test_another_shops_secret_and_payment_do_not_cross(case: SandboxCase):
    other_shop, other_owner = await shop_with_owner(case.container, case.client)
    other = await sandbox_case(
        case.container, case.client, shop=other_shop, staff=other_owner, clock=case.clock
    )

    ours_elsewhere = await case.send(case.hook("payment.succeeded"), shop=other_shop)
    theirs_naming_ours = await case.send(
        case.hook("payment.succeeded", secret=other.secret), shop=other_shop
    )

    assert ours_elsewhere.status_code == 401
    assert (
        theirs_naming_ours.status_code == 200 and theirs_naming_ours.json()["status"] == "ignored"
    )
    assert (await case.order_now()).state == "pending"


async def test_unknown_provider_shop_or_unconfigured_gateway(case: SandboxCase):
    body = json.dumps({"id": "evt_1"}).encode()
    unknown = await deliver(case.client, shop=case.shop, provider="paypal", body=body, headers={})
    assert unknown.status_code == 404 and unknown.json()["error"] == "ProviderNotSupported"
    missing = await case.client.post(
        "/api/v1/shops/no-such-shop/payments/webhooks/sandbox", content=body
    )
    assert missing.status_code == 404
    unconfigured = await deliver(
        case.client, shop=case.shop, provider="stripe", body=body, headers={}
    )
    assert (
        unconfigured.status_code == 404 and unconfigured.json()["error"] == "GatewayNotConfigured"
    )


async def test_a_malformed_body_with_a_valid_signature_is_a_bad_request(case: SandboxCase):
    body = b'{"id": "evt_x", "type": "payment.succeeded", "data": {"amount": "lots"}}'
    t = int(case.clock.now().timestamp())
    signature = hmac.new(case.secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()

    response = await case.send((body, {"Sandbox-Signature": f"t={t},v1={signature}"}))

    assert response.status_code == 400 and response.json()["error"] == "WebhookMalformed"
    assert (await case.order_now()).state == "pending"


async def test_an_oversized_body_is_refused_before_it_is_stored(case: SandboxCase):
    from sqlalchemy import func, select

    from shopkeeper.db import unit_of_work
    from shopkeeper.payments.models import WebhookEvent

    response = await case.send(
        (b"{" + b" " * (600 * 1024) + b"}", {"Content-Type": "application/json"})
    )

    assert response.status_code == 413 and response.json()["error"] == "WebhookTooLarge"
    async with unit_of_work(case.container.sessions) as session:
        assert await session.scalar(select(func.count()).select_from(WebhookEvent)) == 0
