"""/admin/s/{shop}/playground over HTTP: create the bot, chat, poll, and who may do what."""

from __future__ import annotations

import re

import pytest
from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.shops import Role, ShopRead
from tests.builders.staff import add_member, create_shop, create_user
from tests.web.seed import PASSWORD, hidden_csrf, sign_in

HTMX = {"HX-Request": "true"}


@pytest.fixture
def public_url() -> str | None:
    """No public URL: cookies without the Secure flag for http://testserver (long polling)."""
    return None


@pytest.fixture
async def shop(container: Container) -> ShopRead:
    owner = await create_user(container, email="olivia@lumen.example", full_name="Olivia Stone")
    return await create_shop(container, owner=owner, slug="lumen", name="Lumen Club")


async def _signed_in(client: AsyncClient, email: str) -> str:
    response = await sign_in(client, email, PASSWORD)
    assert response.status_code == 303, response.text
    return hidden_csrf((await client.get("/admin/s/lumen/playground")).text)


async def _created(client: AsyncClient) -> str:
    csrf = await _signed_in(client, "olivia@lumen.example")
    page = await client.get("/admin/s/lumen/playground")
    assert "Create playground bot" in page.text
    made = await client.post("/admin/s/lumen/playground/create", data={"csrf_token": csrf})
    assert made.status_code == 303, made.text
    return csrf


async def test_the_owner_creates_the_bot_and_chats_with_it(
    client: AsyncClient, shop: ShopRead
) -> None:
    csrf = await _created(client)
    page = await client.get("/admin/s/lumen/playground")
    assert page.status_code == 200
    assert "@lumen_playground_bot" in page.text and "Lumen Club VIP" in page.text
    assert "Say /start to begin" in page.text
    assert "No plan sells it yet" in page.text  # a new shop's channel is not on sale

    sent = await client.post(
        "/admin/s/lumen/playground/send",
        data={"csrf_token": csrf, "command": "/start"},
        headers=HTMX,
    )

    assert sent.status_code == 200
    assert "Hello, Olivia! Welcome to Lumen Club." in sent.text
    assert 'hx-swap-oob="true"' in sent.text  # the channel panel comes along
    state = re.search(r'data-state="([0-9a-f]+)"', sent.text)
    assert state is not None
    unchanged = await client.get(f"/admin/s/lumen/playground/live?v={state.group(1)}", headers=HTMX)
    assert unchanged.status_code == 204
    changed = await client.get("/admin/s/lumen/playground/live?v=old", headers=HTMX)
    assert changed.status_code == 200 and "Welcome to Lumen Club" in changed.text

    message_id = re.findall(r'name="message_id" value="(\d+)"', sent.text)[0]
    pressed = await client.post(
        "/admin/s/lumen/playground/press",
        data={"csrf_token": csrf, "message_id": message_id, "data": "menu:nothing"},
        headers=HTMX,
    )
    assert pressed.status_code == 200
    assert "That button is no longer there." in pressed.headers["HX-Trigger"]


async def test_without_javascript_forms_go_back_to_the_page(
    client: AsyncClient, shop: ShopRead
) -> None:
    csrf = await _created(client)
    sent = await client.post(
        "/admin/s/lumen/playground/send", data={"csrf_token": csrf, "text": "/help"}
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/admin/s/lumen/playground"
    language = await client.post(
        "/admin/s/lumen/playground/language", data={"csrf_token": csrf, "code": "pl"}
    )
    assert language.status_code == 303
    await client.post("/admin/s/lumen/playground/send", data={"csrf_token": csrf, "text": "/start"})
    page = await client.get("/admin/s/lumen/playground")
    assert "Cześć, Olivia!" in page.text and '<option value="pl" selected>' in page.text


async def test_a_viewer_may_chat_but_not_create_or_pay(
    client: AsyncClient, container: Container, shop: ShopRead
) -> None:
    viewer = await create_user(container, email="vic@lumen.example", full_name="Vic")
    await add_member(container, shop=shop, user=viewer, role=Role.VIEWER)
    csrf = await _signed_in(client, "vic@lumen.example")
    page = await client.get("/admin/s/lumen/playground")
    assert "Create playground bot" not in page.text and "Ask the shop" in page.text
    refused = await client.post("/admin/s/lumen/playground/create", data={"csrf_token": csrf})
    assert refused.status_code == 403
    await client.post("/admin/logout", data={"csrf_token": csrf})
    await _created(client)
    await client.post(
        "/admin/logout",
        data={"csrf_token": hidden_csrf((await client.get("/admin/s/lumen/playground")).text)},
    )

    csrf = await _signed_in(client, "vic@lumen.example")
    sent = await client.post(
        "/admin/s/lumen/playground/send", data={"csrf_token": csrf, "text": "/start"}, headers=HTMX
    )
    assert sent.status_code == 200 and "Hello, Vic!" in sent.text
    pay = await client.post(
        "/admin/s/lumen/playground/pay",
        data={"csrf_token": csrf, "invoice_id": "01a20904-018e-7b42-b48f-297703370304"},
        headers=HTMX,
    )
    assert pay.status_code == 403


async def test_staff_of_another_shop_see_nothing(
    client: AsyncClient, container: Container, shop: ShopRead
) -> None:
    await _created(client)
    stranger = await create_user(container, email="sam@south.example")
    await create_shop(container, owner=stranger, slug="south", name="South")
    client.cookies.clear()
    await sign_in(client, "sam@south.example", PASSWORD)
    assert (await client.get("/admin/s/lumen/playground")).status_code == 404
    assert (await client.get("/admin/s/lumen/playground/live")).status_code == 404
    picked = await client.get("/admin/playground")
    assert picked.status_code == 303 and picked.headers["location"] == "/admin/s/south/playground"


async def test_a_post_needs_the_csrf_token(client: AsyncClient, shop: ShopRead) -> None:
    await _created(client)
    response = await client.post("/admin/s/lumen/playground/send", data={"text": "/start"})
    assert response.status_code == 403
