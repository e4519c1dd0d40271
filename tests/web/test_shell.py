"""The admin shell: start page, shop overview with real data, switcher, nav and error pages."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from shopkeeper import shops
from tests.web.seed import World, hidden_csrf, sign_in


async def test_overview_shows_the_shops_profile_and_team_size(
    client: AsyncClient, world: World
) -> None:
    owner = await world.user("owner@example.com")
    shop = await world.shop("north", owner=owner, name="North Coffee")
    for email in ("ann@example.com", "bob@example.com"):
        await world.member(shop, await world.user(email), shops.Role.VIEWER)
    await sign_in(client, owner.email)

    page = await client.get("/admin/s/north")

    assert page.status_code == 200
    assert "<h1>North Coffee</h1>" in page.text
    assert "Polish Zloty (PLN)" in page.text
    assert "Europe/Warsaw" in page.text and "Central European" in page.text
    assert "Polish" in page.text and "English" in page.text
    assert '<p class="stat">3</p>' in page.text
    assert "3 staff members have access to this shop." in page.text
    assert "shop.created" in page.text  # recent activity, from the audit log


async def test_switcher_lists_only_my_shops_and_nav_follows_permissions(
    client: AsyncClient, world: World
) -> None:
    owner = await world.user("owner@example.com")
    await world.shop("north", owner=owner, name="North Coffee")
    other = await world.user("other@example.com")
    south = await world.shop("south", owner=other, name="South Tea")
    await world.shop("east", owner=other, name="East Books")
    await world.member(south, owner, shops.Role.CASHIER)
    await sign_in(client, owner.email)

    north_page = await client.get("/admin/s/north")
    south_page = await client.get("/admin/s/south")

    assert 'href="/admin/s/south"' in north_page.text and "South Tea" in north_page.text
    assert "East Books" not in north_page.text
    assert 'href="/admin/s/north/audit"' in north_page.text
    assert 'href="/admin/s/south/audit"' not in south_page.text
    assert "Cashier" in south_page.text
    assert "owner@example.com" in north_page.text  # the signed-in user
    assert 'action="/admin/logout"' in north_page.text


async def test_someone_in_no_shop_gets_a_page_saying_so(client: AsyncClient, world: World) -> None:
    await world.user("new@example.com")
    await sign_in(client, "new@example.com")

    page = await client.get("/admin")

    assert page.status_code == 200
    assert "You are not a member of any shop yet" in page.text


async def test_unknown_admin_paths_get_an_html_404(client: AsyncClient) -> None:
    page = await client.get("/admin/no/such/page")
    api = await client.get("/api/v1/no-such-endpoint")

    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text
    assert api.headers["content-type"].startswith("application/json")


async def test_a_wrong_method_gets_an_html_page(client: AsyncClient) -> None:
    page = await client.delete("/admin/login")
    assert page.status_code == 405
    assert "This action is not allowed here" in page.text


async def test_pages_carry_security_headers(client: AsyncClient, world: World) -> None:
    await world.user("owner@example.com")
    await sign_in(client, "owner@example.com")

    page = await client.get("/admin")

    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


async def test_static_files_are_served(client: AsyncClient) -> None:
    css = await client.get("/static/css/admin.css")
    js = await client.get("/static/js/admin.js")
    assert css.status_code == js.status_code == 200
    assert "X-CSRF-Token" in js.text


async def test_a_toast_confirms_signing_in_and_out_once(client: AsyncClient, world: World) -> None:
    owner = await world.user("owner@example.com")
    await world.shop("north", owner=owner)
    await sign_in(client, owner.email)

    first = await client.get("/admin/s/north")
    again = await client.get("/admin/s/north")
    token = hidden_csrf(again.text)
    await client.post("/admin/logout", data={"csrf_token": token})
    login_page = await client.get("/admin/login")

    assert '<div class="toast toast-success">You are signed in.</div>' in first.text
    assert "You are signed in." not in again.text
    assert "You have signed out." in login_page.text


async def test_an_unexpected_failure_gets_a_friendly_500_page(
    client: AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = await world.user("owner@example.com")
    await world.shop("north", owner=owner)
    await sign_in(client, owner.email)

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(shops, "list_members", broken)
    page = await client.get("/admin/s/north")

    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "Something went wrong on our side" in page.text
    assert "database on fire" not in page.text
