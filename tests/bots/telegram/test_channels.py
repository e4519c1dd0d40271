"""The channels API: registering a chat checks the bot's rights and says what is missing."""

from __future__ import annotations

import asyncio

import pytest
from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper.audit.models import AuditEntry
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.shops import Role
from tests.bots.telegram.channel_helpers import CHAT_ID, TITLE, channels_url, register
from tests.bots.telegram.conftest import Connected, ShopOwner, connect
from tests.builders.staff import shop_with_owner, staff_member
from tests.builders.subscriptions import create_plan
from tests.fakes.telegram import FakeTelegram

MAKE_ADMIN = "make the bot an admin of the chat"
INVITE = "give it the right 'Invite users via link' ('Add subscribers' in a channel)"
BAN = "give it the right 'Ban users' (to remove people whose access ended)"


async def _post(client: AsyncClient, bot: Connected, **body: object):  # type: ignore[no-untyped-def]
    payload = {"chat_id": CHAT_ID, "bot_id": str(bot.id), **body}
    return await client.post(channels_url(bot), json=payload, headers=bot.so.owner.headers)


async def test_registering_a_channel_creates_its_access_target_with_the_plans(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    plan = await create_plan(container, shop=bot.so.shop)

    channel = await register(client, bot, telegram, products=[plan])

    assert (channel["chat_id"], channel["title"], channel["type"]) == (CHAT_ID, TITLE, "channel")
    assert (channel["mode"], channel["invite_ttl_seconds"]) == ("invite_link", 86_400)
    assert (channel["rights_ok"], channel["problems"], channel["active"]) == (True, [], True)
    assert channel["product_ids"] == [str(plan.id)]
    asked = [c.method for c in telegram.calls if c.method in ("getChat", "getChatMember")]
    assert asked == ["getChat", "getChatMember"]
    assert telegram.calls_to("getChatMember")[0].params["user_id"] == bot.fake.id
    target = await client.get(
        f"/api/v1/shops/{bot.so.shop.slug}/access/targets/{channel['target_id']}",
        headers=bot.so.owner.headers,
    )
    body = target.json()
    assert (body["platform"], body["external_id"], body["title"]) == (
        "telegram_chat", str(CHAT_ID), TITLE
    )  # fmt: skip
    assert body["settings"] == {
        "bot_id": str(bot.id), "mode": "invite_link", "invite_ttl_seconds": 86_400
    }  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert "telegram_chat.registered" in actions and "access_target.created" in actions


@pytest.mark.parametrize(
    ("rights", "expected"),
    [
        ({"admin": False}, [MAKE_ADMIN]),
        ({"admin": True, "can_invite_users": False}, [INVITE]),
        ({"admin": True, "can_restrict_members": False}, [BAN]),
        ({"admin": True, "can_invite_users": False, "can_restrict_members": False}, [INVITE, BAN]),
    ],
)
async def test_a_bot_without_the_rights_it_needs_is_told_exactly_what_is_missing(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram, rights: dict[str, bool],
    expected: list[str],
) -> None:  # fmt: skip
    telegram.add_chat(CHAT_ID, TITLE)
    telegram.set_rights(CHAT_ID, **rights)

    response = await _post(client, bot)

    assert response.status_code == 422
    assert response.json() == {"error": "BotRightsMissing", "detail": "; ".join(expected)}
    listed = await client.get(channels_url(bot), headers=bot.so.owner.headers)
    assert listed.json()["total"] == 0


async def test_an_unknown_chat_a_user_id_and_a_foreign_bot_are_refused(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    unknown = await _post(client, bot, chat_id="@nobody_here")
    assert (
        unknown.status_code == 422 and "cannot find chat @nobody_here" in unknown.json()["detail"]
    )
    missing = await client.post(
        channels_url(bot), json={"chat_id": "-42", "bot_id": str(bot.id)},
        headers=bot.so.owner.headers,
    )  # fmt: skip
    assert missing.status_code == 422  # "-42": an id given as text, of no known chat
    positive = await _post(client, bot, chat_id=42)
    assert positive.status_code == 422 and "negative" in positive.text
    other_shop, other_owner = await shop_with_owner(container, client)
    other = await connect(client, ShopOwner(other_shop, other_owner), telegram.add_bot("other_bot"))
    telegram.add_chat(CHAT_ID, TITLE)
    telegram.set_rights(CHAT_ID, admin=True)
    foreign = await _post(client, bot, bot_id=str(other.id))
    assert foreign.status_code == 404


async def test_a_chat_is_registered_once_and_can_come_back_after_removal(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    channel = await register(client, bot, telegram)
    again = await _post(client, bot)
    assert again.status_code == 409

    removed = await client.delete(
        channels_url(bot, f"/{channel['id']}"), headers=bot.so.owner.headers
    )
    assert removed.status_code == 200 and removed.json()["active"] is False
    target = await client.get(
        f"/api/v1/shops/{bot.so.shop.slug}/access/targets/{channel['target_id']}",
        headers=bot.so.owner.headers,
    )
    assert target.json()["active"] is False

    back = await _post(client, bot, mode="join_request")
    assert back.status_code == 201
    assert (back.json()["id"], back.json()["mode"], back.json()["active"]) == (
        channel["id"], "join_request", True
    )  # fmt: skip


async def test_rights_are_checked_again_on_demand(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    channel = await register(client, bot, telegram)
    telegram.set_rights(CHAT_ID, admin=True, can_restrict_members=False)

    checked = await client.post(
        channels_url(bot, f"/{channel['id']}/check"), headers=bot.so.owner.headers
    )
    assert checked.status_code == 200
    assert (checked.json()["rights_ok"], checked.json()["problems"]) == (False, [BAN])
    listed = await client.get(channels_url(bot), headers=bot.so.owner.headers)
    [item] = listed.json()["items"]
    assert (item["rights_ok"], item["problems"]) == (False, [BAN])

    telegram.set_rights(CHAT_ID, admin=True)
    fixed = await client.post(
        channels_url(bot, f"/{channel['id']}/check"), headers=bot.so.owner.headers
    )
    assert (fixed.json()["rights_ok"], fixed.json()["problems"]) == (True, [])


async def test_mode_title_and_link_lifetime_change_the_target_too(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    channel = await register(client, bot, telegram)

    changed = await client.patch(
        channels_url(bot, f"/{channel['id']}"),
        json={"mode": "join_request", "title": "VIP lounge", "invite_ttl_seconds": 3600},
        headers=bot.so.owner.headers,
    )

    assert changed.status_code == 200
    body = changed.json()
    assert (body["mode"], body["title"], body["invite_ttl_seconds"]) == (
        "join_request", "VIP lounge", 3600
    )  # fmt: skip
    target = await client.get(
        f"/api/v1/shops/{bot.so.shop.slug}/access/targets/{channel['target_id']}",
        headers=bot.so.owner.headers,
    )
    assert target.json()["title"] == "VIP lounge"
    assert target.json()["settings"]["mode"] == "join_request"
    assert target.json()["settings"]["invite_ttl_seconds"] == 3600


async def test_viewers_read_channels_and_other_shops_see_nothing(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    channel = await register(client, bot, telegram)
    viewer = await staff_member(container, client, shop=bot.so.shop, role=Role.VIEWER)

    read = await client.get(channels_url(bot, f"/{channel['id']}"), headers=viewer.headers)
    assert read.status_code == 200 and read.json()["chat_id"] == CHAT_ID
    write = await client.delete(channels_url(bot, f"/{channel['id']}"), headers=viewer.headers)
    assert write.status_code == 403

    other_shop, other_owner = await shop_with_owner(container, client)
    url = f"/api/v1/shops/{other_shop.slug}/channels/{channel['id']}"
    assert (await client.get(url, headers=other_owner.headers)).status_code == 404
    assert (await client.get(channels_url(bot), headers=other_owner.headers)).status_code == 404


async def test_two_concurrent_registrations_of_a_chat_make_one_channel(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    telegram.add_chat(CHAT_ID, TITLE)
    telegram.set_rights(CHAT_ID, admin=True)

    first, second = await asyncio.gather(_post(client, bot), _post(client, bot))

    assert sorted([first.status_code, second.status_code]) == [201, 409]
    listed = await client.get(channels_url(bot), headers=bot.so.owner.headers)
    assert listed.json()["total"] == 1
    targets = await client.get(
        f"/api/v1/shops/{bot.so.shop.slug}/access/targets", headers=bot.so.owner.headers
    )
    assert targets.json()["total"] == 1
