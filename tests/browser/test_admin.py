"""The admin in a real browser: sign in, read and filter the audit log, phone-width pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from shopkeeper import shops
from tests.browser.support import watch_console
from tests.web.seed import PASSWORD, World

pytestmark = pytest.mark.browser
T0 = datetime(2026, 3, 10, 9, 15, tzinfo=UTC)


async def _seed(world: World) -> None:
    owner = await world.user("olivia@northcoffee.example")
    shop = await world.shop("north", owner=owner, name="North Coffee Roasters")
    for email, role in (("adam@northcoffee.example", shops.Role.ADMIN),
                        ("chris@northcoffee.example", shops.Role.CASHIER)):  # fmt: skip
        await world.member(shop, await world.user(email), role)
    other = await world.user("sam@southtea.example")
    south = await world.shop("south", owner=other, name="South Tea House")
    await world.member(south, owner, shops.Role.VIEWER)
    olivia, adam = "olivia@northcoffee.example", "adam@northcoffee.example"
    history = [
        ("member.added", olivia, None, {"email": adam, "role": "admin"}),
        ("member.added", olivia, None, {"email": "chris@northcoffee.example", "role": "cashier"}),
        ("member.role_changed", adam, {"role": "viewer"}, {"role": "cashier"}),
        ("api_key.created", adam, None, {"name": "POS terminal", "prefix": "sk_4f2a"}),
        ("shop.updated", olivia, {"timezone": "UTC"}, {"timezone": "Europe/Warsaw"}),
    ]
    for index, (action, actor, before, after) in enumerate(history):
        await world.entry(shop, action=action, actor=actor, before=before, after=after,
                          at=T0 + timedelta(days=index, hours=index * 3))  # fmt: skip


async def test_sign_in_and_filter_the_audit_log(
    browser: Browser, live_server: str, world: World, screenshots: Path
) -> None:
    await _seed(world)
    page = await browser.new_page(viewport={"width": 1280, "height": 860})
    errors = watch_console(page)

    await page.goto(f"{live_server}/admin/s/north/audit")
    await expect(page).to_have_url(f"{live_server}/admin/login?next=/admin/s/north/audit")
    await page.get_by_label("Email").fill("olivia@northcoffee.example")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()

    await expect(page).to_have_url(f"{live_server}/admin/s/north/audit")
    await expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    await expect(page.locator("#results-count")).to_contain_text("of 8 entries")

    await page.get_by_label("Action").fill("member.added")
    await page.get_by_role("button", name="Apply").click()
    await expect(page.locator("#results-count")).to_contain_text("Showing 1\u20134 of 4 entries")
    await expect(page).to_have_url(f"{live_server}/admin/s/north/audit?action=member.added")
    await expect(page.locator("#csv-link")).to_have_attribute(
        "href", "/admin/s/north/audit.csv?action=member.added"
    )
    await page.locator("details.diff summary").first.click()
    await expect(page.locator("details.diff pre").nth(1)).to_contain_text("cashier")

    await page.screenshot(path=str(screenshots / "audit-log.png"), full_page=True)
    await page.set_viewport_size({"width": 390, "height": 844})
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # the table scrolls inside its frame; the page does not
    await page.screenshot(path=str(screenshots / "audit-log-phone.png"), full_page=True)
    assert errors == []


async def test_overview_and_shop_switcher(
    browser: Browser, live_server: str, world: World, screenshots: Path
) -> None:
    await _seed(world)
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    errors = watch_console(page)
    await page.goto(f"{live_server}/admin")
    await page.get_by_label("Email").fill("olivia@northcoffee.example")
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_label("Password").press("Enter")

    await expect(page).to_have_url(f"{live_server}/admin/s/north")
    team = page.get_by_role("region", name="Team")
    await expect(team.locator(".stat")).to_have_text("3")
    await page.screenshot(path=str(screenshots / "shop-overview.png"), full_page=True)

    await page.get_by_text("Shop North Coffee Roasters").click()  # the switcher's summary
    await page.get_by_role("link", name="South Tea House").click()
    await expect(page).to_have_url(f"{live_server}/admin/s/south")
    await expect(page.get_by_role("heading", name="South Tea House")).to_be_visible()

    response = await page.goto(f"{live_server}/admin/s/nowhere")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    await page.screenshot(path=str(screenshots / "not-found.png"))
    assert [e for e in errors if "status of 404" not in e] == []


async def test_login_page_on_a_phone(
    browser: Browser, live_server: str, world: World, screenshots: Path
) -> None:
    await world.user("olivia@northcoffee.example")
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
        has_touch=True,
    )  # fmt: skip
    page = await context.new_page()
    errors = watch_console(page)

    await page.goto(f"{live_server}/admin/login")
    await page.get_by_label("Email").fill("olivia@northcoffee.example")
    await page.get_by_label("Password").fill("not-my-password")
    await page.get_by_role("button", name="Sign in").click()

    await expect(page.get_by_role("alert")).to_have_text("Incorrect email or password.")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing sticks out sideways on a phone
    await page.screenshot(path=str(screenshots / "login-phone.png"), full_page=True)
    await context.close()
    assert [e for e in errors if "status of 401" not in e] == []  # 401: the wrong password
