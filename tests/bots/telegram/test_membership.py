"""Join requests are approved only for grant holders; joins, leaves and rights are recorded."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram.chat_models import TelegramChatMember
from shopkeeper.db import unit_of_work
from tests.bots.telegram.channel_helpers import (
    CHAT_ID,
    access_log,
    channels_url,
    customer_of,
    joined,
    plan_with_channel,
    register,
    start,
    subscribe,
)
from tests.bots.telegram.conftest import Connected, deliver
from tests.fakes.telegram import (
    FakeTelegram,
    chat_member_update,
    my_chat_member_update,
    tg_user,
)


async def _members(container: Container) -> dict[int, tuple[str, object]]:
    async with unit_of_work(container.sessions) as session:
        rows = await session.scalars(select(TelegramChatMember))
        return {r.telegram_user_id: (r.status, r.customer_id) for r in rows}


async def test_a_join_request_is_approved_for_a_grant_holder_and_declined_for_a_stranger(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    payer, stranger = tg_user(first_name="Payer"), tg_user(first_name="Stranger")
    await start(client, bot, payer)
    customer = await customer_of(container, payer)
    plan, _channel = await plan_with_channel(container, client, bot, telegram, mode="join_request")
    await subscribe(container, bot, plan, customer)

    assert (await deliver(client, bot, telegram.join_request(payer, CHAT_ID))).status_code == 200
    assert (await deliver(client, bot, telegram.join_request(stranger, CHAT_ID))).status_code == 200

    [approved] = telegram.calls_to("approveChatJoinRequest")
    [declined] = telegram.calls_to("declineChatJoinRequest")
    assert (approved.params["chat_id"], approved.params["user_id"]) == (CHAT_ID, payer["id"])
    assert (declined.params["chat_id"], declined.params["user_id"]) == (CHAT_ID, stranger["id"])
    assert telegram.members[(CHAT_ID, payer["id"])] == "member"
    assert (CHAT_ID, stranger["id"]) not in telegram.members
    log = [(e.action, e.customer_id) for e in await access_log(container, bot)]
    stranger_customer = await customer_of(container, stranger)
    assert log[-2:] == [("approve", customer), ("decline", stranger_customer)]
    assert (await _members(container))[payer["id"]] == ("member", customer)


async def test_requests_for_chats_the_shop_did_not_register_are_left_alone(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    telegram.add_chat(-100999, "Elsewhere")
    telegram.set_rights(-100999, admin=True)

    await deliver(client, bot, telegram.join_request(tg_user(), -100999))

    assert telegram.calls_to("declineChatJoinRequest") == []
    assert telegram.calls_to("approveChatJoinRequest") == []


async def test_joins_and_leaves_are_remembered_and_logged(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await register(client, bot, telegram)
    user, admin = tg_user(), tg_user(first_name="Admin")

    await joined(client, bot, telegram, user)
    chat = telegram.chat(CHAT_ID)
    await deliver(client, bot, chat_member_update(user, chat, old="member", new="left"))
    banned = chat_member_update(user, chat, old="left", new="kicked", actor=admin)
    await deliver(client, bot, banned)

    customer = await customer_of(container, user)
    log = [(e.action, e.customer_id, e.detail) for e in await access_log(container, bot)]
    assert log == [
        ("join", customer, f"Telegram user {user['id']} joined"),
        ("leave", customer, f"Telegram user {user['id']} left"),
    ]  # leaving again (banned after leaving) changes nothing
    assert (await _members(container))[user["id"]] == ("kicked", customer)


async def test_the_bots_rights_follow_its_promotions_and_demotions(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    channel = await register(client, bot, telegram)
    chat, owner = telegram.chat(CHAT_ID), tg_user(first_name="Owner")

    demoted = my_chat_member_update(owner, bot.fake.user(), old="administrator", new="member",
                                    chat=chat)  # fmt: skip
    await deliver(client, bot, demoted)
    read = (
        await client.get(channels_url(bot, f"/{channel['id']}"), headers=bot.so.owner.headers)
    ).json()
    assert (read["rights_ok"], read["problems"]) == (False, ["make the bot an admin of the chat"])

    promoted = my_chat_member_update(owner, bot.fake.user(), old="member", new="administrator",
                                     chat=chat)  # fmt: skip
    await deliver(client, bot, promoted)
    read = (
        await client.get(channels_url(bot, f"/{channel['id']}"), headers=bot.so.owner.headers)
    ).json()
    assert (read["rights_ok"], read["problems"]) == (True, [])


async def test_a_redelivered_join_request_is_decided_once(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await register(client, bot, telegram, mode="join_request")
    stranger = tg_user()
    update = telegram.join_request(stranger, CHAT_ID)

    for _ in range(2):
        assert (await deliver(client, bot, update)).status_code == 200

    assert len(telegram.calls_to("declineChatJoinRequest")) == 1
    assert [e.action for e in await access_log(container, bot)] == ["decline"]
