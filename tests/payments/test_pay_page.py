"""The sandbox's hosted page: GET shows the payment, POST Pay/Fail (CSRF-bound) settles it."""

from __future__ import annotations

import re

from httpx import AsyncClient, Response

from shopkeeper.payments.models import WebhookEvent
from tests.builders.payments import assert_ledger_balanced, get_order, pending_order, start
from tests.payments.conftest import ShopOwner


async def _open(container, client: AsyncClient, so: ShopOwner, **extra):  # type: ignore[no-untyped-def]
    order = await pending_order(container, shop=so.shop, price=4250)
    payment = await start(client, shop=so.shop, staff=so.owner, order_id=order.id, **extra)
    page = await client.get(f"/pay/{payment['payment_id']}")
    return order, payment, page


def _csrf(page: Response) -> tuple[str, str]:
    """The form's token and the cookie the page set (sent back by hand: it is Secure)."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    cookie = page.headers["set-cookie"]
    assert token is not None
    return token.group(1), cookie.split(";", 1)[0]


async def _press(
    client: AsyncClient, payment_id: str, outcome: str, token: str, cookie: str
) -> Response:
    return await client.post(
        f"/pay/{payment_id}",
        data={"outcome": outcome, "csrf_token": token},
        headers={"Cookie": cookie},
    )


async def test_the_page_shows_the_payment_and_pay_marks_the_order_paid(
    container, client, shop_owner
):
    order, payment, page = await _open(container, client, shop_owner)

    assert page.status_code == 200
    assert "€42.50" in page.text and order.number in page.text and shop_owner.shop.name in page.text
    assert 'id="pay-button"' in page.text and 'id="fail-button"' in page.text
    cookie = page.headers["set-cookie"].lower()
    assert (
        "httponly" in cookie
        and "samesite=strict" in cookie
        and f"path=/pay/{payment['payment_id']}" in cookie
    )
    assert page.headers["x-frame-options"] == "DENY"
    token, jar = _csrf(page)

    pressed = await _press(client, payment["payment_id"], "pay", token, jar)

    assert pressed.status_code == 303
    assert pressed.headers["location"] == f"/pay/{payment['payment_id']}/done"
    paid = await get_order(container, shop=shop_owner.shop, order_id=order.id)
    assert paid.state == "paid" and paid.amount_paid == 4250
    done = await client.get(pressed.headers["location"])
    assert done.status_code == 200 and "Payment received" in done.text
    again = await client.get(f"/pay/{payment['payment_id']}")
    assert 'id="pay-button"' not in again.text
    await assert_ledger_balanced(container, shop=shop_owner.shop)


async def test_the_press_goes_through_the_signed_webhook_path(container, client, shop_owner):
    from sqlalchemy import select

    from shopkeeper.db import unit_of_work

    _order, payment, page = await _open(container, client, shop_owner)
    await _press(client, payment["payment_id"], "pay", *_csrf(page))

    async with unit_of_work(container.sessions) as session:
        rows = list(await session.scalars(select(WebhookEvent)))
    assert len(rows) == 1 and rows[0].verified and rows[0].status == "processed"
    assert rows[0].provider == "sandbox" and rows[0].headers["sandbox-signature"].startswith("t=")
    assert b'"type":"payment.succeeded"' in rows[0].body


async def test_fail_leaves_the_order_pending_and_offers_a_retry(container, client, shop_owner):
    order, payment, page = await _open(
        container, client, shop_owner, return_url="https://lumen.example/thanks"
    )
    token, jar = _csrf(page)
    assert "form-action 'self' https://lumen.example" in page.headers["content-security-policy"]

    pressed = await _press(client, payment["payment_id"], "fail", token, jar)

    assert (
        pressed.status_code == 303 and pressed.headers["location"] == "https://lumen.example/thanks"
    )
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "pending"
    got = (
        await client.get(
            f"/api/v1/shops/{shop_owner.shop.slug}/payments/{payment['payment_id']}",
            headers=shop_owner.owner.headers,
        )
    ).json()
    assert got["status"] == "failed"
    retry = await client.get(f"/pay/{payment['payment_id']}")
    assert 'id="pay-button"' in retry.text
    token, jar = _csrf(retry)
    await _press(client, payment["payment_id"], "pay", token, jar)
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "paid"


async def test_a_post_without_the_bound_token_changes_nothing(container, client, shop_owner):
    order, payment, page = await _open(container, client, shop_owner)
    token, _jar = _csrf(page)
    _other_order, _other, other_page = await _open(container, client, shop_owner)
    other_token, other_jar = _csrf(other_page)

    attempts = [
        await client.post(f"/pay/{payment['payment_id']}", data={"outcome": "pay"}),
        await _press(client, payment["payment_id"], "pay", token, "sk_pay_csrf=forged.value"),
        await _press(
            client, payment["payment_id"], "pay", other_token, other_jar
        ),  # another payment's
    ]

    assert [a.status_code for a in attempts] == [403, 403, 403]
    assert "expired" in attempts[0].text
    assert (await get_order(container, shop=shop_owner.shop, order_id=order.id)).state == "pending"


async def test_unknown_or_non_sandbox_payments_have_no_page(container, client, shop_owner):
    import uuid

    missing = await client.get(f"/pay/{uuid.uuid4()}")
    assert missing.status_code == 404 and "Payment not found" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
