"""The reconciliation removes members without an active grant and leaves paying ones alone."""

from __future__ import annotations

from httpx import AsyncClient

from shopkeeper.bootstrap import Container
from shopkeeper.bots.telegram import tasks
from shopkeeper.db import unit_of_work
from shopkeeper.scheduler.tasks import load_tasks
from tests.bots.telegram.channel_helpers import (
    CHAT_ID,
    access_log,
    customer_of,
    joined,
    plan_with_channel,
    start,
    subscribe,
)
from tests.bots.telegram.conftest import Connected
from tests.fakes.telegram import FakeTelegram, tg_user


async def _reconcile(container: Container) -> None:
    async with unit_of_work(container.sessions) as session:
        await tasks.reconcile_chats(session, container, container.clock.now())


async def test_an_intruder_is_removed_and_a_paying_member_kept(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    payer, intruder, moderator = tg_user(), tg_user(first_name="Leak"), tg_user(first_name="Mod")
    await start(client, bot, payer)
    payer_customer = await customer_of(container, payer)
    plan, _channel = await plan_with_channel(container, client, bot, telegram)
    await subscribe(container, bot, plan, payer_customer)
    await joined(client, bot, telegram, payer)
    await joined(client, bot, telegram, intruder)  # through a forwarded link
    await joined(client, bot, telegram, moderator, status="administrator")

    await _reconcile(container)

    [ban] = telegram.calls_to("banChatMember")
    [unban] = telegram.calls_to("unbanChatMember")
    assert (ban.params["chat_id"], ban.params["user_id"]) == (CHAT_ID, intruder["id"])
    assert (unban.params["user_id"], unban.params["only_if_banned"]) == (intruder["id"], True)
    assert telegram.members[(CHAT_ID, payer["id"])] == "member"
    assert telegram.members[(CHAT_ID, moderator["id"])] == "administrator"
    assert telegram.members[(CHAT_ID, intruder["id"])] == "left"
    removal = [e for e in await access_log(container, bot) if e.action == "removal"]
    assert [(e.customer_id, e.detail) for e in removal] == [
        (await customer_of(container, intruder), "no active grant (leaked link?)")
    ]

    await _reconcile(container)  # nothing left to do
    assert len(telegram.calls_to("banChatMember")) == 1


async def test_someone_who_already_left_is_not_banned(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await plan_with_channel(container, client, bot, telegram)
    gone = tg_user()
    await joined(client, bot, telegram, gone)
    telegram.members[(CHAT_ID, gone["id"])] = "left"  # the bot missed the leave update

    await _reconcile(container)

    assert telegram.calls_to("banChatMember") == []
    assert [e.action for e in await access_log(container, bot)] == ["join"]


async def test_a_chat_whose_bot_lost_its_rights_waits_for_the_next_round(
    client: AsyncClient, container: Container, bot: Connected, telegram: FakeTelegram
) -> None:
    await plan_with_channel(container, client, bot, telegram)
    intruder = tg_user()
    await joined(client, bot, telegram, intruder)
    telegram.set_rights(CHAT_ID, admin=True, can_restrict_members=False)

    await _reconcile(container)
    assert telegram.members[(CHAT_ID, intruder["id"])] == "member"

    telegram.set_rights(CHAT_ID, admin=True)
    await _reconcile(container)
    assert telegram.members[(CHAT_ID, intruder["id"])] == "left"


def test_the_reconciliation_runs_every_ten_minutes() -> None:
    [task] = [t for t in load_tasks(["shopkeeper.bots.telegram.tasks"]) if "reconcile" in t.name]
    assert task.name == "telegram.reconcile_chats"
    assert task.every is not None and task.every.total_seconds() == 600
