"""The webhook endpoint around any provider: money an order cannot take, tenancy, bad input,
a failure while applying a webhook, a forged copy claiming a genuine event's id."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from shopkeeper import orders
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.db import unit_of_work
from shopkeeper.payments.models import LedgerEntry, WebhookEvent
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


async def _stored(case: SandboxCase, body: bytes) -> WebhookEvent:
    """The stored row of the webhook whose body is `body` (by the event id it names)."""
    async with unit_of_work(case.container.sessions) as session:
        row = await session.scalar(
            select(WebhookEvent).where(WebhookEvent.provider_event_id == json.loads(body)["id"])
        )
    assert row is not None
    return row


async def _count(case: SandboxCase, model: type) -> int:
    async with unit_of_work(case.container.sessions) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_failure_while_applying_keeps_the_verified_webhook_for_redelivery(
    case: SandboxCase, monkeypatch: pytest.MonkeyPatch
):
    hook = case.hook("payment.succeeded")
    events_before = await _count(case, OutboxEvent)

    async def unreachable(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("orders are not reachable")

    with monkeypatch.context() as patch:
        patch.setattr(orders, "mark_paid", unreachable)
        failed = await case.send(hook)

    assert failed.status_code == 503 and failed.json()["error"] == "WebhookProcessingFailed"
    row = await _stored(case, hook[0])
    assert (row.status, row.verified, row.body, row.processed_at) == ("failed", True, hook[0], None)
    assert row.error == "RuntimeError: orders are not reachable"
    assert (await case.payment_now())["status"] == "pending"
    assert (await case.order_now()).state == "pending"
    assert (await _count(case, LedgerEntry), await _count(case, OutboxEvent)) == (0, events_before)

    again = await case.send(hook)  # the provider delivers it again

    assert again.status_code == 200 and again.json() == {"status": "processed", "duplicate": False}
    assert (await case.order_now()).state == "paid"
    row = await _stored(case, hook[0])
    assert (row.status, row.error, str(row.payment_id)) == ("processed", None, case.payment_id)
    assert await _count(case, WebhookEvent) == 1


async def test_a_forged_copy_claiming_the_event_id_does_not_block_the_genuine_one(
    case: SandboxCase,
):
    body, headers = case.hook("payment.succeeded")
    t = int(case.clock.now().timestamp())
    forged = await case.send((body, {**headers, "Sandbox-Signature": f"t={t},v1={'0' * 64}"}))
    assert forged.status_code == 401
    assert (await _stored(case, body)).status == "rejected"

    genuine = await case.send((body, headers))

    assert genuine.json() == {"status": "processed", "duplicate": False}
    row = await _stored(case, body)
    assert (row.status, row.verified, row.error) == ("processed", True, None)
    assert (await case.order_now()).state == "paid"


async def test_each_stored_webhook_says_how_it_ended(case: SandboxCase):
    early_refund = case.hook("refund.succeeded", amount=500, refund_id="sbx_re_1")
    first, second = case.hook("payment.succeeded"), case.hook("payment.succeeded")

    assert (await case.send(early_refund)).json()["status"] == "parked"
    parked = await _stored(case, early_refund[0])
    assert (parked.status, parked.processed_at) == ("parked", None)
    for hook in (first, second):
        assert (await case.send(hook)).status_code == 200

    ended = [await _stored(case, hook[0]) for hook in (early_refund, first, second)]
    assert [row.status for row in ended] == ["processed", "processed", "ignored"]
    assert all(str(row.payment_id) == case.payment_id for row in ended)
    assert all(row.processed_at is not None for row in ended)
