"""The storefront's checkout steps as a browser without JavaScript goes through them:
delivery (methods with prices and reasons, the address with errors beside its fields, the
calendar's days, Sunday delivery, a calendar that is down), extras, payment, details with
consents, the summary's totals and what is missing, finalising to the sandbox's page and back
to a confirmation page showing the order paid."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from httpx import AsyncClient, Response

from shopkeeper import bus
from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from tests.conftest import make_settings
from tests.fakes.delivery_calendar import FakeCalendar, fake_calendar
from tests.web.store.checkout_support import (
    ADDRESS,
    Dom,
    add_to_cart,
    form_post,
    open_dom,
    text_of,
)
from tests.web.store.support import location, press_pay

__all__ = ["fake_calendar"]


@pytest.fixture
def settings(database_url: str, fake_calendar: FakeCalendar) -> Settings:
    return make_settings(database_url, delivery_calendar_url=fake_calendar.url)


@pytest.fixture
async def dom(container: Container, client: AsyncClient) -> AsyncIterator[Dom]:
    yield await open_dom(container, client)


async def _page(client: AsyncClient, dom: Dom, step: str) -> Response:
    page = await client.get(f"{dom.base}/checkout/{step}")
    assert page.status_code == 200, page.text
    return page


async def _post(client: AsyncClient, dom: Dom, step: str, path: str,
                data: dict[str, str] | None = None) -> Response:  # fmt: skip
    return await form_post(client, await _page(client, dom, step), f"{dom.base}{path}", data)


async def _courier_on(client: AsyncClient, dom: Dom, day: str | None = None,
                      addons: list[str] | None = None) -> Response:  # fmt: skip
    """Courier, the address, and a day (the first offered unless given)."""
    assert (await _post(client, dom, "delivery", "/checkout/delivery/method",
                        {"method": "courier"})).status_code == 303  # fmt: skip
    assert (await _post(client, dom, "delivery", "/checkout/delivery/address",
                        ADDRESS)).status_code == 303  # fmt: skip
    page = await _page(client, dom, "delivery")
    days = re.findall(r'name="day" value="([0-9-]{10})"', page.text)
    body: dict[str, object] = {"day": day or days[0], "addon": addons or []}
    return await form_post(client, page, f"{dom.base}/checkout/delivery/date", body)


async def test_delivery_methods_show_prices_and_why_one_cannot_carry_the_cart(
    client: AsyncClient, dom: Dom
) -> None:
    await add_to_cart(client, dom, dom.fridge)

    page = await _page(client, dom, "delivery")

    locker = page.text.split('data-method="locker"', 1)[1].split('data-method="courier"', 1)[0]
    assert "disabled" in locker
    assert "Your cart is too heavy for this method." in locker
    assert "An item is too large for this method." in locker
    courier = page.text.split('data-method="courier"', 1)[1]
    assert "PLN25.00" in courier and "Cash on delivery possible" in courier
    locker_form = {"method": "locker"}
    refused = await _post(client, dom, "delivery", "/checkout/delivery/method", locker_form)
    assert refused.status_code == 422
    assert text_of(refused.text, "method-error") == "This delivery method cannot carry your cart."


async def test_the_address_form_shows_each_error_beside_its_field(
    client: AsyncClient, dom: Dom
) -> None:
    await add_to_cart(client, dom, dom.lamp)
    wrong = {**ADDRESS, "name": " ", "postal_code": "123", "phone": "600"}

    refused = await _post(client, dom, "delivery", "/checkout/delivery/address", wrong)

    assert refused.status_code == 422
    assert text_of(refused.text, "address-postal_code-error") == (
        "Enter the postal code as in 00-950.")  # fmt: skip
    assert text_of(refused.text, "address-name-error") == "Fill in this field."
    assert "+48 600 100 200" in text_of(refused.text, "address-phone-error")
    assert 'value="123"' in refused.text and 'value="Marszałkowska 1"' in refused.text
    assert 'aria-describedby="address-postal_code-error"' in refused.text
    polish = await client.post(f"{dom.base}/checkout/delivery/address?lang=pl", data={
        **wrong, "csrf_token": re.findall(r'name="csrf_token" value="([^"]+)"',
                                          refused.text)[0]})  # fmt: skip
    assert "Wpisz kod pocztowy jak w 00-950." in polish.text

    saved = await _post(client, dom, "delivery", "/checkout/delivery/address", ADDRESS)
    assert saved.status_code == 303
    page = await _page(client, dom, "delivery")
    assert 'value="00-950"' in page.text


async def test_a_dated_method_offers_the_calendar_days_and_sunday_delivery_on_sundays(
    client: AsyncClient, dom: Dom
) -> None:
    await add_to_cart(client, dom, dom.lamp)
    page = await _page(client, dom, "delivery")
    assert "Give the delivery address to see the delivery days." not in page.text

    weekday = await _courier_on(client, dom, "2026-01-05", ["sunday"])  # a Monday

    assert weekday.status_code == 422
    assert text_of(weekday.text, "date-error") == (
        "This add-on is not available for the chosen method or day.")  # fmt: skip
    page = await _page(client, dom, "delivery")
    assert 'value="2026-01-03"' not in page.text  # Saturdays are closed
    assert "Sunday, 4 January" in page.text
    sunday = await _courier_on(client, dom, "2026-01-04", ["sunday"])
    assert sunday.status_code == 303
    page = await _page(client, dom, "delivery")
    assert "Chosen: Sunday, 4 January" in page.text
    # 100.00 − 10 % (Lamp week) + 25.00 courier + 15.00 Sunday
    assert text_of(page.text, "total-shipping") == "PLN40.00"
    assert text_of(page.text, "total-total") == "PLN130.00"


async def test_a_calendar_that_is_down_is_said_so_and_the_method_stays(
    client: AsyncClient, dom: Dom, fake_calendar: FakeCalendar
) -> None:
    await add_to_cart(client, dom, dom.lamp)
    fake_calendar.mode = "fail"

    await _post(client, dom, "delivery", "/checkout/delivery/method", {"method": "courier"})
    await _post(client, dom, "delivery", "/checkout/delivery/address", ADDRESS)
    page = await _page(client, dom, "delivery")

    assert "The delivery calendar is unavailable right now" in text_of(page.text, "calendar-note")
    assert 'id="method-courier" value="courier" checked' in page.text
    assert 'name="day"' not in page.text


async def test_extras_add_services_and_a_warranty_to_their_lines(
    client: AsyncClient, dom: Dom
) -> None:
    await add_to_cart(client, dom, dom.fridge)
    await add_to_cart(client, dom, dom.lamp)
    page = await _page(client, dom, "extras")
    fridge = page.text.split('data-line="', 1)[1]
    assert "Carrying in" in fridge and "Fridge warranty" in fridge
    assert "No extras for this product." in page.text  # the lamp

    forms = re.findall(r'<form method="post" action="/s/dom/checkout/extras/add">(.*?)</form>',
                       page.text, re.S)  # fmt: skip
    assert len(forms) == 3  # carrying in, the warranty, gift wrap
    for form in forms:
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
        added = await form_post(client, await _page(client, dom, "extras"),
                                f"{dom.base}/checkout/extras/add", fields)  # fmt: skip
        assert added.status_code == 303, added.text

    page = await _page(client, dom, "extras")
    assert page.text.count(">Added<") == 3
    # 2,500.00 + 100.00 − 10.00 + 49.00 carrying in + 199.00 warranty + 9.00 gift wrap
    assert text_of(page.text, "total-total") == "PLN2,847.00"
    warranty = dict(re.findall(r'name="(\w+)" value="([^"]*)"', forms[1]))
    twice = await form_post(client, page, f"{dom.base}/checkout/extras/add", warranty)
    assert twice.status_code == 409 and "This item already has a warranty." in twice.text


async def test_payment_methods_follow_the_delivery_method(client: AsyncClient, dom: Dom) -> None:
    await add_to_cart(client, dom, dom.lamp)
    await _post(client, dom, "delivery", "/checkout/delivery/method", {"method": "locker"})

    page = await _page(client, dom, "payment")

    cod = page.text.split('data-payment="cod"', 1)[1]
    assert "disabled" in cod.split("</div>", 1)[0]
    assert "The chosen delivery method does not collect cash." in cod
    refused = await _post(client, dom, "payment", "/checkout/payment", {"method": "cod"})
    assert refused.status_code == 422
    assert "This payment method is not available for this order." in refused.text
    chosen = await _post(client, dom, "payment", "/checkout/payment", {"method": "sandbox"})
    assert location(chosen) == "/s/dom/checkout/details"
    assert 'id="payment-sandbox" value="sandbox" checked' in (
        await _page(client, dom, "payment")).text  # fmt: skip


async def test_details_show_errors_and_need_the_required_consent(
    client: AsyncClient, dom: Dom
) -> None:
    await add_to_cart(client, dom, dom.lamp)
    wrong = {"email": "ola@", "phone": "12", "name": "Ola", "want_invoice": "1",
             "invoice_company": "Nowak sp. z o.o.", "invoice_tax_id": "1234567890",
             "invoice_street": "Prosta 1", "invoice_postal_code": "00-950",
             "invoice_city": "Warszawa", "invoice_country": "PL"}  # fmt: skip
    page = await _page(client, dom, "details")
    terms = re.search(r'name="consent_version:terms" value="([^"]+)"', page.text)
    assert terms and "I accept the terms of sale." in page.text

    refused = await form_post(client, page, f"{dom.base}/checkout/details", wrong)

    assert refused.status_code == 422
    assert text_of(refused.text, "f-email-error") == "Enter a valid email address."
    assert "country code" in text_of(refused.text, "f-phone-error")
    assert "NIP" in text_of(refused.text, "f-invoice_tax_id-error")
    right = {**wrong, "email": "ola@example.com", "phone": "+48 600 100 200",
             "invoice_tax_id": "5260250274", "consent_version:terms": terms.group(1)}  # fmt: skip
    unticked = await form_post(client, page, f"{dom.base}/checkout/details", right)
    assert unticked.status_code == 422
    assert text_of(unticked.text, "consent-terms-error") == "Accept this to place the order."

    saved = await form_post(client, page, f"{dom.base}/checkout/details",
                            {**right, "consent:terms": "yes"})  # fmt: skip
    assert location(saved) == "/s/dom/checkout/summary"
    again = await _page(client, dom, "details")
    assert 'value="ola@example.com"' in again.text and 'id="consent-terms"' in again.text
    assert re.search(r'id="consent-terms" name="consent:terms" value="yes" checked', again.text)


async def test_the_summary_lists_what_is_missing_with_links(client: AsyncClient, dom: Dom) -> None:
    await add_to_cart(client, dom, dom.lamp)

    page = await _page(client, dom, "summary")

    missing = page.text.split('id="missing"', 1)[1].split("</div>", 1)[0]
    for link in ("/checkout/delivery#methods", "/checkout/delivery#address", "/checkout/payment",
                 "/checkout/details", "/checkout/details#consents"):  # fmt: skip
        assert f'href="/s/dom{link}"' in missing
    assert 'id="finalize"' not in page.text


async def _ready(client: AsyncClient, dom: Dom, method: str = "sandbox") -> Response:
    """Three items, courier on a day, `method`, details and the terms: the summary page."""
    await add_to_cart(client, dom, dom.lamp, quantity=2)
    await add_to_cart(client, dom, dom.fridge)
    assert (await _courier_on(client, dom)).status_code == 303
    await _post(client, dom, "payment", "/checkout/payment", {"method": method})
    page = await _page(client, dom, "details")
    version = re.findall(r'name="consent_version:terms" value="([^"]+)"', page.text)[0]
    saved = await form_post(client, page, f"{dom.base}/checkout/details", {
        "email": "ola@example.com", "phone": "+48600100200", "name": "Ola Nowak",
        "consent_version:terms": version, "consent:terms": "yes"})  # fmt: skip
    assert saved.status_code == 303, saved.text
    return await _page(client, dom, "summary")


async def test_finalising_goes_to_the_sandbox_and_back_to_a_paid_confirmation(
    client: AsyncClient, dom: Dom, container: Container
) -> None:
    summary = await _ready(client, dom)
    # 2 × 100.00 − 10 % + 2,500.00 fridge + 25.00 courier
    assert text_of(summary.text, "total-total") == "PLN2,705.00"
    assert "Lamp week" in summary.text and "ola@example.com" in summary.text

    finalised = await form_post(client, summary, f"{dom.base}/checkout/finalize", {
        "cart_id": re.findall(r'name="cart_id" value="([^"]+)"', summary.text)[0],
        "expected_total": "270500"})  # fmt: skip

    pay_url = location(finalised)
    assert "/pay/" in pay_url
    placed = next(h for h in finalised.headers.get_list("set-cookie") if h.startswith("sk_placed"))
    assert "HttpOnly" in placed
    back = location(await press_pay(client, pay_url))
    assert "/s/dom/checkout/confirmation/" in back
    await bus.drain(container)
    page = await client.get(back)
    assert page.status_code == 200
    assert re.search(r"Order number: \S+", text_of(page.text, "order-number"))
    assert text_of(page.text, "payment-state") == "Paid"
    assert 'data-status="paid"' in page.text and "hx-trigger" not in page.text
    assert text_of(page.text, "order-total") == "PLN2,705.00"
    assert 'id="cart-empty"' in (await client.get(f"{dom.base}/cart")).text  # a new cart next

    client.cookies.clear()  # someone else with the link sees nothing
    assert (await client.get(back)).status_code == 404


async def test_a_changed_total_is_shown_before_anything_is_ordered(
    client: AsyncClient, dom: Dom
) -> None:
    summary = await _ready(client, dom)

    refused = await form_post(client, summary, f"{dom.base}/checkout/finalize", {
        "cart_id": re.findall(r'name="cart_id" value="([^"]+)"', summary.text)[0],
        "expected_total": "100"})  # fmt: skip

    assert refused.status_code == 409
    assert "The total has changed since you saw it" in text_of(refused.text, "summary-error")
    assert 'id="finalize"' in refused.text


async def _finalise(client: AsyncClient, dom: Dom, summary: Response) -> Response:
    total = re.findall(r'name="expected_total" value="(\d+)"', summary.text)[0]
    return await form_post(client, summary, f"{dom.base}/checkout/finalize", {
        "cart_id": re.findall(r'name="cart_id" value="([^"]+)"', summary.text)[0],
        "expected_total": total})  # fmt: skip


async def test_a_failed_payment_says_so_and_the_cart_can_be_ordered_again(
    client: AsyncClient, dom: Dom, container: Container
) -> None:
    pay_url = location(await _finalise(client, dom, await _ready(client, dom)))

    back = location(await press_pay(client, pay_url, outcome="fail"))
    await bus.drain(container)

    page = await client.get(back)
    assert text_of(page.text, "payment-state") == "Failed"
    assert 'href="/s/dom/checkout/summary"' in page.text
    summary = await _page(client, dom, "summary")  # the cart is open again, as it was
    assert text_of(summary.text, "total-total") == "PLN2,705.00" and 'id="finalize"' in summary.text
    again = await _finalise(client, dom, summary)
    assert "/pay/" in location(again)


async def test_cash_on_delivery_goes_straight_to_the_confirmation(
    client: AsyncClient, dom: Dom
) -> None:
    finalised = await _finalise(client, dom, await _ready(client, dom, method="cod"))

    page = await client.get(location(finalised))

    assert text_of(page.text, "payment-state") == "Cash on delivery"
    assert "Thank you! Your order is placed." in page.text
