"""The admin's payments and the inbound webhook log: every payment with its status, every
webhook as received (a forged one too, marked not verified and rejected), its raw payload
and headers with credentials masked, rendered inert; filters, tenancy, and the JSON API."""

from __future__ import annotations

import json

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from tests.builders import shop_with_owner, staff_member
from tests.builders.payments import deliver, pending_order, start
from tests.fakes.sandbox import webhook
from tests.web.admin.orders_support import sandbox_paid
from tests.web.seed import sign_in


async def test_the_log_shows_a_genuine_and_a_forged_webhook_as_received(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    paid = await sandbox_paid(container, client, shop=shop, owner=owner, price=1_500)
    order = await pending_order(container, shop=shop, price=900)
    started = await start(client, shop=shop, staff=owner, order_id=order.id)
    body, headers = webhook(
        "not-the-secret", "payment.succeeded", payment_id=started["payment_id"], amount=900,
        currency="EUR", at=container.clock.now(), event_id="evt_<script>x()</script>",
    )  # fmt: skip
    forged = await deliver(client, shop=shop, provider="sandbox", body=body,
                           headers={**headers, "Authorization": "Bearer stolen"})  # fmt: skip
    assert forged.status_code in (400, 401)
    cashier = await staff_member(container, client, shop=shop, role="cashier")
    await sign_in(client, cashier.user.email)
    base = f"/admin/s/{shop.slug}/payments"

    listed = await client.get(base)
    assert listed.status_code == 200 and f'href="{base}" aria-current="page"' in listed.text
    assert "€15.00" in listed.text and "€9.00" in listed.text and "Succeeded" in listed.text
    assert f"/admin/s/{shop.slug}/orders/{paid.id}" in listed.text
    ok = await client.get(base, params={"status": "succeeded"})
    assert "€15.00" in ok.text and "€9.00" not in ok.text

    log = await client.get(f"{base}/webhooks")
    assert log.status_code == 200 and "Showing 1–2 of 2" in log.text
    assert "Rejected" in log.text and "Not verified" in log.text and "Verified" in log.text
    rejected = await client.get(f"{base}/webhooks", params={"status": "rejected"})
    assert "Showing 1–1 of 1" in rejected.text
    link = rejected.text.split(f'href="{base}/webhooks/', 1)[1].split('"', 1)[0]

    detail = await client.get(f"{base}/webhooks/{link}")
    assert detail.status_code == 200 and "Nothing was changed by it." in detail.text
    assert "<script>x()" not in detail.text
    assert "evt_&lt;script&gt;x()&lt;/script&gt;" in detail.text
    assert "&#34;amount&#34;: 900" in detail.text  # pretty JSON, as received
    assert "stolen" not in detail.text  # only the headers that verify a webhook are kept
    assert "sandbox-signature" in detail.text.lower()

    hx = {"HX-Request": "true", "HX-Target": "webhook-results"}
    part = await client.get(f"{base}/webhooks", params={"status": "processed"}, headers=hx)
    assert "<html" not in part.text and "Showing 1–1 of 1" in part.text


async def test_strangers_and_other_shops_see_no_payments(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other, other_owner = await shop_with_owner(container, client)
    await sandbox_paid(container, client, shop=other, owner=other_owner)
    api = f"/api/v1/shops/{other.slug}/inbound-webhooks"
    theirs = (await client.get(api, headers=other_owner.headers)).json()["items"][0]["id"]
    await sign_in(client, owner.user.email)
    assert (await client.get(f"/admin/s/{shop.slug}/payments/webhooks/{theirs}")).status_code == 404
    assert (await client.get(f"/admin/s/{other.slug}/payments")).status_code == 404
    mine = await client.get(f"/admin/s/{shop.slug}/payments/webhooks")
    assert "No webhook has arrived yet." in mine.text
    client.cookies.clear()
    assert (await client.get(f"/admin/s/{shop.slug}/payments")).status_code in (303, 307)


async def test_the_api_lists_payments_and_webhooks_with_their_payloads(
    container: Container, client: AsyncClient
) -> None:
    shop, owner = await shop_with_owner(container, client)
    await sandbox_paid(container, client, shop=shop, owner=owner, price=1_200)
    viewer = await staff_member(container, client, shop=shop, role="viewer")
    base = f"/api/v1/shops/{shop.slug}"

    pays = await client.get(f"{base}/payments", params={"status": "succeeded"},
                            headers=viewer.headers)  # fmt: skip
    assert pays.status_code == 200 and [p["amount"] for p in pays.json()["items"]] == [1_200]
    hooks = await client.get(f"{base}/inbound-webhooks", headers=viewer.headers)
    assert hooks.status_code == 200 and hooks.json()["total"] == 1
    one = hooks.json()["items"][0]
    assert one["verified"] is True and one["status"] == "processed"
    detail = await client.get(f"{base}/inbound-webhooks/{one['id']}", headers=viewer.headers)
    assert json.loads(detail.json()["body"])["data"]["amount"] == 1_200
    bad = await client.get(f"{base}/payments", params={"status": "<x>"}, headers=viewer.headers)
    assert bad.status_code == 422
