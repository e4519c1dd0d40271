"""Signing in and out of the admin: cookies, messages, CSRF and redirects."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper.settings import Settings
from tests.web.seed import PASSWORD, World, hidden_csrf, session_csrf, sign_in


def _set_cookie(response, name: str) -> str:  # type: ignore[no-untyped-def]
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(name + "=")]
    assert headers, f"{name} cookie was set"
    return headers[0]


async def test_login_page_has_labelled_fields_and_a_login_csrf_token(client: AsyncClient) -> None:
    page = await client.get("/admin/login")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<label for="email">' in page.text and '<label for="password">' in page.text
    token = hidden_csrf(page.text)
    assert client.cookies.get("sk_login_csrf") == token
    assert page.headers["x-frame-options"] == "DENY"


async def test_login_sets_an_httponly_lax_session_cookie(client: AsyncClient, world: World) -> None:
    user = await world.user("owner@example.com")
    shop = await world.shop("north", owner=user)

    response = await sign_in(client, "owner@example.com")

    assert response.status_code == 303
    assert response.headers["location"] == "/admin"
    cookie = _set_cookie(response, "sk_session").lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/admin" in cookie
    assert "secure" not in cookie
    home = await client.get("/admin")
    assert home.status_code == 303 and home.headers["location"] == f"/admin/s/{shop.slug}"


async def test_session_cookie_is_secure_when_settings_ask(world: World, settings: Settings) -> None:
    from httpx import ASGITransport

    from shopkeeper.app import create_app
    from shopkeeper.bootstrap import build_container

    await world.user("owner@example.com")
    container = build_container(settings.model_copy(update={"cookie_secure": True}))
    transport = ASGITransport(app=create_app(container=container))
    async with AsyncClient(transport=transport, base_url="https://testserver") as client:
        response = await sign_in(client, "owner@example.com")
    await container.close()
    assert "secure" in _set_cookie(response, "sk_session").lower()


async def test_wrong_password_shows_a_message_and_sets_no_session(
    client: AsyncClient, world: World
) -> None:
    await world.user("owner@example.com")

    response = await sign_in(client, "owner@example.com", "not-the-password")

    assert response.status_code == 401
    assert "Incorrect email or password." in response.text
    assert 'value="owner@example.com"' in response.text  # the email is kept
    assert "sk_session" not in client.cookies


async def test_repeated_failures_lock_the_account_with_a_message(
    client: AsyncClient, world: World
) -> None:
    await world.user("owner@example.com")
    statuses = [
        (await sign_in(client, "owner@example.com", "wrong-password")).status_code for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 401, 423]

    response = await sign_in(client, "owner@example.com", PASSWORD)

    assert response.status_code == 423
    assert "the account is locked" in response.text.lower()
    assert "sk_session" not in client.cookies


async def test_login_without_the_login_csrf_token_is_rejected(
    client: AsyncClient, world: World
) -> None:
    await world.user("owner@example.com")
    await client.get("/admin/login")
    form = {"email": "owner@example.com", "password": PASSWORD}

    missing = await client.post("/admin/login", data=form)
    forged = await client.post("/admin/login", data={**form, "csrf_token": "x.y"})

    assert missing.status_code == forged.status_code == 403
    assert "sk_session" not in client.cookies


async def test_a_token_not_signed_by_the_server_is_rejected(
    client: AsyncClient, world: World
) -> None:
    """An attacker who can plant a cookie still cannot mint a valid double-submit pair."""
    await world.user("owner@example.com")
    client.cookies.set("sk_login_csrf", "nonce.badsignature", path="/admin")
    form = {"email": "owner@example.com", "password": PASSWORD, "csrf_token": "nonce.badsignature"}

    response = await client.post("/admin/login", data=form)

    assert response.status_code == 403


async def test_logout_needs_the_session_csrf_token(client: AsyncClient, world: World) -> None:
    user = await world.user("owner@example.com")
    await world.shop("north", owner=user)
    await sign_in(client, user.email)
    token = await session_csrf(client, "/admin/s/north")

    rejected = await client.post("/admin/logout", data={"csrf_token": "wrong"})
    assert rejected.status_code == 403
    assert (await client.get("/admin/s/north")).status_code == 200

    accepted = await client.post("/admin/logout", data={"csrf_token": token})
    assert accepted.status_code == 303 and accepted.headers["location"] == "/admin/login"
    client.cookies.clear()
    assert (await client.get("/admin/s/north")).status_code == 303


async def test_logout_ends_the_session_on_the_server(client: AsyncClient, world: World) -> None:
    user = await world.user("owner@example.com")
    await world.shop("north", owner=user)
    await sign_in(client, user.email)
    stolen = client.cookies.get("sk_session")
    token = await session_csrf(client, "/admin/s/north")

    await client.post("/admin/logout", headers={"X-CSRF-Token": token})

    client.cookies.clear()
    client.cookies.set("sk_session", stolen, path="/admin")
    assert (await client.get("/admin/s/north")).status_code == 303


async def test_not_signed_in_goes_to_login_and_comes_back(
    client: AsyncClient, world: World
) -> None:
    user = await world.user("owner@example.com")
    await world.shop("north", owner=user)

    response = await client.get("/admin/s/north/audit?action=shop.created")

    assert response.status_code == 303
    target = "/admin/login?next=/admin/s/north/audit%3Faction%3Dshop.created"
    assert response.headers["location"] == target
    page = await client.get(target)
    assert 'name="next" value="/admin/s/north/audit?action=shop.created"' in page.text
    signed_in = await sign_in(client, user.email, next_path="/admin/s/north/audit?action=x")
    assert signed_in.headers["location"] == "/admin/s/north/audit?action=x"


async def test_only_relative_next_urls_are_followed(client: AsyncClient, world: World) -> None:
    await world.user("owner@example.com")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        client.cookies.clear()
        response = await sign_in(client, "owner@example.com", next_path=target)
        assert response.headers["location"] == "/admin", target


async def test_htmx_request_without_session_is_redirected_by_header(client: AsyncClient) -> None:
    response = await client.get("/admin/s/north/audit", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["hx-redirect"].startswith("/admin/login?next=")
