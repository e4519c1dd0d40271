"""Deliveries: events become signed POSTs, retried with backoff, logged, never sent twice."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from datetime import timedelta

from sqlalchemy import select

from shopkeeper import bus
from shopkeeper.audit.models import AuditEntry
from shopkeeper.bus.models import OutboxEvent
from shopkeeper.db import unit_of_work
from shopkeeper.integrations import deliver_due
from shopkeeper.integrations.delivery import RETRY_DELAYS
from shopkeeper.integrations.handlers import on_public_event
from shopkeeper.scheduler import run_job
from tests.builders.integrations import Received, create_endpoint, publish_product_published
from tests.builders.staff import login


def verify(secret: str, received: Received) -> bool:
    """Standard Webhooks verification, written from the spec (not from our signer)."""
    key = base64.b64decode(secret.split("_", 1)[1])
    msg_id = received.headers["webhook-id"]
    stamp = received.headers["webhook-timestamp"]
    signed = msg_id.encode() + b"." + stamp.encode() + b"." + received.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [s.split(",", 1) for s in received.headers["webhook-signature"].split(" ")]
    return any(v == "v1" and hmac.compare_digest(sig, expected) for v, sig in offered)


async def _endpoint(client, shop_owner, receiver, **fields):
    return await create_endpoint(
        client, shop=shop_owner.shop, staff=shop_owner.owner, url=receiver.url, **fields
    )


async def _headers(client, shop_owner) -> dict[str, str]:
    """A fresh login: tests move the clock past the access token's 15 minutes."""
    return (await login(client, email=shop_owner.owner.user.email)).headers


async def _deliveries(client, shop_owner, endpoint):
    url = f"/api/v1/shops/{shop_owner.shop.slug}/webhooks/{endpoint['id']}/deliveries"
    response = await client.get(url, headers=await _headers(client, shop_owner))
    assert response.status_code == 200, response.text
    return response.json()


async def test_an_event_arrives_signed_per_standard_webhooks(
    container, client, clock, shop_owner, receiver
):
    endpoint = await _endpoint(client, shop_owner, receiver)
    event = await publish_product_published(container, shop=shop_owner.shop)
    await bus.drain(container)

    await run_job(container, "integrations.deliver")  # as the worker's scheduler runs it

    [got] = receiver.requests
    assert verify(endpoint["secret"], got)
    tampered = Received(got.headers, got.body.replace(b"physical", b"digital"))
    assert b"physical" in got.body and not verify(endpoint["secret"], tampered)
    assert got.headers["webhook-timestamp"] == str(int(clock.now().timestamp()))
    assert got.headers["content-type"] == "application/json"
    body = json.loads(got.body)
    assert body["type"] == "catalog.product_published.v1"
    assert body["data"] == {
        "product_id": str(event.product_id),
        "shop_id": str(shop_owner.shop.id),
        "kind": "physical",
    }
    [delivery] = (await _deliveries(client, shop_owner, endpoint))["items"]
    assert got.headers["webhook-id"] == delivery["id"]
    assert delivery["status"] == "succeeded" and delivery["attempt_log"][0]["status_code"] == 200


async def test_only_subscribed_enabled_endpoints_of_the_shop_get_it(
    container, client, shop_owner, receiver
):
    await _endpoint(client, shop_owner, receiver, event_types=["orders.order_paid.v1"])
    await _endpoint(client, shop_owner, receiver, enabled=False)
    await publish_product_published(container, shop=shop_owner.shop)
    await bus.drain(container)

    assert await deliver_due(container) == 0
    assert receiver.requests == []


async def test_failures_retry_with_backoff_under_the_same_webhook_id(
    container, client, clock, shop_owner, receiver
):
    receiver.statuses = [500, 503]
    endpoint = await _endpoint(client, shop_owner, receiver)
    await publish_product_published(container, shop=shop_owner.shop)
    await bus.drain(container)

    first = await deliver_due(container)
    not_yet = await deliver_due(container)
    clock.advance(seconds=5)
    second = await deliver_due(container)
    clock.advance(minutes=4)
    early = await deliver_due(container)
    clock.advance(minutes=1)
    third = await deliver_due(container)

    assert (first, not_yet, second, early, third) == (1, 0, 1, 0, 1)
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    assert len({r.headers["webhook-signature"] for r in receiver.requests}) == 3
    [delivery] = (await _deliveries(client, shop_owner, endpoint))["items"]
    assert delivery["status"] == "succeeded" and delivery["attempts"] == 3
    log = delivery["attempt_log"]
    assert [a["status_code"] for a in log] == [500, 503, 200]
    assert [a["succeeded"] for a in log] == [False, False, True]
    assert log[0]["error"] == "HTTP 500" and 0 < len(log[0]["response_excerpt"]) <= 1024


async def test_after_about_three_days_of_failure_the_delivery_fails(
    container, client, clock, shop_owner, receiver
):
    receiver.default = 500
    endpoint = await _endpoint(client, shop_owner, receiver)
    await publish_product_published(container, shop=shop_owner.shop)
    await bus.drain(container)
    started = clock.now()

    await deliver_due(container)
    for delay in RETRY_DELAYS:
        clock.advance(seconds=delay.total_seconds())
        assert await deliver_due(container) == 1
    clock.advance(days=1)

    assert await deliver_due(container) == 0
    assert timedelta(days=2.5) < clock.now() - started - timedelta(days=1) < timedelta(days=3.5)
    [delivery] = (await _deliveries(client, shop_owner, endpoint))["items"]
    assert delivery["status"] == "failed" and delivery["next_attempt_at"] is None
    assert len(delivery["attempt_log"]) == len(RETRY_DELAYS) + 1
    got = await client.get(
        f"/api/v1/shops/{shop_owner.shop.slug}/webhooks/{endpoint['id']}",
        headers=await _headers(client, shop_owner),
    )
    assert got.json()["enabled"] is True and got.json()["failing_since"] is not None


async def _fail_through(container, clock, days: float) -> None:
    """Run the sender every hour for `days`, as the scheduler would."""
    for _ in range(int(days * 24)):
        clock.advance(hours=1)
        await deliver_due(container)


async def test_an_endpoint_failing_for_five_days_is_disabled_with_a_notice(
    container, client, clock, shop_owner, receiver
):
    receiver.default = 500
    endpoint = await _endpoint(client, shop_owner, receiver)
    started = clock.now()
    await publish_product_published(container, shop=shop_owner.shop)
    await bus.drain(container)
    await deliver_due(container)
    await _fail_through(container, clock, days=4)
    await publish_product_published(container, shop=shop_owner.shop)
    await bus.drain(container)
    await deliver_due(container)
    one = f"/api/v1/shops/{shop_owner.shop.slug}/webhooks/{endpoint['id']}"
    still_on = (await client.get(one, headers=await _headers(client, shop_owner))).json()["enabled"]

    await _fail_through(container, clock, days=1.5)

    got = (await client.get(one, headers=await _headers(client, shop_owner))).json()
    assert still_on is True
    assert got["enabled"] is False and "failed since" in got["disabled_reason"]
    sent = len(receiver.requests)
    await _fail_through(container, clock, days=1)
    assert len(receiver.requests) == sent  # nothing goes to a disabled endpoint
    async with unit_of_work(container.sessions) as session:
        entry = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "integrations.endpoint_disabled")
        )
        notice = await session.scalar(
            select(OutboxEvent).where(OutboxEvent.name == "integrations.endpoint_disabled.v1")
        )
    assert entry is not None and entry.actor_type == "system"
    assert entry.created_at - started >= timedelta(days=5)
    assert notice is not None and notice.payload["endpoint_id"] == endpoint["id"]


async def test_a_redelivered_event_is_sent_once(container, client, shop_owner, receiver):
    await _endpoint(client, shop_owner, receiver)
    event = await publish_product_published(container, shop=shop_owner.shop)
    await bus.drain(container)

    async with unit_of_work(container.sessions) as session:
        event_id = await session.scalar(
            select(OutboxEvent.event_id).where(OutboxEvent.name == type(event).name)
        )
    for _ in range(2):  # as if the bus's inbox had lost track: the handler runs again
        async with unit_of_work(container.sessions) as session:
            await on_public_event(event, session, container.clock, event_id)
    await bus.drain(container)
    await deliver_due(container)
    await deliver_due(container)

    assert len(receiver.requests) == 1


async def test_two_concurrent_senders_never_send_a_delivery_twice(
    container, client, shop_owner, receiver
):
    await _endpoint(client, shop_owner, receiver)
    for _ in range(30):
        await publish_product_published(container, shop=shop_owner.shop)
    await bus.drain(container)

    made = await asyncio.gather(deliver_due(container), deliver_due(container))

    assert sum(made) == 30
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(ids) == 30 and len(set(ids)) == 30
