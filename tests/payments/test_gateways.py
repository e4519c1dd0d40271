"""Gateway accounts: validated per provider, encrypted at rest, shown masked, audited."""

from __future__ import annotations

from sqlalchemy import select

from shopkeeper.audit.models import AuditEntry
from shopkeeper.db import unit_of_work
from shopkeeper.payments.models import GatewayAccount
from tests.builders.payments import configure, deliver, pending_order, start
from tests.builders.staff import staff_member
from tests.fakes.stripe import SECRET_KEY, WEBHOOK_SECRET

STRIPE = {"secret_key": SECRET_KEY, "webhook_secret": WEBHOOK_SECRET}


def _url(so, provider: str = "stripe") -> str:  # type: ignore[no-untyped-def]
    return f"/api/v1/shops/{so.shop.slug}/payments/gateways/{provider}"


async def test_put_then_get_shows_secrets_masked_and_the_webhook_url(container, client, shop_owner):
    shown = await configure(
        client, shop=shop_owner.shop, staff=shop_owner.owner, provider="stripe", config=STRIPE
    )

    assert shown["config"] == {"secret_key": "••••cdef", "webhook_secret": "••••cdef"}
    assert (
        shown["webhook_url"]
        == f"https://shop.example/api/v1/shops/{shop_owner.shop.slug}/payments/webhooks/stripe"
    )
    got = (await client.get(_url(shop_owner), headers=shop_owner.owner.headers)).json()
    assert got["config"] == shown["config"] and got["enabled"] is True
    async with unit_of_work(container.sessions) as session:
        row = await session.scalar(select(GatewayAccount))
    assert row is not None and SECRET_KEY not in row.config_encrypted
    assert WEBHOOK_SECRET in container.secrets.decrypt(row.config_encrypted)


async def test_secrets_left_out_are_kept_and_the_change_is_audited_masked(
    container, client, shop_owner
):
    await configure(
        client, shop=shop_owner.shop, staff=shop_owner.owner, provider="stripe", config=STRIPE
    )
    await configure(
        client,
        shop=shop_owner.shop,
        staff=shop_owner.owner,
        provider="stripe",
        config={"webhook_secret": "whsec_rotated9876543210"},
    )
    async with unit_of_work(container.sessions) as session:
        row = await session.scalar(select(GatewayAccount))
        entries = list(
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "payments.gateway_updated")
                .order_by(AuditEntry.created_at)
            )
        )
    assert row is not None
    stored = container.secrets.decrypt(row.config_encrypted)
    assert SECRET_KEY in stored and "whsec_rotated9876543210" in stored
    created, updated = sorted(entries, key=lambda e: e.before is not None)  # same frozen time
    assert created.before is None and updated.before is not None and updated.after is not None
    assert updated.before["config"]["webhook_secret"] == "••••cdef"
    assert updated.after["config"]["webhook_secret"] == "••••3210"
    assert SECRET_KEY not in str(created.after) + str(updated.before) + str(updated.after)


async def test_invalid_configuration_names_fields_without_echoing_values(
    container, client, shop_owner
):
    response = await client.put(
        _url(shop_owner),
        json={"config": {"secret_key": "pk_live_oops-leaked"}},
        headers=shop_owner.owner.headers,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "InvalidGatewayConfig"
    assert "secret_key" in body["detail"] and "webhook_secret" in body["detail"]
    assert "oops-leaked" not in body["detail"]
    extra = await client.put(
        _url(shop_owner, "yookassa"),
        json={"config": {"shop_id": "506751", "secret_key": "test_abcdefgh12", "x": 1}},
        headers=shop_owner.owner.headers,
    )
    assert extra.status_code == 422 and "x" in extra.json()["detail"]
    unknown = await client.put(
        _url(shop_owner, "paypal"), json={"config": {}}, headers=shop_owner.owner.headers
    )
    assert unknown.status_code == 404


async def test_only_settings_managers_see_or_change_gateways(container, client, shop_owner):
    manager = await staff_member(container, client, shop=shop_owner.shop, role="manager")
    assert (
        await client.put(_url(shop_owner), json={"config": STRIPE}, headers=manager.headers)
    ).status_code == 403
    assert (await client.get(_url(shop_owner), headers=manager.headers)).status_code == 403
    assert (await client.get(_url(shop_owner), headers=shop_owner.owner.headers)).status_code == 404


async def test_a_disabled_gateway_takes_no_payments_and_no_webhooks(container, client, shop_owner):
    await configure(
        client,
        shop=shop_owner.shop,
        staff=shop_owner.owner,
        provider="stripe",
        config=STRIPE,
        enabled=False,
    )
    order = await pending_order(container, shop=shop_owner.shop)
    response = await client.post(
        f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/payments",
        json={"provider": "stripe"},
        headers=shop_owner.owner.headers,
    )
    assert response.status_code == 409 and response.json()["error"] == "GatewayDisabled"
    hook = await deliver(
        client, shop=shop_owner.shop, provider="stripe", body=b'{"id": "evt_1"}', headers={}
    )
    assert hook.status_code == 409


async def test_payments_need_a_pending_order_and_a_reachable_return(container, client, shop_owner):
    await configure(
        client, shop=shop_owner.shop, staff=shop_owner.owner, provider="stripe", config=STRIPE
    )
    order = await pending_order(container, shop=shop_owner.shop)
    await client.post(
        f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/cancel",
        json={"reason": "test"},
        headers=shop_owner.owner.headers,
    )
    cancelled = await client.post(
        f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/payments",
        json={},
        headers=shop_owner.owner.headers,
    )
    assert cancelled.status_code == 409 and cancelled.json()["error"] == "OrderNotAwaitingPayment"
    single = await pending_order(container, shop=shop_owner.shop)
    recurring = await client.post(
        f"/api/v1/shops/{shop_owner.shop.slug}/orders/{single.id}/payments",
        json={"recurring": True},
        headers=shop_owner.owner.headers,
    )
    assert recurring.status_code == 422 and recurring.json()["error"] == "RecurringNotPossible"
    cashier = await staff_member(container, client, shop=shop_owner.shop, role="cashier")
    assert (await start(client, shop=shop_owner.shop, staff=cashier, order_id=single.id))[
        "status"
    ] == "pending"
    viewer = await staff_member(container, client, shop=shop_owner.shop, role="viewer")
    denied = await client.post(
        f"/api/v1/shops/{shop_owner.shop.slug}/orders/{single.id}/payments",
        json={},
        headers=viewer.headers,
    )
    assert denied.status_code == 403


async def test_without_a_public_url_external_providers_need_a_return_url(
    database_url, gateways, clock
):
    from httpx import ASGITransport, AsyncClient

    from shopkeeper.app import create_app
    from shopkeeper.bootstrap import build_container
    from tests.builders.staff import shop_with_owner
    from tests.conftest import make_settings

    own = build_container(
        make_settings(database_url, stripe_api_url=gateways.stripe_url), clock=clock
    )
    transport = ASGITransport(app=create_app(container=own), client=("127.0.0.1", 50000))
    try:
        async with AsyncClient(transport=transport, base_url="http://testserver") as plain:
            shop, owner = await shop_with_owner(own, plain)
            await configure(plain, shop=shop, staff=owner, provider="stripe", config=STRIPE)
            order = await pending_order(own, shop=shop)
            url = f"/api/v1/shops/{shop.slug}/orders/{order.id}/payments"
            refused = await plain.post(url, json={"provider": "stripe"}, headers=owner.headers)
            assert refused.status_code == 422 and refused.json()["error"] == "ReturnUrlRequired"
            given = await plain.post(
                url,
                json={"provider": "stripe", "return_url": "https://x.example/r"},
                headers=owner.headers,
            )
            assert given.status_code == 201
            sandbox = await start(
                plain, shop=shop, staff=owner, order_id=(await pending_order(own, shop=shop)).id
            )
            assert sandbox["redirect_url"] == f"/pay/{sandbox['payment_id']}"
    finally:
        await own.close()
