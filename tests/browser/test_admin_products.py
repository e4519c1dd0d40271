"""Products and plans in a real browser: a product created after a mistake, a price in another
currency and a delivery added on its page, published, a plan created with its terms, the list
filtered to plans and searched, a product archived through the dialog, the list on a phone.
Screenshots: test-results/screenshots/admin-product*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from shopkeeper.bootstrap import Container
from tests.builders.catalog import create_product
from tests.web.seed import PASSWORD, World

pytestmark = pytest.mark.browser


async def _signed_in(
    browser: Browser, live_server: str, email: str, path: str, **view: int
) -> Page:
    viewport = {"width": view.get("width", 1280), "height": view.get("height", 900)}
    page = await browser.new_page(viewport=viewport)  # type: ignore[arg-type]
    await page.goto(f"{live_server}/admin/login?next={path}")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    return page


async def test_a_product_and_a_plan_are_created_changed_and_archived(
    browser: Browser, live_server: str, world: World, screenshots: Path
) -> None:
    owner = await world.user("kasia@products.example")
    await world.shop("lampy", owner=owner, name="Lampy")
    page = await _signed_in(browser, live_server, owner.email, "/admin/s/lampy")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    nav = page.get_by_role("navigation", name="Sections")
    await nav.get_by_role("link", name="Products").click()
    await expect(page.locator("#results-count")).to_contain_text("No products yet.")
    await page.get_by_role("link", name="New product").first.click()
    await expect(page.get_by_label("Free trial (days)")).to_be_hidden()  # plans only
    await page.get_by_label("Name").fill("Brass lamp")
    await page.get_by_label("Price (PLN)").fill("49,9x")
    await page.get_by_label("Track stock").check()
    await page.get_by_label("In stock now").fill("3")
    await page.get_by_role("button", name="Create the product").click()
    await expect(page.locator("#f-price-error")).to_be_visible()
    await expect(page.get_by_label("Name")).to_have_value("Brass lamp")
    await page.screenshot(path=str(screenshots / "admin-product-form.png"), full_page=True)
    await page.get_by_label("Price (PLN)").fill("49.90")
    await page.get_by_role("button", name="Create the product").click()
    await expect(page.locator("#action-done")).to_contain_text("The product is created.")
    await expect(page.locator("#product-name")).to_contain_text("Draft")

    await page.get_by_label("Currency").fill("eur")
    await page.get_by_label("Amount").fill("12.50")
    await page.get_by_role("button", name="Add price").click()
    await expect(page.locator("#action-done")).to_contain_text("The price is saved.")
    await expect(page.locator(".price-list")).to_contain_text("€12.50")
    await page.get_by_label("Add or take away", exact=True).fill("+5")
    await page.get_by_label("Reason", exact=True).fill("Delivery")
    await page.get_by_role("button", name="Change stock").click()
    await expect(page.locator("#action-done")).to_contain_text("The stock is changed.")
    await expect(page.locator(".variant")).to_contain_text("8 in stock")
    await page.get_by_role("button", name="Publish").click()
    await expect(page.locator("#action-done")).to_contain_text("The product is published.")
    await page.screenshot(path=str(screenshots / "admin-product.png"), full_page=True)

    await page.goto(f"{live_server}/admin/s/lampy/products")
    await page.get_by_role("link", name="New plan").click()
    await expect(page.get_by_label("Kind")).to_have_value("plan")
    await expect(page.get_by_label("Track stock")).to_be_hidden()  # physical only
    await page.get_by_label("Name").fill("Lamp club")
    await page.get_by_label("Price (PLN)").fill("19")
    await page.get_by_label("Every").fill("3")
    await page.get_by_label("Period").select_option("month")
    await page.get_by_label("Free trial (days)").fill("14")
    await page.get_by_role("button", name="Create the product").click()
    await expect(page.locator("#plan-period")).to_have_text("Every 3 months")

    await page.goto(f"{live_server}/admin/s/lampy/products")
    await page.get_by_role("link", name="Plans", exact=True).click()
    await expect(page.locator("#results-count")).to_contain_text("of 1")
    await expect(page.locator("#product-results")).to_contain_text("Lamp club")
    await page.get_by_role("link", name="Everything").click()
    await page.get_by_label("Name or SKU").fill("brass")
    await page.get_by_role("button", name="Apply").click()
    await expect(page.locator("#results-count")).to_contain_text("of 1")
    await expect(page).to_have_url(f"{live_server}/admin/s/lampy/products?q=brass")
    await page.screenshot(path=str(screenshots / "admin-products.png"), full_page=True)

    await page.get_by_role("link", name="Brass lamp").click()
    await page.get_by_role("link", name="Archive…").click()
    dialog = page.get_by_role("dialog", name="Archive this product?")
    await expect(dialog).to_be_visible()
    await page.screenshot(path=str(screenshots / "admin-product-archive.png"))
    await dialog.get_by_role("button", name="Yes, archive it").click()
    await expect(page.locator("#action-done")).to_contain_text("The product is archived.")
    await expect(page.locator("#product-name")).to_contain_text("Archived")
    await page.close()
    assert errors == []


async def test_the_product_list_reads_on_a_phone(
    browser: Browser, live_server: str, world: World, container: Container, screenshots: Path
) -> None:
    owner = await world.user("ania@products.example")
    shop = await world.shop("sklepik", owner=owner, name="Sklepik")
    await create_product(container, shop=shop, name="Mug", prices={"PLN": 2900}, stock=0)
    await create_product(container, shop=shop, name="Teapot", prices={"PLN": 8900, "EUR": 2100},
                         stock=2, published=False)  # fmt: skip
    await create_product(container, shop=shop, kind="plan", name="Tea club",
                         prices={"PLN": 3900})  # fmt: skip
    page = await _signed_in(browser, live_server, owner.email, "/admin/s/sklepik/products",
                            width=390, height=844)  # fmt: skip
    await expect(page.locator("#results-count")).to_contain_text("of 3")
    await expect(page.locator("#product-results")).to_contain_text("Out of stock")
    await expect(page.locator("#product-results")).to_contain_text("Low")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    await page.screenshot(path=str(screenshots / "admin-products-phone.png"), full_page=True)
    await page.get_by_role("link", name="Teapot").click()
    await expect(page.locator(".price-list")).to_contain_text("EUR")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    await page.screenshot(path=str(screenshots / "admin-product-phone.png"), full_page=True)
    await page.close()
