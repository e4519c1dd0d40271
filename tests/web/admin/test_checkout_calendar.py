"""The admin's delivery calendar page: the calendar's state (not configured, answering, paused
after failures), the dated methods with their codes, the days a method offers at a postal code
(in the reader's language) and what is wrong with a check; every role reads it (checkout.read),
only checkout.write is led on to change methods; other shops are 404."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.cache import cache_store
from shopkeeper.checkout.shipping import CalendarClient
from shopkeeper.checkout.shipping.deps import CALENDAR_EXTRA
from shopkeeper.shops import ShopRead
from tests.builders import shop_with_owner, staff_member
from tests.builders.shipping import create_shipping_method
from tests.fakes.delivery_calendar import FakeCalendar, fake_calendar
from tests.web.admin.support import HOSTILE, field_error
from tests.web.seed import sign_in

__all__ = ["fake_calendar"]


def url(shop: ShopRead) -> str:
    return f"/admin/s/{shop.slug}/checkout/calendar"


async def _shop(container: Container, client: AsyncClient) -> ShopRead:
    shop, owner = await shop_with_owner(container, client, currency="PLN", timezone="Europe/Warsaw")
    await create_shipping_method(
        container,
        shop=shop,
        code="dated",
        name=f"Courier {HOSTILE}",
        requires_delivery_date=True,
        calendar_code="DPD-STD",
    )
    await create_shipping_method(
        container, shop=shop, code="locker", kind="parcel_locker", name="Locker"
    )
    await sign_in(client, owner.user.email)
    return shop


def _use(container: Container, base_url: str | None, **options: int) -> CalendarClient:
    calendar = CalendarClient(base_url, cache_store(container), **options)  # type: ignore[arg-type]
    container.extras[CALENDAR_EXTRA] = calendar
    container.closers.append(calendar.close)
    return calendar


async def test_without_a_calendar_the_page_says_so_and_lists_the_dated_methods(
    container: Container, client: AsyncClient
) -> None:
    shop = await _shop(container, client)
    _use(container, None)
    page = await client.get(url(shop))
    assert page.status_code == 200 and "Not configured" in page.text
    assert "DPD-STD" in page.text and HOSTILE not in page.text and "&lt;script&gt;" in page.text
    assert "Locker" not in page.text  # not a dated method
    checked = await client.get(
        url(shop),
        params={"check": "1", "method": "dated", "country": "PL", "postal_code": "00-950"},
    )
    assert "No delivery calendar is configured on this server." in checked.text


async def test_the_days_a_method_offers_are_shown_and_mistakes_by_field(
    container: Container, client: AsyncClient, fake_calendar: FakeCalendar
) -> None:
    shop = await _shop(container, client)
    _use(container, fake_calendar.url, failure_threshold=2)
    page = await client.get(url(shop))
    assert "Answering" in page.text and "14 days ahead" in page.text

    found = await client.get(
        url(shop), params={"check": "1", "method": "dated", "country": "pl", "postal_code": "00950"}
    )
    assert "days offered:" in found.text and "morning, evening" in found.text
    assert fake_calendar.calls[-1]["postal_code"] == "00-950"
    polish = await client.get(
        url(shop),
        params={"check": "1", "method": "dated", "country": "PL", "postal_code": "00-950"},
        headers={"Accept-Language": "pl"},
    )
    assert "poniedziałek" in polish.text or "wtorek" in polish.text

    bad = await client.get(
        url(shop), params={"check": "1", "method": "dated", "country": "PL", "postal_code": "ABC"}
    )
    assert field_error(bad, "f-postal_code") == "This is not a postal code of that country."
    assert 'value="ABC"' in bad.text
    undated = await client.get(
        url(shop),
        params={"check": "1", "method": "locker", "country": "PL", "postal_code": "00950"},
    )
    assert "This method has no delivery date to choose." in undated.text
    empty = await client.get(url(shop), params={"check": "1", "method": "dated", "country": "PL"})
    assert field_error(empty, "f-postal_code") == "Enter a postal code."

    fake_calendar.mode = "fail"
    for code in ("01-001", "02-002"):
        failed = await client.get(
            url(shop),
            params={"check": "1", "method": "dated", "country": "PL", "postal_code": code},
        )
        assert "The calendar answered with an error." in failed.text
    assert "Paused" in (await client.get(url(shop))).text


async def test_every_role_with_checkout_read_sees_it_and_others_do_not(
    container: Container, client: AsyncClient
) -> None:
    shop = await _shop(container, client)
    _use(container, None)
    assert (
        "/checkout/calendar" in (await client.get(f"/admin/s/{shop.slug}/checkout/shipping")).text
    )
    other, _other_owner = await shop_with_owner(container, client)
    assert (await client.get(url(other))).status_code == 404
    for role in ("manager", "cashier", "viewer"):
        member = await staff_member(container, client, shop=shop, role=role)
        client.cookies.clear()
        await sign_in(client, member.user.email)
        page = await client.get(url(shop))  # every role reads checkout settings
        assert page.status_code == 200 and "DPD-STD" in page.text, role
        assert (">Shipping methods</a></p>" in page.text) == (role == "manager"), role
