"""The broadcasts API: drafts, permissions, tenancy, bad input, state changes, tests to
oneself, schedules, images."""

from __future__ import annotations

import uuid
from datetime import timedelta

from httpx import AsyncClient

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.notifications.broadcasts import start_due
from shopkeeper.shops import Role
from tests.bots.telegram.conftest import Connected, ShopOwner, connect
from tests.builders.staff import shop_with_owner, staff_member
from tests.notifications.broadcasts.conftest import (
    TimedTelegram,
    create,
    engine,
    people,
    read,
    send_now,
    url,
)


async def test_a_draft_is_created_listed_read_and_edited_with_an_audit_trail(
    client: AsyncClient, bot: Connected
) -> None:
    so = bot.so
    draft = await create(client, bot, audience={"kind": "never_paid"})
    assert draft["status"] == "draft" and draft["audience"] == {"kind": "never_paid"}
    assert draft["created_by"] == str(so.owner.user.id)

    edited = await client.patch(
        url(so, f"/{draft['id']}"),
        json={"text": "<i>New</i> text", "audience": {"kind": "expired_within", "days": 7}},
        headers=so.owner.headers,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["text"] == "<i>New</i> text"
    assert edited.json()["audience"] == {"kind": "expired_within", "days": 7, "product_id": None}

    listed = (await client.get(url(so), headers=so.owner.headers)).json()
    assert [b["id"] for b in listed["items"]] == [draft["id"]] and listed["total"] == 1
    audit = await client.get(f"/api/v1/shops/{so.shop.slug}/audit", headers=so.owner.headers)
    actions = [e["action"] for e in audit.json()["items"]]
    assert "notifications.broadcast_created" in actions
    assert "notifications.broadcast_updated" in actions


async def test_bad_input_is_refused_and_changes_nothing(
    client: AsyncClient, bot: Connected
) -> None:
    so = bot.so
    for audience in (
        {"kind": "martians"},
        {"kind": "expired_within", "days": 0},
        {"kind": "plan_subscribers"},
    ):
        body = {"text": "Hi", "audience": audience}
        response = await client.post(url(so), json=body, headers=so.owner.headers)
        assert response.status_code == 422, audience
    long_caption = {"text": "x" * 1100, "image_url": "https://img.example/a.png",
                    "audience": {"kind": "all"}}  # fmt: skip
    response = await client.post(url(so), json=long_caption, headers=so.owner.headers)
    assert response.status_code == 422 and "caption" in response.json()["detail"]
    response = await client.post(url(so), json={"text": "", "audience": {"kind": "all"}},
                                 headers=so.owner.headers)  # fmt: skip
    assert response.status_code == 422
    for text in ("<b>Sale", "<div>Sale</div>", "2 < 3"):  # Telegram would refuse each send
        body = {"text": text, "audience": {"kind": "all"}}
        response = await client.post(url(so), json=body, headers=so.owner.headers)
        assert response.status_code == 422 and "HTML" in response.text, text
    assert (await client.get(url(so), headers=so.owner.headers)).json()["total"] == 0


async def test_unknown_and_other_shops_broadcasts_are_not_found(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    mine = await create(client, bot)
    shop, owner = await shop_with_owner(container, client, name="Other shop")
    other = ShopOwner(shop, owner)
    response = await client.get(url(bot.so, f"/{uuid.uuid4()}"), headers=bot.so.owner.headers)
    assert response.status_code == 404 and response.json()["error"] == "BroadcastNotFound"
    for path in (f"/{mine['id']}", f"/{mine['id']}/send", f"/{mine['id']}/cancel"):
        method = client.get if path.count("/") == 1 else client.post
        response = await method(url(other, path), headers=other.owner.headers)
        assert response.status_code == 404, path
    response = await client.get(url(bot.so, f"/{mine['id']}"), headers=other.owner.headers)
    assert response.status_code == 404  # not a member of the first shop
    assert (await read(client, bot, mine))["status"] == "draft"


async def test_permissions_read_write_and_send(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    so = bot.so
    draft = await create(client, bot)
    viewer = await staff_member(container, client, shop=so.shop, role=Role.VIEWER)
    manager = await staff_member(container, client, shop=so.shop, role=Role.MANAGER)
    assert (await client.get(url(so, f"/{draft['id']}"), headers=viewer.headers)).status_code == 200
    body = {"text": "Hi", "audience": {"kind": "all"}}
    assert (await client.post(url(so), json=body, headers=viewer.headers)).status_code == 403
    send = url(so, f"/{draft['id']}/send")
    assert (await client.post(send, headers=viewer.headers)).status_code == 403
    assert (await client.post(send, headers=manager.headers)).status_code == 200


async def test_sending_twice_or_editing_after_sending_conflicts(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    await people(container, bot, 2)
    broadcast = await send_now(client, bot, await create(client, bot))
    await engine(container, "w1").deliver(uuid.UUID(broadcast["id"]))
    so = bot.so
    again = await client.post(url(so, f"/{broadcast['id']}/send"), headers=so.owner.headers)
    assert again.status_code == 409 and "completed" in again.json()["detail"]
    edit = await client.patch(url(so, f"/{broadcast['id']}"), json={"text": "x"},
                              headers=so.owner.headers)  # fmt: skip
    assert edit.status_code == 409
    for action in ("pause", "resume", "cancel"):
        response = await client.post(url(so, f"/{broadcast['id']}/{action}"),
                                     headers=so.owner.headers)  # fmt: skip
        assert response.status_code == 409, action


async def test_pause_stops_new_claims_resume_finishes_cancel_skips_the_rest(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    so = bot.so
    await people(container, bot, 30)
    first = await send_now(client, bot, await create(client, bot))
    worker = engine(container, "w1")
    assert await worker.step(uuid.UUID(first["id"])) == "more"  # one batch (10 at 20/s)
    paused = await client.post(url(so, f"/{first['id']}/pause"), headers=so.owner.headers)
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    await worker.deliver(uuid.UUID(first["id"]))  # returns at once: nothing more is claimed
    assert len(telegram.delivered()) == 10
    assert (await read(client, bot, first))["progress"]["remaining"] == 20

    resumed = await client.post(url(so, f"/{first['id']}/resume"), headers=so.owner.headers)
    assert resumed.json()["status"] == "sending"
    await worker.deliver(uuid.UUID(first["id"]))
    assert len(telegram.delivered()) == 30
    assert (await read(client, bot, first))["status"] == "completed"

    second = await send_now(client, bot, await create(client, bot, text="Second"))
    await worker.step(uuid.UUID(second["id"]))
    cancelled = await client.post(url(so, f"/{second['id']}/cancel"), headers=so.owner.headers)
    assert cancelled.json()["status"] == "cancelled"
    await worker.deliver(uuid.UUID(second["id"]))
    assert len(telegram.delivered()) == 40
    progress = (await read(client, bot, second))["progress"]
    assert (progress["sent"], progress["remaining"]) == (10, 0)


async def test_a_scheduled_broadcast_starts_when_due_with_the_audience_of_then(
    client: AsyncClient,
    container: Container,
    bot: Connected,
    telegram: TimedTelegram,
    clock: FrozenClock,
) -> None:
    so = bot.so
    await people(container, bot, 2)
    broadcast = await create(client, bot)
    at = (clock.now() + timedelta(minutes=10)).isoformat()  # within the token's life
    response = await client.post(url(so, f"/{broadcast['id']}/send"),
                                 json={"scheduled_at": at}, headers=so.owner.headers)  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "scheduled"
    assert await start_due(container) == 0
    await people(container, bot, 1)  # joins before the time: included
    clock.advance(minutes=10)

    assert await start_due(container) == 1
    assert await start_due(container) == 0  # started once
    await engine(container, "w1").deliver(uuid.UUID(broadcast["id"]))
    assert len(telegram.delivered()) == 3
    assert (await read(client, bot, broadcast))["status"] == "completed"


async def test_a_test_goes_to_my_own_chat_or_a_named_customer_or_says_how_to_link(
    client: AsyncClient, container: Container, bot: Connected, telegram: TimedTelegram
) -> None:
    so = bot.so
    broadcast = await create(client, bot, image_url="https://img.example/sale.png")
    test = url(so, f"/{broadcast['id']}/test")
    unlinked = await client.post(test, headers=so.owner.headers)
    assert unlinked.status_code == 409 and "telegram_user_id" in unlinked.json()["detail"]
    unknown = await client.post(test, json={"telegram_user_id": 42}, headers=so.owner.headers)
    assert unknown.status_code == 404

    [someone] = await people(container, bot, 1)
    named = await client.post(test, json={"telegram_user_id": someone.chat_id},
                              headers=so.owner.headers)  # fmt: skip
    assert named.status_code == 200 and named.json()["outcome"] == "sent"
    [me] = await people(container, bot, 1)
    async with unit_of_work(container.sessions) as session:
        await identity.link_identity(
            session, shop_id=so.shop.id, customer_id=me.customer_id, kind="email",
            value=so.owner.user.email, now=container.clock.now(),
        )  # fmt: skip
    own = await client.post(test, headers=so.owner.headers)
    assert own.status_code == 200 and own.json()["chat_id"] == me.chat_id
    photos = [c.params for c in telegram.calls_to("sendPhoto") if c.ok]
    assert [p["chat_id"] for p in photos] == [someone.chat_id, me.chat_id]
    assert photos[0]["caption"] == "<b>Sale</b> today"
    assert (await read(client, bot, broadcast))["status"] == "draft"  # a test sends nothing else


async def test_the_bot_must_be_clear(
    client: AsyncClient, container: Container, shop_owner: ShopOwner, telegram: TimedTelegram
) -> None:
    so = shop_owner
    body = {"text": "Hi", "audience": {"kind": "all"}}
    draft = (await client.post(url(so), json=body, headers=so.owner.headers)).json()
    send = url(so, f"/{draft['id']}/send")
    none = await client.post(send, headers=so.owner.headers)
    assert none.status_code == 422 and "no connected Telegram bot" in none.json()["detail"]
    await connect(client, so, telegram.add_bot("one_bot", "One"))
    second = await connect(client, so, telegram.add_bot("two_bot", "Two"))
    two = await client.post(send, headers=so.owner.headers)
    assert two.status_code == 422 and "bot_id" in two.json()["detail"]
    chosen = await client.patch(url(so, f"/{draft['id']}"), json={"bot_id": str(second.id)},
                                headers=so.owner.headers)  # fmt: skip
    assert chosen.status_code == 200
    sent = await client.post(send, headers=so.owner.headers)
    assert sent.status_code == 200 and sent.json()["bot_id"] == str(second.id)
