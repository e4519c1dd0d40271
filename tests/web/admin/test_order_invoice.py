"""An order's invoice from the admin: downloaded as a PDF, and sent to the customer again by
email with a link that opens the same PDF without signing in; a form sent twice sends once,
an order without a customer or an invoice is refused with nothing sent."""

from __future__ import annotations

import re

from httpx import AsyncClient

from shopkeeper import audit
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from tests.builders import shop_with_owner, staff_member
from tests.builders.orders import create_sellable, place_order
from tests.fakes.smtp import Mailbox
from tests.notifications.test_payment_messages import _customer, mail_client, mailbox, mailing
from tests.web.admin.orders_support import hidden_fields, order_url, post_form, sandbox_paid
from tests.web.seed import sign_in

__all__ = ["mail_client", "mailbox", "mailing"]


async def test_a_cashier_downloads_the_invoice_and_sends_it_again_once_per_press(
    mailing: Container, mail_client: AsyncClient, mailbox: Mailbox
) -> None:
    client = mail_client
    shop, owner = await shop_with_owner(mailing, client, name="Zagadka")
    customer = await _customer(mailing, shop, "email", "ola@example.com", language="pl")
    order = await sandbox_paid(mailing, client, shop=shop, owner=owner, customer_id=customer.id)
    cashier = await staff_member(mailing, client, shop=shop, role="cashier")
    await sign_in(client, cashier.user.email)

    page = await client.get(order_url(shop, order))
    number = re.search(r"<strong>([^<]+/\d{4}/\d{6})</strong>", page.text)
    assert number, "the page names the invoice"
    pdf = await client.get(order_url(shop, order, "/invoice.pdf"))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert number[1].replace("/", "-") + ".pdf" in pdf.headers["content-disposition"]

    before = len(mailbox.to("ola@example.com"))  # the payment confirmation
    form = hidden_fields(page.text, order_url(shop, order, "/invoice/send"))
    sent = await client.post(order_url(shop, order, "/invoice/send"), data=form)
    assert sent.status_code == 303
    again = await client.post(order_url(shop, order, "/invoice/send"), data=form)  # twice
    assert again.status_code == 303
    shown = await client.get(order_url(shop, order))
    assert "The invoice was sent to the customer." in shown.text
    mails = mailbox.to("ola@example.com")[before:]
    assert len(mails) == 1
    assert mails[0]["Subject"] == f"Zagadka: Faktura {number[1]} do zamówienia {order.number}"
    text = mails[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = re.search(r"(/invoices/[0-9a-f-]+\.pdf\?token=[0-9]+\.[0-9a-f]+)", text)
    assert link, text
    client.cookies.clear()  # the customer is nobody signed in
    download = await client.get(link[1])
    assert download.status_code == 200 and download.content == pdf.content

    async with unit_of_work(mailing.sessions) as session:
        log = await audit.list_entries(session, shop_id=shop.id, limit=50)
    sends = [e for e in log.items if e.action == "order.invoice_sent"]
    assert len(sends) == 1 and sends[0].after == {
        "invoice": number[1], "channel": "email", "status": "sent",
    }  # fmt: skip


async def test_no_invoice_without_payment_and_none_sent_without_a_customer(
    mailing: Container, mail_client: AsyncClient, mailbox: Mailbox
) -> None:
    client = mail_client
    shop, owner = await shop_with_owner(mailing, client)
    nobodys = await sandbox_paid(mailing, client, shop=shop, owner=owner)
    lamp = await create_sellable(mailing, shop=shop, price=900)
    customer = await _customer(mailing, shop, "email", "jan@example.com")
    unpaid = await place_order(mailing, shop=shop, items=[(lamp, 1)], customer_id=customer.id)
    await sign_in(client, owner.user.email)

    page = await client.get(order_url(shop, nobodys))
    assert "Download PDF" in page.text and "Send to the customer again" not in page.text
    key = "5f0c8a2e-8b1f-4c57-9d7e-0a4b2b1f3c11"
    refused = await post_form(client, shop, nobodys, "invoice/send", request_key=key)
    assert refused.status_code == 409 and "no customer" in refused.text

    waiting = await client.get(order_url(shop, unpaid))
    assert "The invoice is issued when the order is paid." in waiting.text
    assert (await client.get(order_url(shop, unpaid, "/invoice.pdf"))).status_code == 404
    missing = await post_form(client, shop, unpaid, "invoice/send", request_key=key)
    assert missing.status_code == 404
    assert mailbox.to("jan@example.com") == []


async def test_the_api_sends_the_invoice_once_per_idempotency_key(
    mailing: Container, mail_client: AsyncClient, mailbox: Mailbox
) -> None:
    client = mail_client
    shop, owner = await shop_with_owner(mailing, client, name="Zagadka")
    customer = await _customer(mailing, shop, "email", "eve@example.com")
    order = await sandbox_paid(mailing, client, shop=shop, owner=owner, customer_id=customer.id)
    viewer = await staff_member(mailing, client, shop=shop, role="viewer")
    url = f"/api/v1/shops/{shop.slug}/notifications/invoices/{order.id}"
    key = {"Idempotency-Key": "0b6f7f9e-3c1d-4e5a-8f2b-6d7c8e9f0a1b"}
    before = len(mailbox.to("eve@example.com"))

    first = await client.post(url, headers={**owner.headers, **key})
    again = await client.post(url, headers={**owner.headers, **key})
    assert first.status_code == again.status_code == 201, first.text
    assert first.json()["id"] == again.json()["id"] and first.json()["status"] == "sent"
    assert first.json()["purpose"] == "order.invoice"
    assert (await client.post(url, headers=owner.headers)).status_code == 422
    bad = await client.post(url, headers={**owner.headers, "Idempotency-Key": "x"})
    assert bad.status_code == 422
    assert (await client.post(url, headers={**viewer.headers, **key})).status_code == 403
    assert len(mailbox.to("eve@example.com")) == before + 1
