"""Automatic renewal through Stripe: a plan bought with Checkout in subscription mode renews
when Stripe bills the next period (invoice.paid, subscription_cycle), once per invoice, and
goes back to reminders when Stripe deletes the subscription.

Every webhook is signed by the fake Stripe and goes through our webhook endpoint.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta

from httpx import AsyncClient

from shopkeeper import orders
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.subscriptions import SubscriptionRead, SubscriptionRenewalStopped
from shopkeeper.subscriptions.tasks import renew
from tests.builders.orders import create_customer, place_order
from tests.builders.payments import assert_ledger_balanced, configure, deliver, start
from tests.builders.promotions import create_promo_code
from tests.builders.subscriptions import (
    create_plan,
    drain,
    events_of,
    only_subscription,
    run_expire,
)
from tests.fakes.stripe import SECRET_KEY, WEBHOOK_SECRET, Delivery, FakeStripe
from tests.payments.conftest import Gateways, ShopOwner, gateways, settings, shop_owner

__all__ = ["gateways", "settings", "shop_owner"]
PRICE = 1_500
CONFIG = {"secret_key": SECRET_KEY, "webhook_secret": WEBHOOK_SECRET}


async def _send(client: AsyncClient, so: ShopOwner, delivery: Delivery) -> dict[str, object]:
    response = await deliver(
        client, shop=so.shop, provider="stripe", body=delivery.body, headers=delivery.headers
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def _orders(container: Container, so: ShopOwner) -> list[orders.OrderRead]:
    async with unit_of_work(container.sessions) as session:
        page = await orders.list_orders(session, shop_id=so.shop.id, limit=100, offset=0)
    return list(reversed(page.items))  # oldest first


async def _subscribe(
    container: Container, client: AsyncClient, so: ShopOwner, stripe: FakeStripe
) -> tuple[uuid.UUID, SubscriptionRead, str]:
    """A customer buys a monthly plan through Stripe Checkout; the customer, the subscription
    and Stripe's subscription id."""
    await configure(client, shop=so.shop, staff=so.owner, provider="stripe", config=CONFIG)
    plan = await create_plan(container, shop=so.shop, price=PRICE)
    customer = await create_customer(container, shop=so.shop)
    first = await place_order(container, shop=so.shop, items=[(plan, 1)], customer_id=customer.id)
    payment = await start(client, shop=so.shop, staff=so.owner, order_id=first.id,
                          provider="stripe")  # no "recurring": the plan line decides  # fmt: skip
    _method, _path, params, _headers = stripe.requests[0]
    assert params["mode"] == "subscription" and "payment_intent_data" not in params
    assert params["subscription_data"]["metadata"]["payment_id"] == payment["payment_id"]
    session_id = payment["redirect_url"].rsplit("/", 1)[1]
    for delivery in stripe.complete(session_id):
        await _send(client, so, delivery)
    await drain(container)
    (stripe_sub,) = stripe.subscriptions
    sub = await only_subscription(container, shop=so.shop, customer_id=customer.id)
    assert (sub.status, sub.renewal, sub.renewal_provider, sub.renewal_reference) == (
        "active", "auto", "stripe", stripe_sub,
    )  # fmt: skip
    return customer.id, sub, stripe_sub


async def test_a_stripe_subscription_renews_per_invoice_and_stops_when_deleted(
    container: Container, client: AsyncClient, shop_owner: ShopOwner, gateways: Gateways,
    clock: FrozenClock,
) -> None:  # fmt: skip
    so, stripe = shop_owner, gateways.stripe
    customer_id, sub, stripe_sub = await _subscribe(container, client, so, stripe)

    # Stripe bills the next period about an hour after it starts: the period runs on meanwhile
    clock.advance(seconds=(sub.period_end - clock.now() + timedelta(hours=1)).total_seconds())
    await run_expire(container)
    assert (await only_subscription(container, shop=so.shop, customer_id=customer_id)).status == (
        "active"
    )
    cycle = stripe.renew(stripe_sub)
    assert (await _send(client, so, cycle))["status"] == "processed"
    await drain(container)

    placed = await _orders(container, so)
    assert [(o.source, o.state, o.total) for o in placed] == [
        ("tests", "paid", PRICE), ("renewal", "paid", PRICE),
    ]  # fmt: skip
    assert placed[1].customer_id == customer_id
    renewed = await only_subscription(container, shop=so.shop, customer_id=customer_id)
    assert renewed.period_end.month == sub.period_end.month + 1
    assert renewed.period_end.day == sub.period_end.day and renewed.renewal == "auto"

    again = await _send(client, so, cycle)  # the same delivery: a duplicate
    invoice = json.loads(cycle.body)["data"]["object"]
    other = await _send(client, so, stripe.event("invoice.paid", invoice))  # same invoice
    await drain(container)
    assert again == {"status": "processed", "duplicate": True}
    assert other["status"] == "ignored"
    assert len(await _orders(container, so)) == 2
    after = await only_subscription(container, shop=so.shop, customer_id=customer_id)
    assert after.period_end == renewed.period_end
    await assert_ledger_balanced(container, shop=so.shop)

    assert (await _send(client, so, stripe.end_subscription(stripe_sub)))["status"] == "processed"
    await drain(container)
    manual = await only_subscription(container, shop=so.shop, customer_id=customer_id)
    assert (manual.renewal, manual.renewal_provider, manual.renewal_reference) == (
        "manual", None, None,
    )  # fmt: skip
    assert manual.period_end == renewed.period_end and manual.status == "active"
    stopped = await events_of(container, SubscriptionRenewalStopped.name, sub.id)
    assert [e["provider"] for e in stopped] == ["stripe"]
    assert "cancellation_requested" in str(stopped[0]["reason"])


async def test_a_discounted_or_multi_period_plan_through_stripe_is_one_payment(
    container: Container, client: AsyncClient, shop_owner: ShopOwner, gateways: Gateways
) -> None:
    """A Stripe subscription repeats the first price: a discount or two periods at once would
    repeat too, so those are paid once (renewal by reminders)."""
    so = shop_owner
    await configure(client, shop=so.shop, staff=so.owner, provider="stripe", config=CONFIG)
    plan = await create_plan(container, shop=so.shop, price=PRICE)
    customer = await create_customer(container, shop=so.shop)
    code = await create_promo_code(container, shop=so.shop)
    discounted = await place_order(container, shop=so.shop, items=[(plan, 1)],
                                   customer_id=customer.id, promo_code=code.code)  # fmt: skip
    two = await place_order(container, shop=so.shop, items=[(plan, 2)], customer_id=customer.id)
    for order in (discounted, two):
        await start(client, shop=so.shop, staff=so.owner, order_id=order.id, provider="stripe")
        assert gateways.stripe.requests[-1][2]["mode"] == "payment"
    assert discounted.discount > 0


async def test_cancel_at_period_end_is_passed_on_to_the_stripe_subscription_once(
    container: Container, client: AsyncClient, shop_owner: ShopOwner, gateways: Gateways,
    clock: FrozenClock,
) -> None:  # fmt: skip
    so, stripe = shop_owner, gateways.stripe
    _customer_id, sub, stripe_sub = await _subscribe(container, client, so, stripe)
    url = f"/api/v1/shops/{so.shop.slug}/subscriptions/{sub.id}"

    def updates() -> list[str]:
        return [p["cancel_at_period_end"] for _m, path, p, _h in stripe.requests
                if path == f"/v1/subscriptions/{stripe_sub}"]  # fmt: skip

    await asyncio.gather(renew(container, clock.now()), renew(container, clock.now()))
    assert updates() == []
    assert (await client.post(f"{url}/cancel", headers=so.owner.headers)).status_code == 200
    await renew(container, clock.now())
    await renew(container, clock.now())
    assert updates() == ["true"] and stripe.subscriptions[stripe_sub]["cancel_at_period_end"]

    clock.advance(minutes=1)
    assert (await client.post(f"{url}/resume", headers=so.owner.headers)).status_code == 200
    await renew(container, clock.now())
    await renew(container, clock.now())
    assert updates() == ["true", "false"]
    assert stripe.subscriptions[stripe_sub]["cancel_at_period_end"] is False
    audit = await client.get(f"/api/v1/shops/{so.shop.slug}/audit", headers=so.owner.headers)
    actions = [e["action"] for e in audit.json()["items"]]
    assert actions.count("subscription.provider_cancel_sent") == 2
