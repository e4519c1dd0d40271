"""The sandbox gateway: happy path, forged signature, duplicates, out-of-order delivery."""

from __future__ import annotations

import json
import uuid

from httpx import AsyncClient
from sqlalchemy import func, select

from shopkeeper.bus.models import OutboxEvent
from shopkeeper.db import unit_of_work
from shopkeeper.payments.models import LedgerEntry, WebhookEvent
from tests.builders.payments import (
    assert_ledger_balanced,
    deliver,
    get_order,
    pending_order,
    sandbox_secret,
    start,
)
from tests.fakes.sandbox import webhook
from tests.payments.conftest import ShopOwner


async def _started(container, client: AsyncClient, so: ShopOwner, price: int = 1500):  # type: ignore[no-untyped-def]
    order = await pending_order(container, shop=so.shop, price=price)
    payment = await start(client, shop=so.shop, staff=so.owner, order_id=order.id)
    secret = await sandbox_secret(container, shop=so.shop)
    return order, payment, secret


async def _count(container, model, *conditions) -> int:  # type: ignore[no-untyped-def]
    async with unit_of_work(container.sessions) as session:
        return int(
            await session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
        )


async def test_a_signed_success_pays_the_order_and_books_the_money(
    container, client, shop_owner, clock
):
    order, payment, secret = await _started(container, client, shop_owner)
    assert payment["status"] == "pending"
    assert payment["redirect_url"] == f"https://shop.example/pay/{payment['payment_id']}"
    body, headers = webhook(
        secret,
        "payment.succeeded",
        payment_id=payment["payment_id"],
        amount=1500,
        currency="EUR",
        at=clock.now(),
    )

    response = await deliver(
        client, shop=shop_owner.shop, provider="sandbox", body=body, headers=headers
    )

    assert response.status_code == 200, response.text
    assert response.json() == {"status": "processed", "duplicate": False}
    paid = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert paid.state == "paid" and paid.amount_paid == 1500
    assert paid.payment_id == uuid.UUID(payment["payment_id"])
    ledger = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/ledger",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert (ledger["payments"], ledger["refunds"], ledger["captured"]) == (1500, 0, 1500)
    names = await _event_names(container)
    assert "payments.payment_succeeded.v1" in names and "orders.order_paid.v1" in names
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def _event_names(container) -> list[str]:  # type: ignore[no-untyped-def]
    async with unit_of_work(container.sessions) as session:
        return list(await session.scalars(select(OutboxEvent.name)))


async def test_a_forged_signature_is_refused_logged_and_changes_nothing(
    container, client, shop_owner, clock
):
    order, payment, _secret = await _started(container, client, shop_owner)
    body, headers = webhook(
        "not-the-shop-secret-0123456789",
        "payment.succeeded",
        payment_id=payment["payment_id"],
        amount=1500,
        currency="EUR",
        at=clock.now(),
    )

    response = await deliver(
        client, shop=shop_owner.shop, provider="sandbox", body=body, headers=headers
    )

    assert response.status_code == 401
    assert response.json()["error"] == "WebhookSignatureInvalid"
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "pending"
    assert await _count(container, LedgerEntry) == 0
    async with unit_of_work(container.sessions) as session:
        row = await session.scalar(select(WebhookEvent))
    assert row is not None and row.body == body and row.status == "rejected" and not row.verified


async def test_an_edited_body_or_a_stale_signature_is_refused(container, client, shop_owner, clock):
    order, payment, secret = await _started(container, client, shop_owner)
    body, headers = webhook(
        secret,
        "payment.succeeded",
        payment_id=payment["payment_id"],
        amount=1500,
        currency="EUR",
        at=clock.now(),
    )
    edited = body.replace(b'"amount": 1500', b'"amount": 1')
    stale_body, stale = webhook(
        secret,
        "payment.succeeded",
        payment_id=payment["payment_id"],
        amount=1500,
        currency="EUR",
        at=clock.advance(seconds=-301),
    )
    clock.advance(seconds=301)
    unsigned = {"Content-Type": "application/json"}

    for candidate, sent in ((edited, headers), (stale_body, stale), (body, unsigned)):
        response = await deliver(
            client, shop=shop_owner.shop, provider="sandbox", body=candidate, headers=sent
        )
        assert response.status_code == 401, response.text
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "pending"


async def test_a_duplicate_delivery_is_acknowledged_without_a_second_effect(
    container, client, shop_owner, clock
):
    order, payment, secret = await _started(container, client, shop_owner)
    body, headers = webhook(
        secret,
        "payment.succeeded",
        payment_id=payment["payment_id"],
        amount=1500,
        currency="EUR",
        at=clock.now(),
    )
    first = await deliver(
        client, shop=shop_owner.shop, provider="sandbox", body=body, headers=headers
    )
    events_after_first = len(await _event_names(container))

    again = await deliver(
        client, shop=shop_owner.shop, provider="sandbox", body=body, headers=headers
    )

    assert first.json()["duplicate"] is False
    assert again.status_code == 200 and again.json() == {"status": "processed", "duplicate": True}
    assert await _count(container, LedgerEntry) == 1
    assert await _count(container, WebhookEvent) == 1
    assert len(await _event_names(container)) == events_after_first
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).amount_paid == 1500


async def test_a_second_success_event_for_the_same_payment_books_nothing_more(
    container, client, shop_owner, clock
):
    _order, payment, secret = await _started(container, client, shop_owner)
    for _ in range(2):  # two different event ids, the same fact
        body, headers = webhook(
            secret,
            "payment.succeeded",
            payment_id=payment["payment_id"],
            amount=1500,
            currency="EUR",
            at=clock.now(),
        )
        response = await deliver(
            client, shop=shop_owner.shop, provider="sandbox", body=body, headers=headers
        )
        assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert await _count(container, LedgerEntry) == 1
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_a_refund_delivered_before_the_success_is_parked_then_applied(
    container, client, shop_owner, clock
):
    order, payment, secret = await _started(container, client, shop_owner, price=2000)
    refund_body, refund_headers = webhook(
        secret,
        "refund.succeeded",
        payment_id=payment["payment_id"],
        amount=500,
        currency="EUR",
        refund_id="sbx_re_1",
        at=clock.now(),
    )
    paid_body, paid_headers = webhook(
        secret,
        "payment.succeeded",
        payment_id=payment["payment_id"],
        amount=2000,
        currency="EUR",
        at=clock.now(),
    )

    early = await deliver(
        client, shop=shop_owner.shop, provider="sandbox", body=refund_body, headers=refund_headers
    )
    assert early.status_code == 200 and early.json()["status"] == "parked"
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "pending"
    late = await deliver(
        client, shop=shop_owner.shop, provider="sandbox", body=paid_body, headers=paid_headers
    )
    again = await deliver(
        client, shop=shop_owner.shop, provider="sandbox", body=refund_body, headers=refund_headers
    )

    assert late.json()["status"] == "processed"
    assert again.json() == {"status": "processed", "duplicate": True}
    final = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert (final.state, final.amount_paid, final.amount_refunded) == (
        "partially_refunded",
        2000,
        500,
    )
    ledger = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/ledger",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert (ledger["payments"], ledger["refunds"], ledger["captured"]) == (2000, 500, 1500)
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_a_failure_after_the_success_does_not_undo_it(container, client, shop_owner, clock):
    order, payment, secret = await _started(container, client, shop_owner)
    for kind in ("payment.succeeded", "payment.failed", "payment.canceled"):
        body, headers = webhook(
            secret,
            kind,
            payment_id=payment["payment_id"],
            amount=1500,
            currency="EUR",
            at=clock.now(),
        )
        assert (
            await deliver(
                client, shop=shop_owner.shop, provider="sandbox", body=body, headers=headers
            )
        ).status_code == 200
    got = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/payments/{payment['payment_id']}",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert got["status"] == "succeeded" and got["amount_captured"] == 1500
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "paid"


async def test_money_for_a_cancelled_order_is_kept_on_record_and_refunded(
    container, client, shop_owner, clock
):
    order, payment, secret = await _started(container, client, shop_owner)
    cancel = await client.post(
        f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/cancel",
        json={"reason": "customer changed their mind"},
        headers=shop_owner.owner.headers,
    )
    assert cancel.status_code == 200, cancel.text
    body, headers = webhook(
        secret,
        "payment.succeeded",
        payment_id=payment["payment_id"],
        amount=1500,
        currency="EUR",
        at=clock.now(),
    )

    response = await deliver(
        client, shop=shop_owner.shop, provider="sandbox", body=body, headers=headers
    )

    assert response.status_code == 200
    got = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/payments/{payment['payment_id']}",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert got["applied"] is False and "OrderNotPayable" in got["flag"]
    assert (got["status"], got["amount_captured"], got["amount_refunded"]) == (
        "refunded",
        1500,
        1500,
    )
    refunds = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/refunds",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert [(r["source"], r["status"], r["amount"]) for r in refunds] == [
        ("automatic", "succeeded", 1500)
    ]
    ledger = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/ledger",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert (ledger["payments"], ledger["refunds"], ledger["captured"]) == (1500, 1500, 0)
    final = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert (final.state, final.amount_paid) == ("cancelled", 0)
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_another_shops_webhook_secret_and_payment_do_not_cross(
    container, client, shop_owner, clock
):
    from tests.builders.staff import shop_with_owner

    order, payment, secret = await _started(container, client, shop_owner)
    other_shop, other_owner = await shop_with_owner(container, client)
    other_order = await pending_order(container, shop=other_shop)
    await start(client, shop=other_shop, staff=other_owner, order_id=other_order.id)
    # our payment, signed with our secret, sent to the other shop's endpoint
    body, headers = webhook(
        secret,
        "payment.succeeded",
        payment_id=payment["payment_id"],
        amount=1500,
        currency="EUR",
        at=clock.now(),
    )
    response = await deliver(
        client, shop=other_shop, provider="sandbox", body=body, headers=headers
    )
    assert response.status_code == 401
    # the other shop's secret, naming our payment: verified there, but not its payment
    other_secret = await sandbox_secret(container, shop=other_shop)
    body, headers = webhook(
        other_secret,
        "payment.succeeded",
        payment_id=payment["payment_id"],
        amount=1500,
        currency="EUR",
        at=clock.now(),
    )
    response = await deliver(
        client, shop=other_shop, provider="sandbox", body=body, headers=headers
    )
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "pending"


async def test_unknown_provider_shop_or_unconfigured_gateway(container, client, shop_owner, clock):
    body = json.dumps({"id": "evt_1"}).encode()
    unknown = await deliver(client, shop=shop_owner.shop, provider="paypal", body=body, headers={})
    assert unknown.status_code == 404 and unknown.json()["error"] == "ProviderNotSupported"
    missing = await client.post(
        "/api/v1/shops/no-such-shop/payments/webhooks/sandbox", content=body
    )
    assert missing.status_code == 404
    unconfigured = await deliver(
        client, shop=shop_owner.shop, provider="stripe", body=body, headers={}
    )
    assert (
        unconfigured.status_code == 404 and unconfigured.json()["error"] == "GatewayNotConfigured"
    )


async def test_a_malformed_body_with_a_valid_signature_is_a_bad_request(
    container, client, shop_owner, clock
):
    import hashlib
    import hmac

    await _started(container, client, shop_owner)
    secret = await sandbox_secret(container, shop=shop_owner.shop)
    body = b'{"id": "evt_x", "type": "payment.succeeded", "data": {"amount": "lots"}}'
    t = int(clock.now().timestamp())
    signature = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    response = await deliver(
        client,
        shop=shop_owner.shop,
        provider="sandbox",
        body=body,
        headers={"Sandbox-Signature": f"t={t},v1={signature}"},
    )
    assert response.status_code == 400 and response.json()["error"] == "WebhookMalformed"
