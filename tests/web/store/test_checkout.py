"""Buying a plan on the storefront with the sandbox gateway: order, payment, the success page
polling until premium is active, the account page (days left, cancel at period end, undo,
invoice), and what a form without its CSRF token or a stranger's order gets."""

from __future__ import annotations

import uuid

from httpx import AsyncClient

from shopkeeper import bus, orders, subscriptions
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from tests.fakes.smtp import Mailbox
from tests.web.store.support import (
    Lumen,
    buy,
    location,
    press_pay,
    query,
    session_csrf,
    sign_in,
)

EMAIL = "ola@example.com"


async def _subscriptions(
    container: Container, lumen: Lumen
) -> list[subscriptions.SubscriptionRead]:
    async with unit_of_work(container.sessions) as session:
        page = await subscriptions.list_subscriptions(session, shop_id=lumen.shop.id,
                                                      now=container.clock.now())  # fmt: skip
    return page.items


async def _paid_basic(client: AsyncClient, lumen: Lumen, mailbox: Mailbox,
                      container: Container) -> str:  # fmt: skip
    """Sign in, buy Basic, pay on the sandbox page, deliver the events; the order id."""
    await sign_in(client, lumen, mailbox, EMAIL)
    pay_url = location(await buy(client, lumen, lumen.basic))
    back = location(await press_pay(client, pay_url))
    await bus.drain(container)
    return query(back)["order"]


async def test_a_plan_bought_with_the_sandbox_ends_with_premium_active(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox, container: Container
) -> None:
    await sign_in(client, lumen, mailbox, EMAIL)

    bought = await buy(client, lumen, lumen.basic)

    pay_url = location(bought)
    assert pay_url.startswith("/pay/")
    async with unit_of_work(container.sessions) as session:
        [order] = (await orders.list_orders(session, shop_id=lumen.shop.id)).items
    assert (order.state, order.source, order.total, order.currency) == ("pending", "storefront",
                                                                        2900, "PLN")  # fmt: skip
    assert [line.product_id for line in order.lines] == [lumen.basic.id]
    waiting = await client.get(f"{lumen.base}/checkout/success?order={order.id}")
    assert waiting.status_code == 200 and "Czekamy na płatność" in waiting.text
    assert f'hx-get="/s/lumen/checkout/status?order={order.id}"' in waiting.text
    assert 'hx-trigger="every 2s"' in waiting.text

    back = location(await press_pay(client, pay_url))

    assert back == f"http://testserver/s/lumen/checkout/success?order={order.id}"
    paid = await client.get(back)
    assert "Płatność otrzymana, aktywujemy" in paid.text and "hx-trigger" in paid.text
    await bus.drain(container)
    status = await client.get(f"{lumen.base}/checkout/status?order={order.id}")
    assert status.status_code == 200 and "Premium aktywne" in status.text
    assert "hx-trigger" not in status.text and 'data-state="done"' in status.text
    assert "Basic" in status.text and "zostało 31 dni" in status.text
    [sub] = await _subscriptions(container, lumen)
    assert (sub.status, sub.product_id) == ("active", lumen.basic.id)


async def test_the_account_page_shows_the_subscription_and_cancels_it_at_period_end(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox, container: Container
) -> None:
    order_id = await _paid_basic(client, lumen, mailbox, container)
    [sub] = await _subscriptions(container, lumen)

    account = await client.get(f"{lumen.base}/account")

    assert account.status_code == 200
    assert "Basic" in account.text and "Aktywna" in account.text
    assert "zostało 31 dni" in account.text and "Opłacona do 1 lutego 2026" in account.text
    assert f'id="cancel-{sub.id}"' in account.text
    assert f"/s/lumen/account/orders/{order_id}/invoice.pdf" in account.text
    assert "29,00\xa0zł" in account.text and EMAIL in account.text
    csrf = await session_csrf(client, lumen)

    cancelled = await client.post(f"{lumen.base}/account/subscriptions/{sub.id}/cancel",
                                  data={"csrf_token": csrf})  # fmt: skip

    assert location(cancelled) == "/s/lumen/account?done=cancelled"
    page = await client.get(location(cancelled))
    assert "Twoja subskrypcja zakończy się z końcem okresu." in page.text
    assert "Kończy się 1 lutego 2026" in page.text and f'id="resume-{sub.id}"' in page.text
    [after] = await _subscriptions(container, lumen)
    assert after.cancel_at_period_end and after.status == "active"

    resumed = await client.post(f"{lumen.base}/account/subscriptions/{sub.id}/resume",
                                data={"csrf_token": csrf})  # fmt: skip

    assert location(resumed) == "/s/lumen/account?done=resumed"
    [again] = await _subscriptions(container, lumen)
    assert not again.cancel_at_period_end


async def test_a_form_without_the_csrf_token_changes_nothing(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox, container: Container
) -> None:
    await _paid_basic(client, lumen, mailbox, container)
    [sub] = await _subscriptions(container, lumen)
    url = f"{lumen.base}/account/subscriptions/{sub.id}/cancel"

    missing = await client.post(url)
    forged = await client.post(url, data={"csrf_token": "x" * 32})
    by_header = await client.post(url, headers={"X-CSRF-Token": "nope"})
    buying = await client.post(f"{lumen.base}/buy", data={"variant": str(lumen.pro.variants[0].id)})

    assert [r.status_code for r in (missing, forged, by_header, buying)] == [403] * 4
    assert "Formularz wygasł lub nie pochodzi z tego sklepu" in missing.text
    [after] = await _subscriptions(container, lumen)
    assert not after.cancel_at_period_end
    async with unit_of_work(container.sessions) as session:
        assert len((await orders.list_orders(session, shop_id=lumen.shop.id)).items) == 1


async def test_buying_needs_a_signed_in_customer(client: AsyncClient, lumen: Lumen) -> None:
    form = {"variant": str(lumen.basic.variants[0].id)}
    referer = {"Referer": f"http://testserver{lumen.base}/p/basic"}
    anonymous = await client.post(f"{lumen.base}/buy", data=form, headers=referer)

    assert location(anonymous) == "/s/lumen/signin?next=/s/lumen/p/basic"


async def test_the_invoice_is_the_customers_own(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox, container: Container
) -> None:
    order_id = await _paid_basic(client, lumen, mailbox, container)

    pdf = await client.get(f"{lumen.base}/account/orders/{order_id}/invoice.pdf")

    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    client.cookies.clear()  # another person, another browser
    await sign_in(client, lumen, mailbox, "someone.else@example.com")
    stranger = await client.get(f"{lumen.base}/account/orders/{order_id}/invoice.pdf")
    assert stranger.status_code == 404
    status = await client.get(f"{lumen.base}/checkout/success?order={order_id}")
    assert status.status_code == 404
    unknown = await client.get(f"{lumen.base}/checkout/success?order={uuid.uuid4()}")
    assert unknown.status_code == 404


async def test_cancel_page_and_a_failed_payment_offer_to_pay_again(
    client: AsyncClient, lumen: Lumen, mailbox: Mailbox
) -> None:
    await sign_in(client, lumen, mailbox, EMAIL)
    pay_url = location(await buy(client, lumen, lumen.pro))
    failed = location(await press_pay(client, pay_url, "fail"))
    order_id = query(failed)["order"]

    page = await client.get(failed)
    assert (
        "Płatność nie powiodła się" in page.text and 'action="/s/lumen/checkout/retry"' in page.text
    )
    cancel = await client.get(f"{lumen.base}/checkout/cancel?order={order_id}")
    assert cancel.status_code == 200 and "Płatność anulowana" in cancel.text
    csrf = await session_csrf(client, lumen)
    retried = await client.post(f"{lumen.base}/checkout/retry",
                                data={"csrf_token": csrf, "order": order_id})  # fmt: skip
    again = location(retried)
    assert again.startswith("/pay/") and again != pay_url
    second = location(await buy(client, lumen, lumen.pro))
    assert second.startswith("/pay/")
