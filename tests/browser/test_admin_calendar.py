"""Checkout → Calendar in a real browser: the calendar answering, the dated method listed, the
days it offers at a postal code after a mistake in the code is shown by its field.
Screenshot: test-results/screenshots/admin-checkout-calendar.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from shopkeeper.bootstrap import Container
from shopkeeper.settings import Settings
from tests.builders.shipping import create_shipping_method
from tests.conftest import make_settings
from tests.fakes.delivery_calendar import FakeCalendar, fake_calendar
from tests.web.seed import PASSWORD, World

pytestmark = pytest.mark.browser
__all__ = ["fake_calendar"]


@pytest.fixture
def settings(database_url: str, fake_calendar: FakeCalendar) -> Settings:
    return make_settings(database_url, login_delay_seconds=0, log_json=False,
                         delivery_calendar_url=fake_calendar.url)  # fmt: skip


async def test_the_days_of_a_dated_method_are_checked_from_the_calendar_page(
    browser: Browser, live_server: str, world: World, container: Container, screenshots: Path,
    fake_calendar: FakeCalendar,
) -> None:  # fmt: skip
    owner = await world.user("kalina@dates.example")
    shop = await world.shop("daty", owner=owner, name="Daty")
    await create_shipping_method(
        container, shop=shop, code="dated", name="Kurier z datą", requires_delivery_date=True,
        calendar_code="DPD-STD",
    )  # fmt: skip
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{live_server}/admin/login?next=/admin/s/daty/checkout/shipping")
    await page.get_by_label("Email").fill(owner.email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()

    tabs = page.get_by_role("navigation", name="Checkout settings")
    await tabs.get_by_role("link", name="Calendar").click()
    await expect(page.locator("#calendar-state")).to_have_text("Answering")
    await expect(page.get_by_role("row", name="Kurier z datą")).to_contain_text("DPD-STD")
    await page.get_by_label("Postal code").fill("ABC")
    await page.get_by_role("button", name="Show the days").click()
    await expect(page.locator("#f-postal_code-error")).to_have_text(
        "This is not a postal code of that country."
    )
    await page.get_by_label("Postal code").fill("00-950")
    await page.get_by_role("button", name="Show the days").click()
    await expect(page.locator("#check-result")).to_contain_text("days offered:")
    await expect(page.locator(".cal-days li").first).to_contain_text("morning")
    assert fake_calendar.calls[-1]["method"] == "DPD-STD"
    await page.screenshot(path=str(screenshots / "admin-checkout-calendar.png"), full_page=True)
    await page.close()
    assert errors == []
