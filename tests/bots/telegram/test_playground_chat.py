"""A staff member chats with the shop's bot in the playground: the same Dispatcher and
handlers as Telegram's updates get, the bot's answers kept and shown as the page shows them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram.models import TelegramUpdate, TelegramUser
from shopkeeper.bots.telegram.playground import (
    join_via_link,
    leave_channel,
    pay_invoice,
    press_button,
    set_language,
)
from shopkeeper.bots.telegram.playground.schemas import ChatView, MessageView
from tests.bots.telegram.playground_world import World, make_world


@pytest.fixture
async def world(container: Container) -> World:
    return await make_world(container)


def _bot_messages(view: ChatView) -> list[MessageView]:
    return [m for m in view.messages if m.sender == "bot"]


async def test_start_is_answered_with_the_menu(world: World, container: Container) -> None:
    tester = world.tester("Olivia Stone")

    outcome = await world.say(tester, "/start")

    assert outcome.level == "info" and outcome.key == ""
    view = await world.view(tester)
    assert [m.sender for m in view.messages] == ["user", "bot"]
    assert str(view.messages[0].html) == "/start"
    reply = view.messages[1]
    assert "Hello, Olivia! Welcome to Lumen Club." in str(reply.html)
    buttons = [b for row in reply.rows for b in row]
    assert buttons and all(b.kind == "callback" for b in buttons)
    assert "menu:help" in [b.data for b in buttons]
    async with container.readers() as session:
        person = (await session.execute(select(TelegramUser))).scalar_one()
    assert person.telegram_user_id == view.tester.telegram_user_id and view.tester.started


async def test_pressing_a_button_sends_a_callback_query(world: World) -> None:
    tester = world.tester()
    await world.say(tester, "/start")
    menu = _bot_messages(await world.view(tester))[-1]

    await press_button(
        world.container,
        shop_id=world.shop.id,
        tester=tester,
        message_id=menu.message_id,
        data="menu:help",
    )

    assert "/help" in str(_bot_messages(await world.view(tester))[-1].html)
    gone = await press_button(
        world.container,
        shop_id=world.shop.id,
        tester=tester,
        message_id=menu.message_id,
        data="menu:nothing",
    )
    assert (gone.level, gone.key) == ("error", "button_gone")


async def test_the_language_of_the_tester_app_picks_the_bot_language(world: World) -> None:
    tester = world.tester("Ola")
    saved = await set_language(world.container, shop_id=world.shop.id, tester=tester, language="ru")
    assert saved.key == "language_saved"

    await world.say(tester, "/start")

    view = await world.view(tester)
    assert view.tester.language == "ru"
    assert "Здравствуйте, Ola!" in str(_bot_messages(view)[-1].html)


async def test_two_staff_members_are_two_telegram_users(world: World) -> None:
    first, second = world.tester("Ann"), world.tester("Bob")
    await world.say(first, "/start")
    await world.say(second, "/help")
    one, two = await world.view(first), await world.view(second)
    assert one.tester.telegram_user_id != two.tester.telegram_user_id
    assert [m.sender for m in one.messages] == [m.sender for m in two.messages] == ["user", "bot"]
    assert "Hello, Ann!" in str(one.messages[1].html) and "/help" in str(two.messages[1].html)


async def test_an_update_is_processed_once(world: World, container: Container) -> None:
    tester = world.tester()
    await asyncio.gather(*(world.say(tester, f"/help {n}") for n in range(5)))
    async with container.readers() as session:
        count = (await session.execute(select(func.count()).select_from(TelegramUpdate))).scalar()
    view = await world.view(tester)
    assert count == 5 and len(_bot_messages(view)) == 5


async def _invite(world: World, tester_id: int, **options: object) -> str:
    bot = await world.bot()
    link = await bot.create_chat_invite_link(world.channel, **options)  # type: ignore[arg-type]
    await bot.send_message(tester_id, f"Your access: {link.invite_link}")
    await world.flush()
    return link.invite_link


async def test_joining_the_channel_with_the_link_the_bot_sent(world: World) -> None:
    tester = world.tester("Ann")
    await world.say(tester, "/start")
    me = (await world.view(tester)).tester.telegram_user_id
    link = await _invite(world, me, member_limit=1)
    view = await world.view(tester)
    message = _bot_messages(view)[-1]
    assert [b.link for b in message.links] == [link]
    assert f'href="{link}"' in str(message.html) and 'target="_blank"' in str(message.html)
    assert [(lv.link, lv.usable) for lv in view.channels[0].links] == [(link, True)]

    joined = await join_via_link(world.container, shop_id=world.shop.id, tester=tester, link=link)

    assert (joined.level, joined.key) == ("success", "joined")
    view = await world.view(tester)
    assert [(m.user_id, m.status, m.is_you) for m in view.channels[0].members] == [
        (me, "member", True)
    ]
    assert view.messages[-1].note == "joined"
    assert (await (await world.bot()).get_chat_member(world.channel, me)).status == "member"
    again = await join_via_link(world.container, shop_id=world.shop.id, tester=tester, link=link)
    assert again.key == "already_member"
    left = await leave_channel(
        world.container, shop_id=world.shop.id, tester=tester, chat_id=world.channel
    )
    assert left.key == "left"
    full = await join_via_link(world.container, shop_id=world.shop.id, tester=tester, link=link)
    assert full.key == "link_full"


async def test_a_one_person_link_admits_one_of_two_concurrent_joins(world: World) -> None:
    ann, bob = world.tester("Ann"), world.tester("Bob")
    await world.say(ann, "/start")
    link = await _invite(world, (await world.view(ann)).tester.telegram_user_id, member_limit=1)

    outcomes = await asyncio.gather(
        *(
            join_via_link(world.container, shop_id=world.shop.id, tester=t, link=link)
            for t in (ann, bob)
        )
    )

    assert sorted(o.key for o in outcomes) == ["joined", "link_full"]
    members = (await world.view(ann)).channels[0].members
    assert [m.status for m in members] == ["member"]


async def test_expired_links_and_banned_people_are_refused(
    world: World, container: Container
) -> None:
    tester = world.tester()
    await world.say(tester, "/start")
    me = (await world.view(tester)).tester.telegram_user_id
    soon = container.clock.now() + timedelta(minutes=5)
    link = await _invite(world, me, expire_date=soon)
    bot = await world.bot()
    await bot.ban_chat_member(world.channel, me)
    await world.flush()
    banned = await join_via_link(container, shop_id=world.shop.id, tester=tester, link=link)
    assert banned.key == "banned"
    await bot.unban_chat_member(world.channel, me, only_if_banned=True)
    await world.flush()
    container.clock.advance(minutes=6)  # type: ignore[attr-defined]
    expired = await join_via_link(container, shop_id=world.shop.id, tester=tester, link=link)
    assert expired.key == "link_expired"
    assert not (await world.view(tester)).channels[0].links[0].usable


async def _updates(container: Container) -> int:
    async with container.readers() as session:
        return int(
            (await session.execute(select(func.count()).select_from(TelegramUpdate))).scalar()
        )


async def test_a_join_request_waits_for_the_bot_to_approve_it(
    world: World, container: Container
) -> None:
    tester = world.tester()
    await world.say(tester, "/start")
    me = (await world.view(tester)).tester.telegram_user_id
    link = await _invite(world, me, creates_join_request=True)
    before = await _updates(container)

    asked = await join_via_link(world.container, shop_id=world.shop.id, tester=tester, link=link)

    assert asked.key == "join_requested"
    assert await _updates(container) == before + 1  # the chat_join_request reached the bot
    members = (await world.view(tester)).channels[0].members
    assert [m.status for m in members] == ["requested"]  # this channel is sold by no plan
    bot = await world.bot()
    assert (await bot.get_chat_member(world.channel, me)).status == "left"

    assert await bot.approve_chat_join_request(world.channel, me)
    await world.flush()

    assert (await bot.get_chat_member(world.channel, me)).status == "member"
    assert await _updates(container) == before + 2  # and the chat_member that followed


async def test_an_invoice_is_paid_only_when_the_bot_says_yes(world: World) -> None:
    from aiogram.types import LabeledPrice

    from shopkeeper.audit import Actor

    tester = world.tester()
    await world.say(tester, "/start")
    me = (await world.view(tester)).tester.telegram_user_id
    await (await world.bot()).send_invoice(
        me,
        title="VIP",
        description="A month",
        payload="not-a-payment",
        currency="XTR",
        prices=[LabeledPrice(label="VIP", amount=50)],
        provider_token="",
    )
    await world.flush()
    card = _bot_messages(await world.view(tester))[-1].invoice
    assert card is not None and (card.title, card.total_amount, card.stars) == ("VIP", 50, True)

    outcome = await pay_invoice(
        world.container,
        shop_id=world.shop.id,
        tester=tester,
        invoice_id=card.id,
        actor=Actor.system("tests"),
    )

    assert outcome.level == "error" and outcome.key in ("payment_declined", "payment_unanswered")
    view = await world.view(tester)
    assert view.messages[-1].note == outcome.key
    assert not _bot_messages(view)[-1].invoice.paid  # type: ignore[union-attr]
