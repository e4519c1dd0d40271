"""Connecting, reading and disconnecting a shop's bot through the API."""

from __future__ import annotations

import asyncio

from httpx import AsyncClient
from sqlalchemy import text

from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from tests.bots.telegram.conftest import PUBLIC_URL, Connected, ShopOwner, connect
from tests.builders import shop_with_owner, staff_member
from tests.fakes.server import serve
from tests.fakes.telegram import FakeTelegram, command_update, tg_user

ALLOWED = ["message", "callback_query", "chat_member", "my_chat_member", "chat_join_request",
           "pre_checkout_query"]  # fmt: skip


async def _stored(container: Container, bot: Connected) -> dict:  # type: ignore[type-arg]
    async with unit_of_work(container.sessions) as session:
        row = await session.execute(
            text("SELECT * FROM telegram_bot WHERE id = :id"), {"id": bot.id.hex}
            if container.settings.is_sqlite else {"id": bot.id},
        )  # fmt: skip
        return dict(row.mappings().one())


async def test_connecting_checks_the_token_and_sets_the_webhook_with_a_secret(
    client: AsyncClient, container: Container, shop_owner: ShopOwner, telegram: FakeTelegram
) -> None:
    fake = telegram.add_bot("lumen_bot", "Lumen")

    bot = await connect(client, shop_owner, fake)

    assert bot.read["username"] == "lumen_bot" and bot.read["telegram_bot_id"] == fake.id
    assert bot.read["mode"] == "webhook" and bot.read["active"] is True
    head, secret = fake.token.split(":")
    assert bot.read["token_mask"] == f"{head}:{secret[:2]}…{secret[-3:]}"
    assert secret not in str(bot.read)
    [call] = telegram.calls_to("setWebhook")
    assert call.params["url"] == f"{PUBLIC_URL}/telegram/{bot.id}"
    assert call.params["allowed_updates"] == ALLOWED
    assert len(call.params["secret_token"]) >= 32 and fake.webhook_secret
    assert [c.method for c in telegram.calls if c.method != "setMyCommands"] == [
        "getMe", "setWebhook"
    ]  # fmt: skip
    stored = await _stored(container, bot)
    assert fake.token not in str(stored) and secret not in stored["token_encrypted"]
    assert fake.webhook_secret not in str(stored)
    assert container.secrets.decrypt(stored["token_encrypted"]) == fake.token


async def test_the_token_is_never_returned_again(
    client: AsyncClient, bot: Connected, shop_owner: ShopOwner
) -> None:
    listed = await client.get(shop_owner.url(), headers=shop_owner.owner.headers)
    one = await client.get(shop_owner.url(f"/{bot.id}"), headers=shop_owner.owner.headers)

    assert listed.status_code == 200 and one.status_code == 200
    secret = bot.fake.token.split(":")[1]
    assert secret not in listed.text and secret not in one.text
    assert [b["id"] for b in listed.json()] == [str(bot.id)]


async def test_the_bot_shows_the_webhook_telegram_reports(
    client: AsyncClient, bot: Connected, shop_owner: ShopOwner, telegram: FakeTelegram
) -> None:
    bot.fake.webhook_error = (1_767_225_600, "Connection refused")

    response = await client.get(shop_owner.url(f"/{bot.id}"), headers=shop_owner.owner.headers)

    webhook = response.json()["webhook"]
    assert webhook["url"] == webhook["expected_url"] == f"{PUBLIC_URL}/telegram/{bot.id}"
    assert webhook["last_error_message"] == "Connection refused"
    assert telegram.calls_to("getWebhookInfo")


async def test_a_refused_token_is_422_and_nothing_is_stored(
    client: AsyncClient, container: Container, shop_owner: ShopOwner, telegram: FakeTelegram
) -> None:
    for token in ("123456:AAunknown-token-0123456789abcdefghij", "not a token"):
        response = await client.post(
            shop_owner.url(), json={"token": token}, headers=shop_owner.owner.headers
        )
        assert response.status_code == 422, response.text
        assert response.json()["error"] == "BotTokenInvalid"
        assert "token" in response.json()["detail"]
    async with unit_of_work(container.sessions) as session:
        assert (await session.execute(text("SELECT count(*) FROM telegram_bot"))).scalar() == 0
    assert not telegram.calls_to("setWebhook")


async def test_a_failing_or_unreachable_bot_api_is_502(
    client: AsyncClient, container: Container, shop_owner: ShopOwner, telegram: FakeTelegram
) -> None:
    fake = telegram.add_bot()
    telegram.fail("getMe", code=500)
    failing = await client.post(
        shop_owner.url(), json={"token": fake.token}, headers=shop_owner.owner.headers
    )
    async with serve(FakeTelegram().app()) as url:
        closed = url  # nothing listens there once the block ends
    container.settings.telegram_api_url = closed
    unreachable = await client.post(
        shop_owner.url(), json={"token": fake.token}, headers=shop_owner.owner.headers
    )

    for response in (failing, unreachable):
        assert response.status_code == 502, response.text
        assert response.json()["error"] == "TelegramUnavailable"
    listed = await client.get(shop_owner.url(), headers=shop_owner.owner.headers)
    assert listed.json() == []


async def test_the_same_bot_twice_is_409(
    client: AsyncClient, container: Container, bot: Connected, shop_owner: ShopOwner,
    telegram: FakeTelegram,
) -> None:  # fmt: skip
    other, other_owner = await shop_with_owner(container, client)

    again = await client.post(
        shop_owner.url(), json={"token": bot.fake.token}, headers=shop_owner.owner.headers
    )
    elsewhere = await client.post(
        f"/api/v1/shops/{other.slug}/bots", json={"token": bot.fake.token},
        headers=other_owner.headers,
    )  # fmt: skip

    for response in (again, elsewhere):
        assert response.status_code == 409, response.text
        assert response.json()["error"] == "BotAlreadyConnected"
    assert len(telegram.calls_to("setWebhook")) == 1  # the live webhook was left alone


async def test_a_refused_webhook_undoes_the_connection(
    client: AsyncClient, container: Container, shop_owner: ShopOwner, telegram: FakeTelegram
) -> None:
    fake = telegram.add_bot()
    telegram.fail("setWebhook", code=400, description="Bad Request: bad webhook: Failed to "
                  "resolve host")  # fmt: skip

    refused = await client.post(
        shop_owner.url(), json={"token": fake.token}, headers=shop_owner.owner.headers
    )
    retried = await client.post(
        shop_owner.url(), json={"token": fake.token}, headers=shop_owner.owner.headers
    )

    assert refused.status_code == 502 and "Failed to resolve host" in refused.json()["detail"]
    assert retried.status_code == 201
    listed = await client.get(shop_owner.url(), headers=shop_owner.owner.headers)
    assert [b["id"] for b in listed.json()] == [retried.json()["id"]]


async def test_concurrent_connections_of_one_bot_connect_it_once(
    client: AsyncClient, shop_owner: ShopOwner, telegram: FakeTelegram
) -> None:
    fake = telegram.add_bot()

    responses = await asyncio.gather(*(
        client.post(shop_owner.url(), json={"token": fake.token},
                    headers=shop_owner.owner.headers)
        for _ in range(4)
    ))  # fmt: skip

    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    [call] = telegram.calls_to("setWebhook")  # only the winner told Telegram
    [winner] = [r.json()["id"] for r in responses if r.status_code == 201]
    assert call.params["url"].endswith(f"/telegram/{winner}")
    update = command_update(tg_user(), "start")
    secret = {"X-Telegram-Bot-Api-Secret-Token": fake.webhook_secret or ""}
    assert (
        await client.post(f"/telegram/{winner}", json=update, headers=secret)
    ).status_code == 200


async def test_disconnecting_deletes_the_webhook_and_forgets_the_token(
    client: AsyncClient, container: Container, bot: Connected, shop_owner: ShopOwner,
    telegram: FakeTelegram,
) -> None:  # fmt: skip
    response = await client.delete(shop_owner.url(f"/{bot.id}"), headers=shop_owner.owner.headers)

    assert response.status_code == 204
    assert telegram.calls_to("deleteWebhook") and bot.fake.webhook_url == ""
    stored = await _stored(container, bot)
    assert stored["token_encrypted"] == "" and not stored["active"]
    listed = await client.get(shop_owner.url(), headers=shop_owner.owner.headers)
    assert listed.json() == []
    again = await client.delete(shop_owner.url(f"/{bot.id}"), headers=shop_owner.owner.headers)
    assert again.status_code == 404
    audit = await client.get(
        f"/api/v1/shops/{shop_owner.shop.slug}/audit", headers=shop_owner.owner.headers
    )
    actions = {e["action"] for e in audit.json()["items"]}
    assert {"telegram_bot.connected", "telegram_bot.disconnected"} <= actions


async def test_a_disconnected_bot_can_be_connected_again(
    client: AsyncClient, bot: Connected, shop_owner: ShopOwner
) -> None:
    await client.delete(shop_owner.url(f"/{bot.id}"), headers=shop_owner.owner.headers)

    again = await connect(client, shop_owner, bot.fake)

    assert again.id == bot.id and again.read["active"] is True


async def test_viewers_read_bots_and_only_admins_connect_them(
    client: AsyncClient, container: Container, bot: Connected, shop_owner: ShopOwner,
    telegram: FakeTelegram,
) -> None:  # fmt: skip
    viewer = await staff_member(container, client, shop=shop_owner.shop, role="viewer")
    manager = await staff_member(container, client, shop=shop_owner.shop, role="manager")
    admin = await staff_member(container, client, shop=shop_owner.shop, role="admin")
    token = {"token": telegram.add_bot("second_bot").token}

    assert (await client.get(shop_owner.url(), headers=viewer.headers)).status_code == 200
    assert (
        await client.post(shop_owner.url(), json=token, headers=viewer.headers)
    ).status_code == 403
    assert (
        await client.post(shop_owner.url(), json=token, headers=manager.headers)
    ).status_code == 403
    assert (
        await client.post(shop_owner.url(), json=token, headers=admin.headers)
    ).status_code == 201
    deleted = await client.delete(shop_owner.url(f"/{bot.id}"), headers=manager.headers)
    assert deleted.status_code == 403


async def test_another_shops_staff_cannot_see_or_remove_the_bot(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    other, stranger = await shop_with_owner(container, client)
    base = f"/api/v1/shops/{other.slug}/bots"

    assert (await client.get(f"{base}/{bot.id}", headers=stranger.headers)).status_code == 404
    assert (await client.delete(f"{base}/{bot.id}", headers=stranger.headers)).status_code == 404
    assert (await client.get(base, headers=stranger.headers)).json() == []


async def test_resetting_the_webhook_sets_it_again_with_a_new_secret(
    client: AsyncClient, container: Container, bot: Connected, shop_owner: ShopOwner,
    telegram: FakeTelegram,
) -> None:  # fmt: skip
    old_secret = bot.fake.webhook_secret
    bot.fake.webhook_url = "https://elsewhere.example/hook"  # someone pointed it away

    response = await client.post(shop_owner.url(f"/{bot.id}/webhook"),
                                 headers=shop_owner.owner.headers)  # fmt: skip

    assert response.status_code == 200, response.text
    assert response.json()["webhook"]["url"] == f"{PUBLIC_URL}/telegram/{bot.id}"
    assert bot.fake.webhook_secret and bot.fake.webhook_secret != old_secret
    header = "X-Telegram-Bot-Api-Secret-Token"
    stale = await client.post(f"/telegram/{bot.id}", json=command_update(tg_user(), "start"),
                              headers={header: old_secret or ""})  # fmt: skip
    fresh = await client.post(f"/telegram/{bot.id}", json=command_update(tg_user(), "start"),
                              headers={header: bot.fake.webhook_secret})  # fmt: skip
    assert stale.status_code == 401 and fresh.status_code == 200
    viewer = await staff_member(container, client, shop=shop_owner.shop, role="viewer")
    refused = await client.post(shop_owner.url(f"/{bot.id}/webhook"), headers=viewer.headers)
    assert refused.status_code == 403
