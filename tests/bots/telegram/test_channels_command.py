"""/channels and "My channels": each chat the customer holds, with a fresh way in."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from tests.bots.telegram.channel_helpers import (
    CHAT_ID,
    TITLE,
    buttons,
    customer_of,
    joined,
    plan_with_channel,
    start,
    subscribe,
)
from tests.bots.telegram.conftest import Connected, deliver
from tests.fakes.telegram import FakeTelegram, callback_update, command_update, tg_user


async def test_no_channels_yet_points_to_buy(
    client: AsyncClient, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user(language_code="pl")

    await deliver(client, bot, command_update(user, "channels"))

    reply = telegram.sent(user["id"])[-1]
    assert reply["text"] == "Nie masz jeszcze kanałów. Uzyskaj dostęp: /buy."


async def test_a_granted_chat_comes_with_a_fresh_single_use_link(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user()
    await start(client, bot, user)
    plan, _channel = await plan_with_channel(container, client, bot, telegram)
    await subscribe(container, bot, plan, await customer_of(container, user))
    first_link = next(iter(telegram.invite_links))

    await deliver(client, bot, callback_update(user, "menu:channels"))

    reply = telegram.sent(user["id"])[-1]
    assert reply["text"] == (
        f"Your channels:\n🔑 {TITLE}: tap the button below to join (the link works once)."
    )
    [(label, url)] = buttons(reply)
    assert label == f"Join {TITLE}" and url in telegram.invite_links and url != first_link
    assert telegram.calls_to("createChatInviteLink")[-1].params["member_limit"] == 1


async def test_a_member_is_told_so_and_needs_no_link(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user(language_code="ru")
    await start(client, bot, user)
    plan, _channel = await plan_with_channel(container, client, bot, telegram)
    await subscribe(container, bot, plan, await customer_of(container, user))
    await joined(client, bot, telegram, user)
    links = len(telegram.invite_links)

    await deliver(client, bot, command_update(user, "channels"))

    reply = telegram.sent(user["id"])[-1]
    assert reply["text"] == f"Ваши каналы:\n✅ {TITLE}: вы участник."
    assert buttons(reply) == [] and len(telegram.invite_links) == links


async def test_a_chat_the_bot_cannot_invite_to_says_to_try_later(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    user = tg_user()
    await start(client, bot, user)
    plan, _channel = await plan_with_channel(container, client, bot, telegram)
    await subscribe(container, bot, plan, await customer_of(container, user))
    telegram.set_rights(CHAT_ID, admin=False)

    response = await deliver(client, bot, command_update(user, "channels"))

    assert response.status_code == 200
    reply = telegram.sent(user["id"])[-1]
    assert "cannot be made right now" in reply["text"] and buttons(reply) == []
