"""Webhook endpoints: CRUD, secrets shown once and encrypted, permissions, validation, audit."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from shopkeeper.audit.models import AuditEntry
from shopkeeper.db import unit_of_work
from shopkeeper.integrations.endpoints import check_url
from shopkeeper.integrations.errors import EndpointUrlRejected
from shopkeeper.integrations.models import WebhookEndpoint
from shopkeeper.settings import Settings
from tests.builders.integrations import create_endpoint
from tests.builders.staff import shop_with_owner, staff_member

URL = "https://hooks.example.com/shop"


def _base(so) -> str:
    return f"/api/v1/shops/{so.shop.slug}/webhooks"


def _secret_bytes(secret: str) -> bytes:
    assert secret.startswith("whsec_")
    return base64.b64decode(secret.removeprefix("whsec_"), validate=True)


async def test_create_shows_the_secret_once_and_stores_it_encrypted(container, client, shop_owner):
    made = await create_endpoint(
        client, shop=shop_owner.shop, staff=shop_owner.owner, url=URL, description="ERP"
    )

    assert 24 <= len(_secret_bytes(made["secret"])) <= 32
    assert made["enabled"] is True and made["description"] == "ERP"
    listed = (await client.get(_base(shop_owner), headers=shop_owner.owner.headers)).json()
    assert [e["id"] for e in listed] == [made["id"]] and "secret" not in listed[0]
    got = await client.get(f"{_base(shop_owner)}/{made['id']}", headers=shop_owner.owner.headers)
    assert got.status_code == 200 and "secret" not in got.json()
    async with unit_of_work(container.sessions) as session:
        row = await session.scalar(select(WebhookEndpoint))
    assert row is not None and made["secret"] not in row.secret_encrypted
    assert container.secrets.decrypt(row.secret_encrypted) == made["secret"]


async def test_update_rotate_and_delete_are_audited(container, client, shop_owner):
    made = await create_endpoint(client, shop=shop_owner.shop, staff=shop_owner.owner, url=URL)
    one = f"{_base(shop_owner)}/{made['id']}"
    headers = shop_owner.owner.headers

    changed = await client.patch(
        one, json={"event_types": ["payments.refund_succeeded.v1"], "enabled": False},
        headers=headers,
    )  # fmt: skip
    rotated = await client.post(f"{one}/rotate-secret", headers=headers)
    deleted = await client.delete(one, headers=headers)

    assert changed.status_code == 200, changed.text
    assert changed.json()["event_types"] == ["payments.refund_succeeded.v1"]
    assert changed.json()["enabled"] is False
    assert rotated.status_code == 200 and rotated.json()["secret"] != made["secret"]
    _secret_bytes(rotated.json()["secret"])
    assert deleted.status_code == 204
    assert (await client.get(one, headers=headers)).status_code == 404
    async with unit_of_work(container.sessions) as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert {
        "integrations.endpoint_created", "integrations.endpoint_updated",
        "integrations.endpoint_secret_rotated", "integrations.endpoint_deleted",
    } <= set(actions)  # fmt: skip
    assert not any(made["secret"] in str(a) for a in actions)


async def test_viewers_list_but_only_settings_managers_change(container, client, shop_owner):
    made = await create_endpoint(client, shop=shop_owner.shop, staff=shop_owner.owner, url=URL)
    viewer = await staff_member(container, client, shop=shop_owner.shop, role="viewer")
    manager = await staff_member(container, client, shop=shop_owner.shop, role="manager")
    admin = await staff_member(container, client, shop=shop_owner.shop, role="admin")
    body = {"url": URL, "event_types": ["orders.order_paid.v1"]}

    listed = await client.get(_base(shop_owner), headers=viewer.headers)
    by_viewer = await client.post(_base(shop_owner), json=body, headers=viewer.headers)
    by_manager = await client.post(
        f"{_base(shop_owner)}/{made['id']}/rotate-secret", headers=manager.headers
    )
    by_admin = await client.post(_base(shop_owner), json=body, headers=admin.headers)

    assert listed.status_code == 200 and len(listed.json()) == 1
    assert by_viewer.status_code == 403 and by_manager.status_code == 403
    assert by_admin.status_code == 201


async def test_another_shops_staff_see_nothing(container, client, shop_owner):
    made = await create_endpoint(client, shop=shop_owner.shop, staff=shop_owner.owner, url=URL)
    other_shop, stranger = await shop_with_owner(container, client)

    own_list = await client.get(
        f"/api/v1/shops/{other_shop.slug}/webhooks", headers=stranger.headers
    )
    foreign = await client.get(f"{_base(shop_owner)}/{made['id']}", headers=stranger.headers)
    by_id_in_own_shop = await client.delete(
        f"/api/v1/shops/{other_shop.slug}/webhooks/{made['id']}", headers=stranger.headers
    )

    assert own_list.json() == []
    assert foreign.status_code == 404
    assert by_id_in_own_shop.status_code == 404
    assert by_id_in_own_shop.json()["error"] == "EndpointNotFound"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"url": "http://hooks.example.com/x", "event_types": ["orders.order_paid.v1"]},
         "EndpointUrlRejected"),
        ({"url": "ftp://hooks.example.com/x", "event_types": ["orders.order_paid.v1"]},
         "EndpointUrlRejected"),
        ({"url": "https://user:pw@hooks.example.com", "event_types": ["orders.order_paid.v1"]},
         "EndpointUrlRejected"),
        ({"url": URL, "event_types": ["orders.order_paid.v1", "orders.order_eaten.v1"]},
         "UnknownEventType"),
        ({"url": URL, "event_types": ["webhook.test"]}, "UnknownEventType"),
    ],
)  # fmt: skip
async def test_bad_urls_and_unknown_event_types_are_422(client, shop_owner, body, error):
    response = await client.post(_base(shop_owner), json=body, headers=shop_owner.owner.headers)

    assert response.status_code == 422, response.text
    assert response.json()["error"] == error


async def test_empty_event_types_are_422(client, shop_owner):
    response = await client.post(
        _base(shop_owner), json={"url": URL, "event_types": []}, headers=shop_owner.owner.headers
    )

    assert response.status_code == 422


def test_local_http_needs_the_setting(settings: Settings):
    strict = settings.model_copy(update={"webhooks_allow_http": False, "demo": False})
    demo = strict.model_copy(update={"demo": True})

    assert check_url("http://127.0.0.1:8080/h", settings) == "http://127.0.0.1:8080/h"
    assert check_url("http://localhost/h", demo) == "http://localhost/h"
    with pytest.raises(EndpointUrlRejected):
        check_url("http://127.0.0.1:8080/h", strict)
    with pytest.raises(EndpointUrlRejected):
        check_url("http://10.0.0.5/h", settings)


def test_https_to_a_private_or_metadata_address_is_refused(settings: Settings):
    strict = settings.model_copy(update={"webhooks_allow_http": False, "demo": False})

    for url in ("https://10.0.0.5/h", "https://169.254.169.254/latest", "https://[::1]/h",
                "https://192.168.1.10:8443/h", "https://127.0.0.1/h"):  # fmt: skip
        with pytest.raises(EndpointUrlRejected):
            check_url(url, strict)
    assert check_url("https://8.8.8.8/h", strict) == "https://8.8.8.8/h"
    assert check_url("https://hooks.example.com/h", strict) == "https://hooks.example.com/h"


async def test_a_name_resolving_to_a_private_address_is_not_called():
    """DNS can point a public-looking name inward: the address is checked at send time."""
    import httpx

    from shopkeeper.integrations import sender
    from shopkeeper.kit.clock import FrozenClock

    calls: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda request: calls.append(request) or httpx.Response(200))
    async with sender.http_client(transport) as client:
        result = await sender.post(
            client, url="https://localhost:8443/hook", secret="whsec_" + "A" * 32,
            message_id="m1", body="{}", now=FrozenClock().now(),
        )  # fmt: skip
    assert calls == [] and not result.succeeded
    assert result.error is not None and "not a public address" in result.error
