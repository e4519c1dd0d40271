"""HTTP: settings (settings.manage, audited), the list, staff and signed customer downloads."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

from httpx import AsyncClient
from pypdf import PdfReader

from shopkeeper import audit
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.invoices import invoice_link
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.shops import Role
from tests.builders import shop_with_owner, staff_member
from tests.builders.invoices import configure_invoices, named_customer, paid_order, shop_invoices
from tests.builders.orders import create_sellable, place_order

LEGAL = {
    "legal_name": "Łódzka Palarnia Kawy Sp. z o.o.",
    "address_lines": ["ul. Piotrkowska 104", "90-001 Łódź"],
    "tax_id": "PL7251234567",
    "number_prefix": "FV",
    "footer": "Dziękujemy! Zapłacono kartą.",
}


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


async def test_owner_saves_settings_and_it_is_audited(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    url = f"/api/v1/shops/{shop.slug}/invoices/settings"
    before = await client.get(url, headers=owner.headers)
    assert before.status_code == 200 and before.json()["configured"] is False

    saved = await client.put(url, json=LEGAL, headers=owner.headers)
    assert saved.status_code == 200, saved.text
    assert (await client.get(url, headers=owner.headers)).json() | {"updated_at": None} == {
        **LEGAL, "configured": True, "updated_at": None,
    }  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        entries = (await audit.list_entries(session, shop_id=shop.id)).items
    [entry] = [e for e in entries if e.action == "invoices.settings_updated"]
    assert entry.after is not None and entry.after["tax_id"] == LEGAL["tax_id"]


async def test_settings_need_settings_manage_and_valid_input(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    manager = await staff_member(container, client, shop=shop, role=Role.MANAGER)
    url = f"/api/v1/shops/{shop.slug}/invoices/settings"
    assert (await client.put(url, json=LEGAL, headers=manager.headers)).status_code == 403
    assert (await client.get(url, headers=manager.headers)).status_code == 403
    bad = await client.put(url, json={**LEGAL, "number_prefix": "F V/"}, headers=owner.headers)
    assert bad.status_code == 422
    _, stranger = await shop_with_owner(container, client)
    assert (await client.get(url, headers=stranger.headers)).status_code == 404


async def test_staff_download_the_pdf_of_a_paid_order(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client, currency="PLN", languages=("pl",))
    await configure_invoices(container, shop=shop, **LEGAL)
    customer = await named_customer(container, shop=shop, name="Zażółć Gęślą")
    order = await paid_order(
        container, shop=shop, price=4999, name="Kawa ziarnista — 1 kg", customer_id=customer.id
    )
    cashier = await staff_member(container, client, shop=shop, role=Role.CASHIER)

    url = f"/api/v1/shops/{shop.slug}/orders/{order.id}/invoice.pdf"
    response = await client.get(url, headers=cashier.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        order.number,
        LEGAL["legal_name"],
        "Faktura VAT",
        "FV/2026/000001",
        "Kawa ziarnista — 1 kg",
        "Zażółć Gęślą",
        "49,99",
        "ul. Piotrkowska 104",
    ):
        assert expected in text, expected  # fmt: skip
    again = await client.get(url, headers=owner.headers)
    assert again.content == response.content  # rendered from the frozen snapshot alone


async def test_a_russian_shop_prints_cyrillic_labels_and_names(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client, currency="RUB", languages=("ru",))
    await configure_invoices(container, shop=shop, legal_name="ООО «Ёлка»", tax_id="7707083893")
    order = await paid_order(container, shop=shop, price=150000, name="Чай улун", tax_rate_bp=2000)

    url = f"/api/v1/shops/{shop.slug}/orders/{order.id}/invoice.pdf"
    text = pdf_text((await client.get(url, headers=owner.headers)).content)
    for expected in ("Счёт-фактура", "ООО «Ёлка»", "Чай улун", "ИНН: 7707083893", "1 500,00"):
        assert expected in text, expected


async def test_no_pdf_before_payment_nor_across_shops(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    product = await create_sellable(container, shop=shop)
    pending = await place_order(container, shop=shop, items=[(product, 1)])
    paid = await paid_order(container, shop=shop)
    other, stranger = await shop_with_owner(container, client)

    async def status(path: str, staff_headers: dict[str, str]) -> int:
        return (await client.get(path, headers=staff_headers)).status_code

    base = f"/api/v1/shops/{shop.slug}/orders"
    unpaid = await client.get(f"{base}/{pending.id}/invoice.pdf", headers=owner.headers)
    assert unpaid.json()["error"] == "InvoiceNotFound"
    assert await status(f"{base}/{uuid.uuid4()}/invoice.pdf", owner.headers) == 404
    assert await status(f"{base}/{paid.id}/invoice.pdf", stranger.headers) == 404
    foreign = f"/api/v1/shops/{other.slug}/orders/{paid.id}/invoice.pdf"
    assert (await client.get(foreign, headers=stranger.headers)).status_code == 404
    listed = await client.get(f"/api/v1/shops/{other.slug}/invoices", headers=stranger.headers)
    assert listed.json()["total"] == 0


async def test_the_list_shows_newest_first(client: AsyncClient, container: Container) -> None:
    shop, owner = await shop_with_owner(container, client)
    first = await paid_order(container, shop=shop)
    second = await paid_order(container, shop=shop)

    response = await client.get(f"/api/v1/shops/{shop.slug}/invoices", headers=owner.headers)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 2
    assert [i["order_id"] for i in body["items"]] == [str(second.id), str(first.id)]
    one = await client.get(
        f"/api/v1/shops/{shop.slug}/invoices/{body['items'][0]['id']}", headers=owner.headers
    )
    assert one.json()["snapshot"]["order_number"] == second.number


async def test_a_customer_downloads_through_a_signed_expiring_link(
    client: AsyncClient, container: Container, clock: FrozenClock
) -> None:
    shop, _ = await shop_with_owner(container, client)
    order = await paid_order(container, shop=shop)
    [invoice] = await shop_invoices(container, shop=shop)
    settings = container.settings
    link = invoice_link(settings, invoice.id, clock.now() + timedelta(hours=1))

    response = await client.get(link)
    assert response.status_code == 200
    assert order.number in pdf_text(response.content)
    token = link.split("token=", 1)[1]
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert (await client.get(f"/invoices/{invoice.id}.pdf?token={forged}")).status_code == 403
    assert (await client.get(f"/invoices/{invoice.id}.pdf")).status_code == 403
    assert (await client.get(f"/invoices/{invoice.id}.pdf?token=x.y")).status_code == 403
    other_id = uuid.uuid4()
    assert (await client.get(f"/invoices/{other_id}.pdf?token={token}")).status_code == 403
    unknown = invoice_link(settings, other_id, clock.now() + timedelta(hours=1))
    assert (await client.get(unknown)).status_code == 404
    clock.advance(hours=1)
    expired = await client.get(link)
    assert expired.status_code == 403 and expired.json()["error"] == "InvalidInvoiceLink"
