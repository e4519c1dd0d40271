"""Audiences: who each kind reaches (tagged customers and saved audiences too), measured live
and fixed when sending starts; people who blocked the bot or opted out of Telegram are never
in one."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select

from shopkeeper import subscriptions
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.clock import FrozenClock
from shopkeeper.notifications import preferences
from shopkeeper.notifications.broadcasts import start_due
from shopkeeper.notifications.broadcasts.models import BroadcastRecipient
from shopkeeper.shops import Role
from tests.bots.telegram.conftest import Connected
from tests.builders.orders import mark_paid, place_order
from tests.builders.staff import login, shop_with_owner, staff_member
from tests.builders.subscriptions import create_plan, run_expire
from tests.notifications.broadcasts.conftest import Person, create, people, send_now, url


async def size(client: AsyncClient, bot: Connected, audience: dict[str, Any]) -> int:
    """GET …/audience-size with the audience as its body (a fresh login: time moves here)."""
    tokens = await login(client, email=bot.so.owner.user.email)
    response = await client.request(
        "GET", url(bot.so, "/audience-size"), json={"audience": audience}, headers=tokens.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["bot_id"] == str(bot.id)
    return int(response.json()["size"])


async def gift(container: Container, bot: Connected, plan: Any, person: Person, days: int) -> None:
    async with unit_of_work(container.sessions) as session:
        await subscriptions.gift(
            session, shop_id=bot.so.shop.id, product_id=plan.id, customer_id=person.customer_id,
            days=days, now=container.clock.now(),
        )  # fmt: skip


async def test_everyone_who_started_the_bot_but_not_who_blocked_or_opted_out(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    crowd = await people(container, bot, 4)
    await people(container, bot, 1, blocked_at=container.clock.now())
    await people(container, bot, 1, started_at=None)  # seen in a group, never opened the bot
    async with unit_of_work(container.sessions) as session:
        await preferences.opt_out(
            session, shop_id=bot.so.shop.id, customer_id=crowd[0].customer_id,
            channel="telegram", source="bot", now=container.clock.now(),
        )  # fmt: skip

    assert await size(client, bot, {"kind": "all"}) == 3
    broadcast = await send_now(client, bot, await create(client, bot))
    async with unit_of_work(container.sessions) as session:
        query = select(BroadcastRecipient.chat_id).where(
            BroadcastRecipient.broadcast_id == uuid.UUID(broadcast["id"])
        )
        snapshot = set(await session.scalars(query))
    assert snapshot == {p.chat_id for p in crowd[1:]}


async def test_live_subscribers_of_a_plan(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    crowd = await people(container, bot, 4)
    vip = await create_plan(container, shop=bot.so.shop, name="VIP")
    basic = await create_plan(container, shop=bot.so.shop, name="Basic")
    await gift(container, bot, vip, crowd[0], 30)
    await gift(container, bot, vip, crowd[1], 30)
    await gift(container, bot, basic, crowd[2], 30)

    assert await size(client, bot, {"kind": "plan_subscribers", "product_id": str(vip.id)}) == 2
    assert await size(client, bot, {"kind": "plan_subscribers", "product_id": str(basic.id)}) == 1
    nobody = {"kind": "plan_subscribers", "product_id": str(uuid.uuid4())}
    assert await size(client, bot, nobody) == 0


async def test_expired_within_n_days_and_not_renewed(
    client: AsyncClient, container: Container, bot: Connected, clock: FrozenClock
) -> None:
    long_ago, recently, renewed, never = await people(container, bot, 4)
    plan = await create_plan(container, shop=bot.so.shop, name="VIP")
    await gift(container, bot, plan, long_ago, 1)
    clock.advance(days=10)
    await run_expire(container)  # long_ago ended 9 days ago
    await gift(container, bot, plan, recently, 1)
    await gift(container, bot, plan, renewed, 1)
    clock.advance(days=2)
    await run_expire(container)  # recently and renewed ended a day ago
    await gift(container, bot, plan, renewed, 30)  # ... and renewed came back

    assert await size(client, bot, {"kind": "expired_within", "days": 3}) == 1
    assert await size(client, bot, {"kind": "expired_within", "days": 30}) == 2
    other = {"kind": "expired_within", "days": 30, "product_id": str(uuid.uuid4())}
    assert await size(client, bot, other) == 0
    assert never.customer_id  # never subscribed: in none of them


async def test_never_paid(client: AsyncClient, container: Container, bot: Connected) -> None:
    payer, unpaid, idle = await people(container, bot, 3)
    plan = await create_plan(container, shop=bot.so.shop, name="VIP")
    paid = await place_order(container, shop=bot.so.shop, items=[(plan, 1)],
                             customer_id=payer.customer_id)  # fmt: skip
    await mark_paid(container, paid)
    await place_order(container, shop=bot.so.shop, items=[(plan, 1)],
                      customer_id=unpaid.customer_id)  # fmt: skip

    assert await size(client, bot, {"kind": "never_paid"}) == 2
    assert idle.chat_id


async def tag(client: AsyncClient, bot: Connected, person: Person, *tags: str) -> None:
    """Tag the person's customer through the staff API."""
    base = f"/api/v1/shops/{bot.so.shop.slug}/customers/{person.customer_id}/tags"
    for name in tags:
        response = await client.put(f"{base}/{name}", headers=bot.so.owner.headers)
        assert response.status_code == 200, response.text


async def recipients(container: Container, broadcast: dict[str, Any]) -> set[int]:
    async with unit_of_work(container.sessions) as session:
        query = select(BroadcastRecipient.chat_id).where(
            BroadcastRecipient.broadcast_id == uuid.UUID(broadcast["id"])
        )
        return set(await session.scalars(query))


async def save(
    client: AsyncClient, bot: Connected, name: str, audience: dict[str, Any]
) -> dict[str, Any]:
    body = {"name": name, "audience": audience}
    response = await client.post(url(bot.so, "/audiences"), json=body, headers=bot.so.owner.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def tagged(*tags: str, match: str = "any") -> dict[str, Any]:
    return {"kind": "tagged", "tags": list(tags), "match": match}


async def test_customers_with_any_or_all_tags_but_not_who_blocked_or_opted_out(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    vip, both, gold, untagged, opted_out = await people(container, bot, 5)
    (blocked,) = await people(container, bot, 1, blocked_at=container.clock.now())
    await tag(client, bot, vip, "vip")
    await tag(client, bot, both, "vip", "gold")
    await tag(client, bot, gold, "gold")
    await tag(client, bot, opted_out, "vip", "gold")
    await tag(client, bot, blocked, "vip", "gold")
    async with unit_of_work(container.sessions) as session:
        await preferences.opt_out(
            session, shop_id=bot.so.shop.id, customer_id=opted_out.customer_id,
            channel="telegram", source="bot", now=container.clock.now(),
        )  # fmt: skip

    assert await size(client, bot, tagged("vip", "gold")) == 3
    assert await size(client, bot, tagged(" VIP ", "Gold", match="all")) == 1
    assert await size(client, bot, tagged("vip")) == 2
    assert await size(client, bot, tagged("nobody")) == 0
    assert untagged.chat_id

    draft = await create(client, bot, audience=tagged(" VIP ", "gold", "vip", match="all"))
    assert draft["audience"] == tagged("vip", "gold", match="all")  # stored normalised
    assert await recipients(container, await send_now(client, bot, draft)) == {both.chat_id}
    draft = await create(client, bot, audience=tagged("gold"))
    assert await recipients(container, await send_now(client, bot, draft)) == {
        both.chat_id, gold.chat_id,
    }  # fmt: skip


async def test_a_tagged_audience_needs_valid_tags(client: AsyncClient, bot: Connected) -> None:
    for audience in (
        tagged(), tagged("two words"), tagged("x" * 41), tagged("vip", match="most"),
        {"kind": "tagged"},
    ):  # fmt: skip
        body = {"text": "Hi", "audience": audience}
        response = await client.post(url(bot.so), json=body, headers=bot.so.owner.headers)
        assert response.status_code == 422, audience
    assert (await client.get(url(bot.so), headers=bot.so.owner.headers)).json()["total"] == 0


async def test_a_saved_audience_is_read_when_sending_starts(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    vip, gold, plain = await people(container, bot, 3)
    await tag(client, bot, vip, "vip")
    await tag(client, bot, gold, "gold")
    saved = await save(client, bot, "Best customers", tagged("vip"))
    assert saved["audience"] == tagged("vip") and saved["created_by"] == str(bot.so.owner.user.id)
    ref = {"kind": "saved", "audience_id": saved["id"]}
    assert await size(client, bot, ref) == 1

    draft = await create(client, bot, audience=ref)
    assert draft["audience"] == ref
    edited = await client.patch(
        url(bot.so, f"/audiences/{saved['id']}"), json={"audience": tagged("gold", "vip")},
        headers=bot.so.owner.headers,
    )  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert await size(client, bot, ref) == 2
    sent = await send_now(client, bot, draft)  # the definition of now: vip or gold
    assert sent["progress"]["total"] == 2
    assert await recipients(container, sent) == {vip.chat_id, gold.chat_id}

    await client.patch(
        url(bot.so, f"/audiences/{saved['id']}"),
        json={"audience": {"kind": "all"}},
        headers=bot.so.owner.headers,
    )
    assert await recipients(container, sent) == {vip.chat_id, gold.chat_id}  # a snapshot
    assert await size(client, bot, ref) == 3
    assert plain.chat_id


async def test_a_scheduled_broadcast_takes_its_saved_audience_as_defined_when_due(
    client: AsyncClient, container: Container, bot: Connected, clock: FrozenClock
) -> None:
    vip, gold = await people(container, bot, 2)
    await tag(client, bot, vip, "vip")
    await tag(client, bot, gold, "gold")
    saved = await save(client, bot, "Later", tagged("vip"))
    draft = await create(client, bot, audience={"kind": "saved", "audience_id": saved["id"]})
    when = (clock.now() + timedelta(hours=1)).isoformat()
    scheduled = await client.post(
        url(bot.so, f"/{draft['id']}/send"),
        json={"scheduled_at": when},
        headers=bot.so.owner.headers,
    )
    assert scheduled.status_code == 200 and scheduled.json()["status"] == "scheduled"
    edited = await client.patch(
        url(bot.so, f"/audiences/{saved['id']}"),
        json={"audience": tagged("gold")},
        headers=bot.so.owner.headers,
    )
    assert edited.status_code == 200, edited.text

    clock.advance(hours=1)
    assert await start_due(container) == 1
    assert await recipients(container, draft) == {gold.chat_id}


async def test_a_saved_audience_in_use_cannot_be_deleted(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    saved = await save(client, bot, "Everyone", {"kind": "all"})
    other = await save(client, bot, "Nobody paid", {"kind": "never_paid"})
    ref = {"kind": "saved", "audience_id": saved["id"]}
    draft = await create(client, bot, audience=ref, text="<b>Winter</b> sale")
    target = url(bot.so, f"/audiences/{saved['id']}")

    refused = await client.delete(target, headers=bot.so.owner.headers)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == "SavedAudienceInUse"
    assert draft["id"] in refused.json()["detail"] and "Winter" in refused.json()["detail"]
    assert (await client.get(target, headers=bot.so.owner.headers)).status_code == 200

    moved = await client.patch(
        url(bot.so, f"/{draft['id']}"),
        headers=bot.so.owner.headers,
        json={"audience": {"kind": "saved", "audience_id": other["id"]}},
    )
    assert moved.status_code == 200, moved.text
    deleted = await client.delete(target, headers=bot.so.owner.headers)
    assert deleted.status_code == 204, deleted.text
    assert (await client.get(target, headers=bot.so.owner.headers)).status_code == 404
    listed = await client.get(url(bot.so, "/audiences"), headers=bot.so.owner.headers)
    assert [a["name"] for a in listed.json()] == ["Nobody paid"]

    # Once sent (its recipients are fixed), a broadcast no longer holds its saved audience.
    await people(container, bot, 1)
    await send_now(client, bot, moved.json())
    gone = await client.delete(
        url(bot.so, f"/audiences/{other['id']}"), headers=bot.so.owner.headers
    )
    assert gone.status_code == 204, gone.text
    audit = await client.get(
        f"/api/v1/shops/{bot.so.shop.slug}/audit",
        params={"target_type": "saved_audience"},
        headers=bot.so.owner.headers,
    )
    actions = sorted(e["action"] for e in audit.json()["items"])
    assert actions == ["notifications.saved_audience_created"] * 2 + [
        "notifications.saved_audience_deleted"] * 2  # fmt: skip


async def test_a_saved_audience_cannot_refer_to_a_saved_one_or_another_shops(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    saved = await save(client, bot, "Everyone", {"kind": "all"})
    ref = {"kind": "saved", "audience_id": saved["id"]}
    headers = bot.so.owner.headers
    nested = await client.post(url(bot.so, "/audiences"), json={"name": "Loop", "audience": ref},
                               headers=headers)  # fmt: skip
    assert nested.status_code == 422 and "another saved audience" in nested.text
    patched = await client.patch(url(bot.so, f"/audiences/{saved['id']}"),
                                 json={"audience": ref}, headers=headers)  # fmt: skip
    assert patched.status_code == 422
    assert (await client.get(url(bot.so, f"/audiences/{saved['id']}"), headers=headers)).json()[
        "audience"] == {"kind": "all"}  # fmt: skip

    unknown = {"kind": "saved", "audience_id": str(uuid.uuid4())}
    body = {"text": "Hi", "audience": unknown}
    assert (await client.post(url(bot.so), json=body, headers=headers)).status_code == 422
    size_of_unknown = await client.request("GET", url(bot.so, "/audience-size"),
                                           json={"audience": unknown}, headers=headers)  # fmt: skip
    assert size_of_unknown.status_code == 422
    other, other_owner = await shop_with_owner(container, client)
    theirs = await client.post(
        f"/api/v1/shops/{other.slug}/broadcasts/audiences",
        json={"name": "Theirs", "audience": {"kind": "all"}}, headers=other_owner.headers,
    )  # fmt: skip
    body = {"text": "Hi", "audience": {"kind": "saved", "audience_id": theirs.json()["id"]}}
    assert (await client.post(url(bot.so), json=body, headers=headers)).status_code == 422
    mine = f"/api/v1/shops/{other.slug}/broadcasts/audiences/{theirs.json()['id']}"
    assert (await client.get(mine, headers=headers)).status_code == 404
    assert (await client.get(url(bot.so, f"/audiences/{theirs.json()['id']}"),
                             headers=headers)).status_code == 404  # fmt: skip
    assert (await client.get(url(bot.so), headers=headers)).json()["total"] == 0


async def test_saved_audience_names_permissions_and_bad_input(
    client: AsyncClient, container: Container, bot: Connected
) -> None:
    headers = bot.so.owner.headers
    saved = await save(client, bot, "  Regulars ", {"kind": "never_paid"})
    assert saved["name"] == "Regulars"
    again = await client.post(url(bot.so, "/audiences"), headers=headers,
                              json={"name": "Regulars", "audience": {"kind": "all"}})  # fmt: skip
    assert again.status_code == 409 and again.json()["error"] == "SavedAudienceNameTaken"
    second = await save(client, bot, "Others", {"kind": "all"})
    clash = await client.patch(url(bot.so, f"/audiences/{second['id']}"),
                               json={"name": "Regulars"}, headers=headers)  # fmt: skip
    assert clash.status_code == 409
    for body in ({"name": " ", "audience": {"kind": "all"}}, {"name": "x"},
                 {"name": "x", "audience": {"kind": "martians"}}):  # fmt: skip
        response = await client.post(url(bot.so, "/audiences"), json=body, headers=headers)
        assert response.status_code == 422, body

    viewer = await staff_member(container, client, shop=bot.so.shop, role=Role.VIEWER)
    listed = await client.get(url(bot.so, "/audiences"), headers=viewer.headers)
    assert [a["name"] for a in listed.json()] == ["Others", "Regulars"]
    body = {"name": "Mine", "audience": {"kind": "all"}}
    assert (await client.post(url(bot.so, "/audiences"), json=body,
                              headers=viewer.headers)).status_code == 403  # fmt: skip
    target = url(bot.so, f"/audiences/{saved['id']}")
    assert (await client.delete(target, headers=viewer.headers)).status_code == 403
    assert (
        await client.patch(target, json={"name": "Z"}, headers=viewer.headers)
    ).status_code == 403
    listed = await client.get(url(bot.so, "/audiences"), headers=headers)
    assert [a["name"] for a in listed.json()] == ["Others", "Regulars"]


async def test_migrated_saved_audience_table_matches_the_model(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.ext.asyncio import create_async_engine

    from shopkeeper.models import Base

    def differences(connection: Any) -> Any:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    await engine.dispose()
    assert [d for d in diff if "notifications_saved_audience" in repr(d)] == []
