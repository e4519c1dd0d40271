"""YooKassa against a fake YooKassa API: notifications trusted only after re-reading."""

from __future__ import annotations

import base64

from httpx import AsyncClient

from tests.builders.payments import (
    assert_ledger_balanced,
    configure,
    deliver,
    get_order,
    pending_order,
    refund,
    start,
)
from tests.fakes.yookassa import SECRET_KEY, SHOP_ID
from tests.payments.conftest import Gateways, ShopOwner

CONFIG = {"shop_id": SHOP_ID, "secret_key": SECRET_KEY}
JSON = {"Content-Type": "application/json"}


async def _pay_page(
    container,
    client: AsyncClient,
    so: ShopOwner,
    gateways: Gateways,  # type: ignore[no-untyped-def]
    config: dict | None = None,
    price: int = 2500,
    **extra,
):
    await configure(
        client,
        shop=so.shop,
        staff=so.owner,
        provider="yookassa",
        config={**CONFIG, **(config or {})},
    )
    order = await pending_order(
        container, shop=so.shop, price=price, currency="RUB", kind=extra.pop("kind", "digital")
    )
    payment = await start(
        client, shop=so.shop, staff=so.owner, order_id=order.id, provider="yookassa", **extra
    )
    remote = gateways.yookassa.by_order(str(order.id))
    return order, payment, remote["id"]


async def _notify(client: AsyncClient, so: ShopOwner, body: bytes):  # type: ignore[no-untyped-def]
    return await deliver(client, shop=so.shop, provider="yookassa", body=body, headers=JSON)


async def _payment(client: AsyncClient, so: ShopOwner, payment_id: str) -> dict:  # type: ignore[type-arg]
    response = await client.get(
        f"/api/v1/shops/{so.shop.slug}/payments/{payment_id}", headers=so.owner.headers
    )
    return response.json()  # type: ignore[no-any-return]


async def test_payment_is_created_in_yookassas_wire_format(container, client, shop_owner, gateways):
    order, payment, remote_id = await _pay_page(container, client, shop_owner, gateways)

    method, path, body, headers = gateways.yookassa.requests[0]
    assert (method, path) == ("POST", "/v3/payments")
    token = base64.b64encode(f"{SHOP_ID}:{SECRET_KEY}".encode()).decode()
    assert headers["authorization"] == f"Basic {token}"
    assert headers["idempotence-key"] == payment["payment_id"]
    assert body["amount"] == {"value": "25.00", "currency": "RUB"}
    assert body["capture"] is True and body["save_payment_method"] is False
    assert body["confirmation"] == {
        "type": "redirect",
        "return_url": f"https://shop.example/pay/{payment['payment_id']}/done",
    }
    assert body["metadata"] == {"order_id": str(order.id), "payment_id": payment["payment_id"]}
    assert payment["redirect_url"].endswith(f"orderId={remote_id}")


async def test_happy_path_is_read_back_from_the_api_before_it_counts(
    container, client, shop_owner, gateways
):
    order, _payment, remote_id = await _pay_page(container, client, shop_owner, gateways)
    note = gateways.yookassa.pay(remote_id)
    before = len(gateways.yookassa.requests)

    response = await _notify(client, shop_owner, note)

    assert response.status_code == 200 and response.json()["status"] == "processed"
    assert gateways.yookassa.requests[before][:2] == ("GET", f"/v3/payments/{remote_id}")
    paid = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert (paid.state, paid.amount_paid) == ("paid", 2500)
    ledger = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/ledger",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert (ledger["payments"], ledger["fees"], ledger["captured"]) == (2500, 88, 2500)  # 3.5 % fee
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_notifications_the_api_does_not_confirm_are_refused(
    container, client, shop_owner, gateways
):
    order, _payment, remote_id = await _pay_page(container, client, shop_owner, gateways)
    claim = gateways.yookassa.payments[remote_id]
    succeeded_while_pending = gateways.yookassa.notification(
        "payment.succeeded", {**claim, "status": "succeeded"}
    )
    unknown_object = gateways.yookassa.notification(
        "payment.succeeded", {**claim, "id": "2c9f9e1f-000f-5000-9000-1"}
    )

    for body in (succeeded_while_pending, unknown_object):
        response = await _notify(client, shop_owner, body)
        assert response.status_code == 401, response.text
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "pending"
    malformed = await _notify(
        client, shop_owner, b'{"type": "notification", "event": "payment.succeeded"}'
    )
    assert malformed.status_code == 400
    # the genuine notification later, with the same dedup key as the refused claim, still counts
    assert (await _notify(client, shop_owner, gateways.yookassa.pay(remote_id))).json()[
        "duplicate"
    ] is False
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "paid"


async def test_a_sender_outside_the_allowlist_is_refused(container, client, shop_owner, gateways):
    order, _payment, remote_id = await _pay_page(
        container,
        client,
        shop_owner,
        gateways,
        config={"ip_allowlist": ["185.71.76.0/27", "77.75.156.11"]},
    )
    note = gateways.yookassa.pay(remote_id)
    before = len(gateways.yookassa.requests)

    response = await _notify(client, shop_owner, note)  # the test client calls from 127.0.0.1

    assert (
        response.status_code == 401
        and "not an allowed YooKassa sender" in response.json()["detail"]
    )
    assert len(gateways.yookassa.requests) == before  # refused before any re-read
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "pending"
    shown = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/payments/gateways/yookassa",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert shown["config"]["ip_allowlist"] == ["185.71.76.0/27", "77.75.156.11/32"]


async def test_duplicate_notification_has_no_second_effect(container, client, shop_owner, gateways):
    order, _payment, remote_id = await _pay_page(container, client, shop_owner, gateways)
    note = gateways.yookassa.pay(remote_id)
    assert (await _notify(client, shop_owner, note)).json()["duplicate"] is False
    assert (await _notify(client, shop_owner, note)).json() == {
        "status": "processed",
        "duplicate": True,
    }
    ledger = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/ledger",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert sorted(e["kind"] for e in ledger["entries"]) == ["fee", "payment"]


async def test_a_refund_notification_before_the_success_implies_it(
    container, client, shop_owner, gateways
):
    order, _payment, remote_id = await _pay_page(container, client, shop_owner, gateways)
    succeeded = gateways.yookassa.pay(remote_id)
    refunded = gateways.yookassa.refund_in_dashboard(remote_id, "10.00")

    early = await _notify(client, shop_owner, refunded)
    late = await _notify(client, shop_owner, succeeded)

    assert early.status_code == 200 and early.json()["status"] == "processed"
    assert late.status_code == 200 and late.json()["status"] == "ignored"
    final = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert (final.state, final.amount_paid, final.amount_refunded) == (
        "partially_refunded",
        2500,
        1000,
    )
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_two_step_payment_is_captured_when_the_order_still_waits(
    container, client, shop_owner, gateways
):
    order, payment, remote_id = await _pay_page(
        container, client, shop_owner, gateways, config={"capture": False}
    )
    note = gateways.yookassa.pay(remote_id)
    assert gateways.yookassa.payments[remote_id]["status"] == "waiting_for_capture"

    response = await _notify(client, shop_owner, note)

    assert response.status_code == 200
    capture = [r for r in gateways.yookassa.requests if r[1].endswith("/capture")]
    assert len(capture) == 1 and capture[0][2] == {"amount": {"value": "25.00", "currency": "RUB"}}
    assert capture[0][3]["idempotence-key"] == f"capture-{payment['payment_id']}"
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "paid"
    # YooKassa's own payment.succeeded notification after our capture: no second effect
    after = gateways.yookassa.notification(
        "payment.succeeded", gateways.yookassa.payments[remote_id]
    )
    assert (await _notify(client, shop_owner, after)).json()["status"] == "ignored"
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_two_step_payment_for_a_cancelled_order_is_released(
    container, client, shop_owner, gateways
):
    order, payment, remote_id = await _pay_page(
        container, client, shop_owner, gateways, config={"capture": False}
    )
    await client.post(
        f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/cancel",
        json={"reason": "out of time"},
        headers=shop_owner.owner.headers,
    )

    await _notify(client, shop_owner, gateways.yookassa.pay(remote_id))

    assert gateways.yookassa.payments[remote_id]["status"] == "canceled"
    assert (await _payment(client, shop_owner, payment["payment_id"]))["status"] == "canceled"
    ledger = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/orders/{order.id}/ledger",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert ledger["entries"] == []


async def test_staff_refund_and_its_notification(container, client, shop_owner, gateways):
    order, _payment, remote_id = await _pay_page(container, client, shop_owner, gateways)
    await _notify(client, shop_owner, gateways.yookassa.pay(remote_id))

    response = await refund(
        client, shop=shop_owner.shop, staff=shop_owner.owner, order_id=order.id, amount=700
    )

    assert response.status_code == 201, response.text
    method, path, body, headers = gateways.yookassa.requests[-1]
    assert (method, path) == ("POST", "/v3/refunds")
    assert body["payment_id"] == remote_id and body["amount"] == {
        "value": "7.00",
        "currency": "RUB",
    }
    assert headers["idempotence-key"] == response.json()["id"]
    remote_refund = gateways.yookassa.refunds[response.json()["provider_refund_id"]]
    note = gateways.yookassa.notification("refund.succeeded", remote_refund)
    assert (await _notify(client, shop_owner, note)).status_code == 200
    final = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert (final.state, final.amount_refunded) == ("partially_refunded", 700)
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_a_cancelled_payment_and_a_saved_method(container, client, shop_owner, gateways):
    order, payment, remote_id = await _pay_page(container, client, shop_owner, gateways)
    response = await _notify(client, shop_owner, gateways.yookassa.cancel(remote_id))
    assert response.json()["status"] == "processed"
    got = await _payment(client, shop_owner, payment["payment_id"])
    assert (got["status"], got["error"]) == ("canceled", "expired_on_confirmation")
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "pending"

    plan_order, plan_payment, plan_remote = await _pay_page(
        container, client, shop_owner, gateways, kind="plan", recurring=True
    )
    assert gateways.yookassa.requests[-1][2]["save_payment_method"] is True
    await _notify(client, shop_owner, gateways.yookassa.pay(plan_remote))
    assert (
        await get_order(container, shop=shop_owner.shop, order_id=plan_order.id)
    ).state == "paid"
    assert plan_payment["payment_id"]
