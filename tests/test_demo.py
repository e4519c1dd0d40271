"""The demo data as a person meets it: the printed login works on the API and the admin."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper.cli.demo import ADMIN_EMAIL, DEMO_SHOPS, create_demo_data
from shopkeeper.settings import Settings


async def test_demo_admin_can_sign_in_and_sees_every_demo_shop(
    settings: Settings, client: AsyncClient
) -> None:
    await create_demo_data(settings, "demo-password-1")
    login = await client.post(
        "/api/v1/auth/login", json={"email": ADMIN_EMAIL, "password": "demo-password-1"}
    )
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    me = await client.get("/api/v1/auth/me", headers={"authorization": f"Bearer {token}"})
    slugs = {m["shop_slug"] for m in me.json()["memberships"]}
    assert slugs == {shop.slug for shop in DEMO_SHOPS}


async def test_demo_admin_can_sign_in_to_the_admin_panel(
    settings: Settings, client: AsyncClient
) -> None:
    await create_demo_data(settings, "demo-password-1")
    page = await client.get("/admin/login")
    assert page.status_code == 200
    form = await client.post(
        "/admin/login",
        data={"email": ADMIN_EMAIL, "password": "demo-password-1", "csrf_token": _csrf(page.text)},
    )
    assert form.status_code in (302, 303), form.text
    assert form.headers["location"].startswith("/admin")


def _csrf(html: str) -> str:
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "login form has a CSRF field"
    return found.group(1)
