"""Shop settings in a real browser: a member added by email and their role changed, an API key
created and shown once then revoked, the profile edited after a mistake is fixed.
Screenshots: test-results/screenshots/admin-settings-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, ViewportSize, expect

from tests.web.seed import PASSWORD, World

pytestmark = pytest.mark.browser
PHONE: ViewportSize = {"width": 390, "height": 844}


async def _signed_in(
    browser: Browser,
    live_server: str,
    email: str,
    path: str,
    viewport: ViewportSize | None = None,
) -> Page:
    page = await browser.new_page(viewport=viewport or {"width": 1280, "height": 900})
    await page.goto(f"{live_server}/admin/login?next={path}")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    return page


async def test_an_owner_adds_a_member_and_changes_their_role(
    browser: Browser, live_server: str, world: World, screenshots: Path
) -> None:
    owner = await world.user("olga.owner@settings.example")
    await world.user("ann.lee@settings.example")
    await world.shop("ustawienia", owner=owner, name="Ustawienia")
    page = await _signed_in(browser, live_server, owner.email, "/admin/s/ustawienia")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    await (
        page.get_by_role("navigation", name="Sections").get_by_role("link", name="Settings").click()
    )
    await (
        page.get_by_role("navigation", name="Shop settings")
        .get_by_role("link", name="Staff and roles")
        .click()
    )
    await expect(page.get_by_role("heading", name="Staff and roles", level=1)).to_be_visible()
    await page.get_by_label("Email").fill("nobody@settings.example")
    await page.get_by_role("button", name="Add to the staff").click()
    await expect(page.locator("#f-email-error")).to_contain_text("Nobody has a staff account")
    await page.get_by_label("Email").fill("ann.lee@settings.example")
    await page.get_by_label("Role", exact=True).select_option("manager")
    await page.get_by_role("button", name="Add to the staff").click()
    await expect(page.locator("#action-done")).to_contain_text("The person is added to the staff.")
    ann = page.get_by_role("row").filter(has_text="ann.lee@settings.example")
    await expect(ann.get_by_label("Role of Ann Lee")).to_have_value("manager")

    await ann.get_by_label("Role of Ann Lee").select_option("cashier")
    await ann.get_by_role("button", name="Change").click()
    await expect(page.locator("#action-done")).to_contain_text("The role is changed.")
    ann = page.get_by_role("row").filter(has_text="ann.lee@settings.example")
    await expect(ann.get_by_label("Role of Ann Lee")).to_have_value("cashier")
    await expect(page.get_by_role("heading", name="What each role may do")).to_be_visible()
    await page.screenshot(path=str(screenshots / "admin-settings-staff.png"), full_page=True)

    await ann.get_by_role("link", name="Remove…").click()
    await expect(page.get_by_role("heading", name="Remove from the staff?")).to_be_visible()
    await page.screenshot(path=str(screenshots / "admin-settings-staff-remove.png"))
    await page.get_by_role("link", name="Cancel").click()
    await expect(
        page.get_by_role("row").filter(has_text="ann.lee@settings.example")
    ).to_be_visible()
    await page.close()

    phone = await _signed_in(
        browser, live_server, owner.email, "/admin/s/ustawienia/settings/staff", PHONE
    )
    await expect(phone.get_by_role("heading", name="Staff and roles", level=1)).to_be_visible()
    await phone.screenshot(path=str(screenshots / "admin-settings-staff-phone.png"), full_page=True)
    await phone.close()
    assert errors == []


async def test_an_api_key_is_shown_once_and_revoked(
    browser: Browser, live_server: str, world: World, screenshots: Path
) -> None:
    owner = await world.user("kim.keys@settings.example")
    await world.shop("klucze", owner=owner, name="Klucze")
    page = await _signed_in(browser, live_server, owner.email, "/admin/s/klucze/settings/api-keys")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    await expect(page.get_by_role("heading", name="No API keys yet")).to_be_visible()
    await page.get_by_role("link", name="New API key").click()
    await page.get_by_label("Name").fill("Warehouse sync")
    await page.get_by_role("button", name="Create the key").click()
    await expect(page.locator("#f-permissions-error")).to_contain_text("Choose at least one")
    await expect(page.get_by_label("Name")).to_have_value("Warehouse sync")
    await page.get_by_label("See orders and promo codes").check()
    await page.get_by_label("See products and prices").check()
    await page.screenshot(path=str(screenshots / "admin-settings-api-key-form.png"), full_page=True)
    await page.get_by_role("button", name="Create the key").click()
    await expect(page.get_by_role("heading", name="API key created")).to_be_visible()
    secret = await page.get_by_label("The secret key").input_value()
    assert secret.startswith("sk_") and len(secret) > 30
    await page.screenshot(
        path=str(screenshots / "admin-settings-api-key-created.png"), full_page=True
    )

    await page.get_by_role("link", name="I have copied it — back to the keys").click()
    row = page.get_by_role("row").filter(has_text="Warehouse sync")
    await expect(row).to_contain_text(secret[:12] + "…")
    await expect(row).to_contain_text("2 permissions")
    assert secret not in await page.content()
    await page.screenshot(path=str(screenshots / "admin-settings-api-keys.png"), full_page=True)

    await row.get_by_role("link", name="Revoke…").click()
    await expect(page.get_by_role("heading", name="Revoke this API key?")).to_be_visible()
    await page.get_by_role("button", name="Yes, revoke it").click()
    await expect(page.locator("#action-done")).to_contain_text("The key is revoked")
    await page.get_by_role("link", name="All, with revoked ones").click()
    await expect(page.get_by_role("row").filter(has_text="Warehouse sync")).to_contain_text(
        "Revoked"
    )
    await page.close()
    assert errors == []


async def test_the_profile_is_edited_after_a_mistake_is_fixed(
    browser: Browser, live_server: str, world: World, screenshots: Path
) -> None:
    owner = await world.user("pia.profile@settings.example")
    await world.shop("profil", owner=owner, name="Profil")
    page = await _signed_in(browser, live_server, owner.email, "/admin/s/profil/settings")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    await expect(page.get_by_role("heading", name="Shop profile", level=1)).to_be_visible()
    await page.get_by_label("Shop name").fill("Profil Home & Garden")
    await page.get_by_label("Time zone").fill("Europe/Atlantis")
    await page.get_by_label("Russian").check()
    await page.get_by_role("button", name="Save the profile").click()
    await expect(page.locator("#f-timezone-error")).to_contain_text("Choose a time zone")
    await expect(page.get_by_label("Shop name")).to_have_value("Profil Home & Garden")
    await expect(page.get_by_label("Russian")).to_be_checked()
    await page.screenshot(
        path=str(screenshots / "admin-settings-profile-error.png"), full_page=True
    )

    await page.get_by_label("Time zone").fill("Europe/Berlin")
    await page.get_by_label("Default currency").fill("EUR")
    await page.get_by_role("button", name="Save the profile").click()
    await expect(page.locator("#action-done")).to_contain_text("The shop's profile is saved.")
    await expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    await expect(page.get_by_label("Default currency")).to_have_value("EUR")
    await expect(page.locator(".shop-switcher")).to_contain_text("Profil Home & Garden")
    await page.screenshot(path=str(screenshots / "admin-settings-profile.png"), full_page=True)
    await page.close()
    assert errors == []
