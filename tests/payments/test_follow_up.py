"""Work left over when a provider is down is finished by the `payments.settle` job."""

from __future__ import annotations

from typing import Any

from shopkeeper.scheduler import run_job
from tests.builders.payments import (
    assert_ledger_balanced,
    configure,
    deliver,
    pending_order,
    read,
    start,
)
from tests.fakes.stripe import SECRET_KEY, WEBHOOK_SECRET
from tests.payments.conftest import Gateways, ShopOwner


async def _paid_after_cancel(
    container, client, so: ShopOwner, gateways: Gateways
) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A Stripe checkout for an order cancelled meanwhile, then paid while Stripe is down."""
    await configure(
        client,
        shop=so.shop,
        staff=so.owner,
        provider="stripe",
        config={"secret_key": SECRET_KEY, "webhook_secret": WEBHOOK_SECRET},
    )
    order = await pending_order(container, shop=so.shop, price=1800)
    payment = await start(
        client, shop=so.shop, staff=so.owner, order_id=order.id, provider="stripe"
    )
    await client.post(
        f"/api/v1/shops/{so.shop.slug}/orders/{order.id}/cancel",
        json={"reason": "late"},
        headers=so.owner.headers,
    )
    paid_events = gateways.stripe.complete(payment["redirect_url"].rsplit("/", 1)[1])
    gateways.stripe.down = True
    for delivery in paid_events:  # money arrives for a cancelled order; the refund cannot go out
        response = await deliver(
            client, shop=so.shop, provider="stripe", body=delivery.body, headers=delivery.headers
        )
        assert response.status_code == 200
    return {**payment, "order_id": str(order.id)}


async def test_an_automatic_refund_that_failed_is_retried_by_the_settle_job(
    container, client, shop_owner, gateways, clock
):
    shop, owner = shop_owner.shop, shop_owner.owner
    payment = await _paid_after_cancel(container, client, shop_owner, gateways)
    url = f"/api/v1/shops/{shop.slug}/payments/{payment['payment_id']}"
    held = await read(client, owner, url)
    assert (held["status"], held["amount_captured"], held["amount_refunded"]) == (
        "succeeded",
        1800,
        0,
    )
    assert held["flag"] and not held["applied"]
    await assert_ledger_balanced(container, shop=shop)

    gateways.stripe.down = False
    clock.advance(minutes=3)
    job = await run_job(container, "payments.settle")

    assert job.last_error is None
    settled = await read(client, owner, url)
    assert (settled["status"], settled["amount_refunded"]) == ("refunded", 1800)
    refunds = await read(
        client, owner, f"/api/v1/shops/{shop.slug}/orders/{payment['order_id']}/refunds"
    )
    outcomes = sorted((r["status"], r["amount"]) for r in refunds if r["source"] == "automatic")
    assert outcomes == [("failed", 1800), ("succeeded", 1800)]
    await assert_ledger_balanced(container, shop=shop)


async def test_a_parked_webhook_a_concurrent_capture_missed_is_applied_by_the_settle_job(
    case, clock
):
    """Simulates the race on PostgreSQL: a refund fact parked (payment unknown to it) in a
    transaction that committed just after the capture looked for parked facts."""
    import uuid

    from shopkeeper.db import unit_of_work
    from shopkeeper.payments import EventKind, PaymentEvent
    from shopkeeper.payments.models import WebhookEvent

    assert (await case.post("payment.succeeded")).json()["status"] == "processed"
    ref = f"sbx_{uuid.UUID(case.payment_id).hex}"
    fact = PaymentEvent(
        provider_event_id="evt_race",
        kind=EventKind.REFUNDED,
        provider_refs=(ref,),
        amount=400,
        currency="EUR",
        refund_id="sbx_re_race",
    )
    async with unit_of_work(case.container.sessions) as session:
        session.add(
            WebhookEvent(
                shop_id=case.shop.id,
                provider="sandbox",
                provider_event_id="evt_race",
                body=b"{}",
                headers={},
                received_at=clock.now(),
                verified=True,
                status="parked",
                events=[fact.to_json()],
                subject_ref=ref,
            )
        )

    clock.advance(minutes=3)
    await run_job(case.container, "payments.settle")

    final = await case.order_now()
    assert (final.state, final.amount_refunded) == ("partially_refunded", 400)
    async with unit_of_work(case.container.sessions) as session:
        from sqlalchemy import select

        row = await session.scalar(
            select(WebhookEvent).where(WebhookEvent.provider_event_id == "evt_race")
        )
    assert row is not None and row.status == "processed"
    await assert_ledger_balanced(case.container, shop=case.shop)
