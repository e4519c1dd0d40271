"""Customers in a real browser: found by typing part of a phone number's start without
pressing a key more (HTMX), opened, tagged and given a note; the keyboard reaches the search
first. Screenshots: test-results/screenshots/admin-customer*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from tests.builders.orders import create_sellable, place_order
from tests.web.seed import PASSWORD, World

pytestmark = pytest.mark.browser


async def test_staff_find_a_customer_tag_them_and_leave_a_note(
    browser: Browser, live_server: str, world: World, container: Container, screenshots: Path
) -> None:
    owner = await world.user("cezary@customers.example")
    shop = await world.shop("lumen", owner=owner, name="Lumen")
    async with unit_of_work(container.sessions) as session:
        for kind, value, name in (("phone", "+48600100200", "Jan Kowalski"),
                                  ("email", "ola@example.com", "Ola Nowak"),
                                  ("telegram", "4242", "")):  # fmt: skip
            found = await identity.find_or_create_customer(
                session, shop_id=shop.id, kind=kind, value=value, display_name=name,
                now=container.clock.now(),
            )  # fmt: skip
            if name == "Jan Kowalski":
                jan = found
    lamp = await create_sellable(container, shop=shop, price=9_900, currency="PLN")
    order = await place_order(container, shop=shop, items=[(lamp, 1)], currency="PLN",
                              customer_id=jan.id)  # fmt: skip
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    await page.goto(f"{live_server}/admin/login?next=/admin/s/lumen/customers")
    await page.get_by_label("Email").fill(owner.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#results-count")).to_contain_text("of 3 customers")
    await page.get_by_label("Name, email, phone, Telegram or Discord id").type("+48600")
    await expect(page.locator("#results-count")).to_contain_text("of 1 customers")
    await expect(page.get_by_role("link", name="Ola Nowak")).to_have_count(0)
    assert page.url.endswith("/admin/s/lumen/customers?q=%2B48600")
    await page.screenshot(path=str(screenshots / "admin-customers.png"), full_page=True)

    await page.get_by_role("link", name="Jan Kowalski").click()
    await expect(page.get_by_role("heading", name="Jan Kowalski", level=1)).to_be_visible()
    await expect(page.get_by_role("link", name=order.number)).to_be_visible()
    await page.get_by_label("Add a tag").fill("VIP")
    await page.get_by_role("button", name="Add", exact=True).click()
    await expect(page.locator("#action-done")).to_contain_text("The tag is added.")
    await page.get_by_label("New note (only staff see it)").fill("Dzwonić po 17:00.")
    await page.get_by_role("button", name="Save the note").click()
    await expect(page.locator("#action-done")).to_contain_text("The note is saved.")
    await expect(page.locator(".note-body")).to_have_text("Dzwonić po 17:00.")
    await expect(page.get_by_role("button", name="Remove the tag vip")).to_be_visible()
    await page.screenshot(path=str(screenshots / "admin-customer.png"), full_page=True)

    await page.set_viewport_size({"width": 390, "height": 844})
    await page.screenshot(path=str(screenshots / "admin-customer-phone.png"), full_page=True)
    await page.close()
    assert errors == []
