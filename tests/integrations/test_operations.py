"""Staff operations on webhooks: resend a delivery now, ping an endpoint, read the log."""

from __future__ import annotations

import json
import socket
import uuid

from sqlalchemy import update

from shopkeeper import bus
from shopkeeper.db import unit_of_work
from shopkeeper.integrations import deliver_due
from shopkeeper.integrations.delivery import DISABLE_AFTER_FAILED_DELIVERIES, RETRY_DELAYS
from shopkeeper.integrations.models import WebhookEndpoint
from tests.builders.integrations import create_endpoint, publish_product_published
from tests.builders.staff import login, staff_member
from tests.integrations.test_delivery import verify


def _free_port_url() -> str:
    """A local URL nobody listens on: connecting to it fails."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/hooks"


async def _give_up(container, clock) -> None:
    await deliver_due(container)
    for delay in RETRY_DELAYS:
        clock.advance(seconds=delay.total_seconds())
        await deliver_due(container)


async def test_a_failed_delivery_is_resent_now_with_the_same_webhook_id(
    container, client, clock, shop_owner, receiver
):
    receiver.default = 500
    endpoint = await create_endpoint(
        client, shop=shop_owner.shop, staff=shop_owner.owner, url=receiver.url
    )
    await publish_product_published(container, shop=shop_owner.shop)
    await bus.drain(container)
    await _give_up(container, clock)
    headers = (await login(client, email=shop_owner.owner.user.email)).headers
    base = f"/api/v1/shops/{shop_owner.shop.slug}/webhooks/{endpoint['id']}"
    [failed] = (await client.get(f"{base}/deliveries?status=failed", headers=headers)).json()[
        "items"
    ]
    receiver.default = 202
    viewer = await staff_member(container, client, shop=shop_owner.shop, role="viewer")

    forbidden = await client.post(f"{base}/deliveries/{failed['id']}/retry", headers=viewer.headers)
    resent = await client.post(f"{base}/deliveries/{failed['id']}/retry", headers=headers)

    assert forbidden.status_code == 403
    assert resent.status_code == 200, resent.text
    assert resent.json()["status"] == "succeeded"
    assert resent.json()["attempt_log"][-1] | {"id": None, "attempted_at": None} == {
        "id": None, "attempted_at": None, "trigger": "manual", "succeeded": True,
        "status_code": 202, "response_excerpt": "ok", "error": None,
        "duration_ms": resent.json()["attempt_log"][-1]["duration_ms"],
    }  # fmt: skip
    ids = {r.headers["webhook-id"] for r in receiver.requests}
    assert ids == {failed["id"]} and len(receiver.requests) == len(RETRY_DELAYS) + 2
    missing = await client.post(f"{base}/deliveries/{endpoint['id']}/retry", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"] == "DeliveryNotFound"


async def test_the_test_ping_is_signed_and_reports_the_answer(client, shop_owner, receiver):
    endpoint = await create_endpoint(
        client, shop=shop_owner.shop, staff=shop_owner.owner, url=receiver.url
    )
    url = f"/api/v1/shops/{shop_owner.shop.slug}/webhooks/{endpoint['id']}/test"

    ok = await client.post(url, headers=shop_owner.owner.headers)
    receiver.default = 418
    refused = await client.post(url, headers=shop_owner.owner.headers)

    assert ok.status_code == 200 and ok.json()["succeeded"] is True
    assert ok.json()["status_code"] == 200
    assert refused.json()["succeeded"] is False and refused.json()["status_code"] == 418
    assert refused.json()["error"] == "HTTP 418"
    assert len(refused.json()["response_excerpt"].encode()) <= 1024
    first = receiver.requests[0]
    assert json.loads(first.body)["type"] == "webhook.test" and verify(endpoint["secret"], first)


async def test_an_unreachable_endpoint_is_logged_as_an_error(container, client, shop_owner):
    endpoint = await create_endpoint(
        client, shop=shop_owner.shop, staff=shop_owner.owner, url=_free_port_url()
    )
    await publish_product_published(container, shop=shop_owner.shop)
    await bus.drain(container)

    await deliver_due(container)

    base = f"/api/v1/shops/{shop_owner.shop.slug}/webhooks/{endpoint['id']}"
    page = (await client.get(f"{base}/deliveries", headers=shop_owner.owner.headers)).json()
    [attempt] = page["items"][0]["attempt_log"]
    assert page["items"][0]["status"] == "pending"
    assert attempt["status_code"] is None and attempt["error"].startswith("ConnectError")


async def test_an_endpoint_whose_last_deliveries_all_gave_up_is_disabled(
    container, client, clock, shop_owner, receiver
):
    receiver.default = 500
    endpoint = await create_endpoint(
        client, shop=shop_owner.shop, staff=shop_owner.owner, url=receiver.url
    )
    for _ in range(DISABLE_AFTER_FAILED_DELIVERIES):
        await publish_product_published(container, shop=shop_owner.shop)
    await bus.drain(container)

    await _give_up(container, clock)

    headers = (await login(client, email=shop_owner.owner.user.email)).headers
    base = f"/api/v1/shops/{shop_owner.shop.slug}/webhooks/{endpoint['id']}"
    got = (await client.get(base, headers=headers)).json()
    assert got["enabled"] is False
    assert got["disabled_reason"] == f"the last {DISABLE_AFTER_FAILED_DELIVERIES} deliveries failed"
    enabled = await client.patch(base, json={"enabled": True}, headers=headers)
    assert enabled.json()["enabled"] is True and enabled.json()["failing_since"] is None


async def test_a_secret_no_key_decrypts_fails_its_attempt_and_others_still_go(
    container, client, shop_owner, receiver
):
    broken = await create_endpoint(
        client, shop=shop_owner.shop, staff=shop_owner.owner, url=receiver.url
    )
    await create_endpoint(client, shop=shop_owner.shop, staff=shop_owner.owner, url=receiver.url)
    async with unit_of_work(container.sessions) as session:
        await session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == uuid.UUID(broken["id"]))
            .values(secret_encrypted="not-a-fernet-token")
        )
    await publish_product_published(container, shop=shop_owner.shop)
    await bus.drain(container)

    assert await deliver_due(container) == 2

    base = f"/api/v1/shops/{shop_owner.shop.slug}/webhooks/{broken['id']}"
    page = (await client.get(f"{base}/deliveries", headers=shop_owner.owner.headers)).json()
    assert "cannot be decrypted" in page["items"][0]["attempt_log"][0]["error"]
    assert len(receiver.requests) == 1
