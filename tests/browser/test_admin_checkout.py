"""The admin's checkout settings in a real browser: create a courier with a Sunday add-on
through the form (prices typed the shop's way, a refused first try shown beside its field),
see it listed, then deactivate it through the confirmation dialog; check the default
services rules in place (HTMX) and look at the warranties page.

Screenshots go to test-results/admin-checkout-*.png (looked at by a person).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from shopkeeper.bootstrap import Container
from shopkeeper.checkout import shipping
from tests.browser.support import watch_console
from tests.web.seed import PASSWORD, World

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-results"


async def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"admin-checkout-{name}.png"), full_page=True)


async def test_create_a_courier_with_a_sunday_add_on_then_deactivate_it(
    browser: Browser, live_server: str, world: World, container: Container
) -> None:
    owner = await world.user("olga@domus.example")
    shop = await world.shop("domus", owner=owner, name="Domus")
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    errors = watch_console(page)

    await page.goto(f"{live_server}/admin/login?next=/admin/s/domus/checkout/shipping")
    await page.get_by_label("Email").fill(owner.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="No shipping methods yet")).to_be_visible()

    await page.get_by_role("link", name="New shipping method").click()
    await page.get_by_label("Name", exact=True).fill("Kurier z wniesieniem")
    await page.get_by_label("Code", exact=True).fill("courier")
    await expect(page.get_by_label("Currency 1")).to_have_value("PLN")
    await page.locator("#f-price-1").fill("49,90")
    await page.locator("#f-free_above-1").fill("2 000")
    await page.get_by_label("Add-on 1 name").fill("Dostawa w niedzielę")
    await page.get_by_label("Add-on 1 code").fill("sunday")
    await page.get_by_label("Add-on 1 offered on").select_option("sunday")
    await page.get_by_label("Add-on 1 price PLN").fill("30,00")
    await page.get_by_label("Cash on delivery").check()
    await page.get_by_role("button", name="Save shipping method").click()

    # no delivery date yet: the add-on is refused beside its fieldset, nothing is lost
    await expect(page.locator("#form-errors")).to_contain_text("correct the marked fields")
    await expect(page.locator("#f-addons-error")).to_have_text(
        "Add-ons need a method with a delivery date."
    )
    await expect(page.get_by_label("Add-on 1 price PLN")).to_have_value("30,00")
    await _shot(page, "refused")

    await page.get_by_label("The customer chooses a delivery day").check()
    await page.get_by_label("Calendar code").fill("domus-courier")
    await page.get_by_role("button", name="Save shipping method").click()

    await expect(page.locator("#action-done")).to_have_text("The shipping method is created.")
    row = page.get_by_role("row", name="Kurier z wniesieniem")
    await expect(row).to_contain_text("49,90")
    await expect(row).to_contain_text("+ Dostawa w niedzielę")
    await _shot(page, "list")
    async with container.readers() as session:
        [method] = await shipping.list_methods(session, shop_id=shop.id)
    assert method.prices == {"PLN": 4990} and method.free_above == {"PLN": 200000}
    assert [(a.code, a.rule, a.prices) for a in method.addons] == [
        ("sunday", "sunday", {"PLN": 3000})
    ]
    assert method.cash_on_delivery and method.calendar_code == "domus-courier"

    await page.get_by_role("link", name="Kurier z wniesieniem").click()
    await page.get_by_role("link", name="Deactivate…").click()
    dialog = page.locator("#deactivate-dialog")
    await expect(dialog).to_be_visible()  # a modal on the page, not the fallback page
    await _shot(page, "deactivate-dialog")
    await dialog.get_by_role("button", name="Keep it active").click()
    await expect(dialog).to_be_hidden()
    await page.get_by_role("link", name="Deactivate…").click()
    await dialog.get_by_role("button", name="Yes, deactivate it").click()
    await expect(page.locator("#action-done")).to_contain_text("deactivated")
    await expect(page.get_by_role("row", name="Kurier z wniesieniem")).to_contain_text("Inactive")
    async with container.readers() as session:
        assert not (await shipping.list_methods(session, shop_id=shop.id))[0].active

    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"{live_server}/admin/s/domus/checkout/shipping/{method.id}")
    await _shot(page, "form-phone")
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.get_by_role("link", name="Services").click()
    await expect(page.get_by_role("heading", name="What checkout offers")).to_be_visible()
    await page.get_by_role("button", name="Check without saving").click()  # HTMX, in place
    await expect(page.locator("#rules-problems")).to_contain_text("SVC-CARRY-IN")
    await _shot(page, "services")
    await page.get_by_role("link", name="Warranties").click()
    await expect(page.get_by_role("heading", name="Warranty offers")).to_be_visible()
    await _shot(page, "warranties")
    # the refused save answers 422 on purpose; the browser logs that status, nothing else
    assert [e for e in errors if "status of 422" not in e] == []
