"""Paying grants a chat: a one-time invite link reaches the buyer; expiry removes them again."""

from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from tests.bots.telegram.channel_helpers import (
    CHAT_ID,
    TITLE,
    access_log,
    buttons,
    customer_of,
    grants,
    joined,
    notifications_of,
    plan_with_channel,
    settle,
    start,
    subscribe,
)
from tests.bots.telegram.conftest import Connected
from tests.builders.orders import create_customer
from tests.builders.subscriptions import run_expire
from tests.fakes.telegram import FakeTelegram, tg_user


async def test_a_paid_plan_sends_a_one_time_invite_link_through_the_bot(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram,
    clock: FrozenClock,
) -> None:  # fmt: skip
    user = tg_user(first_name="Vera")
    await start(client, bot, user)
    plan, _channel = await plan_with_channel(container, client, bot, telegram)

    await subscribe(container, bot, plan, await customer_of(container, user))

    [link_call] = telegram.calls_to("createChatInviteLink")
    params = link_call.params
    assert (params["chat_id"], params["member_limit"]) == (CHAT_ID, 1)
    assert params["expire_date"] == int((clock.now() + timedelta(days=1)).timestamp())
    assert "creates_join_request" not in params and params["name"].startswith("grant ")
    link = next(iter(telegram.invite_links))
    [grant] = await grants(container, bot, await customer_of(container, user))
    assert (grant.state, grant.join_url) == ("granted", link)
    message = telegram.sent(user["id"])[-1]
    assert message["text"] == f"Access to {TITLE} is yours. Join here: {link}"
    assert buttons(message) == [("Join", link)]
    [notice] = [n for n in await notifications_of(container, bot) if n.purpose == "access.granted"]
    assert (notice.channel, notice.status) == ("telegram", "sent")


async def test_join_request_chats_get_an_approval_link_without_a_member_limit(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user()
    await start(client, bot, user)
    plan, _channel = await plan_with_channel(container, client, bot, telegram, mode="join_request")

    await subscribe(container, bot, plan, await customer_of(container, user))

    [link_call] = telegram.calls_to("createChatInviteLink")
    assert link_call.params["creates_join_request"] is True
    assert "member_limit" not in link_call.params


async def test_someone_already_in_the_chat_is_granted_without_a_link(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user()
    await start(client, bot, user)
    plan, _channel = await plan_with_channel(container, client, bot, telegram)
    telegram.members[(CHAT_ID, user["id"])] = "member"

    await subscribe(container, bot, plan, await customer_of(container, user))

    assert telegram.calls_to("createChatInviteLink") == []
    [grant] = await grants(container, bot, await customer_of(container, user))
    assert (grant.state, grant.join_url, grant.reason) == ("granted", None, "already a member")
    assert telegram.sent(user["id"])[-1]["text"] == f"Access to {TITLE} is yours."


async def test_a_web_customer_is_told_to_open_the_bot_and_gets_the_link_after_start(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    plan, _channel = await plan_with_channel(container, client, bot, telegram)
    buyer = await create_customer(container, shop=bot.so.shop)  # known by e-mail only

    await subscribe(container, bot, plan, buyer.id)

    [grant] = await grants(container, bot, buyer.id)
    assert grant.state == "action_required"
    assert grant.reason.startswith("open https://t.me/lumen_bot?start=link_")
    assert telegram.calls_to("createChatInviteLink") == [] and telegram.sent() == []
    payload = grant.reason.split("start=", 1)[1].split()[0]

    user = tg_user(first_name="Web")
    await start(client, bot, user, payload)
    await settle(container)

    [grant] = await grants(container, bot, buyer.id)
    link = next(iter(telegram.invite_links))
    assert (grant.state, grant.join_url) == ("granted", link)
    assert await customer_of(container, user) == buyer.id  # the accounts are one customer now
    assert telegram.sent(user["id"])[-1]["text"].endswith(f"Join here: {link}")
    async with unit_of_work(container.sessions) as session:
        customer = await identity.get_customer(
            session, shop_id=bot.so.shop.id, customer_id=buyer.id
        )
    assert ("telegram", str(user["id"])) in {(i.kind, i.value) for i in customer.identities}


async def test_a_forged_link_payload_links_nothing(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    plan, _channel = await plan_with_channel(container, client, bot, telegram)
    buyer = await create_customer(container, shop=bot.so.shop)
    await subscribe(container, bot, plan, buyer.id)
    [grant] = await grants(container, bot, buyer.id)

    intruder = tg_user()
    await start(client, bot, intruder, f"link_{grant.id.hex}{'0' * 16}")
    await settle(container)

    assert (await grants(container, bot, buyer.id))[0].state == "action_required"
    assert await customer_of(container, intruder) != buyer.id


async def test_a_customer_known_by_telegram_id_gets_access_on_their_first_start(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    plan, _channel = await plan_with_channel(container, client, bot, telegram)
    user = tg_user()
    async with unit_of_work(container.sessions) as session:  # e.g. they paid in the Mini App
        buyer = await identity.find_or_create_customer(
            session, shop_id=bot.so.shop.id, kind="telegram", value=str(user["id"]),
            now=container.clock.now(),
        )  # fmt: skip
    await subscribe(container, bot, plan, buyer.id)
    assert (await grants(container, bot, buyer.id))[0].state == "action_required"

    await start(client, bot, user)
    await settle(container)

    [grant] = await grants(container, bot, buyer.id)
    assert grant.state == "granted" and grant.join_url in telegram.invite_links


async def test_expiry_removes_the_member_so_they_can_come_back_after_paying(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram,
    clock: FrozenClock,
) -> None:  # fmt: skip
    user = tg_user()
    await start(client, bot, user)
    customer = await customer_of(container, user)
    plan, _channel = await plan_with_channel(container, client, bot, telegram)
    await subscribe(container, bot, plan, customer)
    await joined(client, bot, telegram, user)

    clock.advance(days=40)
    await run_expire(container)
    await settle(container)

    [ban] = telegram.calls_to("banChatMember")
    [unban] = telegram.calls_to("unbanChatMember")
    assert (ban.params["chat_id"], ban.params["user_id"]) == (CHAT_ID, user["id"])
    assert (unban.params["user_id"], unban.params["only_if_banned"]) == (user["id"], True)
    assert telegram.members[(CHAT_ID, user["id"])] == "left"  # banned no more: may come back
    [grant] = await grants(container, bot, customer)
    assert grant.state == "revoked"
    assert telegram.sent(user["id"])[-1]["text"] == f"Your access to {TITLE} has ended."
    actions = [(e.action, e.customer_id) for e in await access_log(container, bot)]
    assert actions[-3:] == [("join", customer), ("removal", customer), ("revoke", customer)]
