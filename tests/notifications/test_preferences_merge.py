"""Two customer records turn out to be one person: the survivor keeps every opt-out either had
(opting out is the safer choice), one row per channel, and a redelivered merge changes nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus, identity
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.identity.events import CustomersMerged
from shopkeeper.notifications import (
    Delivery,
    Notice,
    OutboundMessage,
    notify,
    register_messenger,
    registered_messengers,
)
from shopkeeper.notifications.preferences.models import NotificationOptOut
from shopkeeper.shops import ShopRead
from tests.builders import Staff, login, shop_with_owner


@dataclass
class StandIn:
    """A Telegram Messenger that keeps what it was asked to send."""

    channel: str = "telegram"
    sent: list[OutboundMessage] = field(default_factory=list)

    async def send(self, session: AsyncSession, message: OutboundMessage) -> Delivery:
        self.sent.append(message)
        return Delivery(status="sent")


def _url(shop: ShopRead, customer_id: uuid.UUID) -> str:
    return f"/api/v1/shops/{shop.slug}/customers/{customer_id}/notification-preferences"


async def _opt_out(client: AsyncClient, owner: Staff, shop: ShopRead, customer_id: uuid.UUID,
                   *channels: str) -> None:  # fmt: skip
    body = {"opted_out": dict.fromkeys(channels, True)}
    response = await client.put(_url(shop, customer_id), json=body, headers=owner.headers)
    assert response.status_code == 200, response.text


async def _channels(
    client: AsyncClient, owner: Staff, shop: ShopRead, customer_id: uuid.UUID
) -> dict[str, dict[str, Any]]:
    headers = (await login(client, email=owner.user.email)).headers
    response = await client.get(_url(shop, customer_id), headers=headers)
    assert response.status_code == 200, response.text
    return {c["channel"]: c for c in response.json()["channels"]}


async def _rows(container: Container, shop: ShopRead) -> list[tuple[uuid.UUID, str, str]]:
    async with unit_of_work(container.sessions) as session:
        rows = await session.scalars(
            select(NotificationOptOut).where(NotificationOptOut.shop_id == shop.id)
        )
        return sorted((r.customer_id, r.channel, r.source) for r in rows)


async def test_the_survivor_keeps_every_opt_out_of_both_records_once(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    now = container.clock.now
    async with unit_of_work(container.sessions) as session:  # bought on the web first
        older = await identity.find_or_create_customer(
            session, shop_id=shop.id, kind="email", value="ann@example.com", now=now()
        )
    container.clock.advance(seconds=5)  # type: ignore[attr-defined]
    async with unit_of_work(container.sessions) as session:  # then started the bot
        newer = await identity.find_or_create_customer(
            session, shop_id=shop.id, kind="telegram", value="4242", now=now()
        )
    await _opt_out(client, owner, shop, older.id, "sms")
    container.clock.advance(minutes=1)  # type: ignore[attr-defined]
    await _opt_out(client, owner, shop, newer.id, "telegram", "sms")
    telegram_out_at = (await _channels(client, owner, shop, newer.id))["telegram"]["opted_out_at"]

    async with unit_of_work(container.sessions) as session:  # the web customer links Telegram
        survivor = await identity.link_identity(
            session, shop_id=shop.id, customer_id=older.id, kind="telegram", value="4242",
            now=now(),
        )  # fmt: skip
    assert survivor.id == older.id
    await bus.drain(container)

    channels = await _channels(client, owner, shop, older.id)
    assert {c for c, p in channels.items() if p["opted_out"]} == {"telegram", "sms"}
    assert channels["telegram"]["opted_out_at"] == telegram_out_at  # when and how stay
    assert channels["telegram"]["source"] == "staff"
    expected = sorted([(older.id, "sms", "staff"), (older.id, "telegram", "staff")])
    assert await _rows(container, shop) == expected  # no duplicate, nothing left on the loser

    # A redelivery, even one the inbox does not recognise (a new outbox row), changes nothing.
    await bus.drain(container)
    async with unit_of_work(container.sessions) as session:
        event = CustomersMerged(shop_id=shop.id, from_customer_id=newer.id,
                                into_customer_id=older.id)  # fmt: skip
        bus.publish(session, event, now=now())
    await bus.drain(container)
    assert await _rows(container, shop) == expected

    # What senders see: the survivor is reached on Telegram, which the merged record left.
    standin = StandIn()
    register_messenger(container, standin)
    async with unit_of_work(container.sessions) as session:
        notice = Notice(shop_id=shop.id, customer_id=older.id, purpose="subscription.expired",
                        variables={"plan": "Premium"}, dedupe_key="after-merge")  # fmt: skip
        message = await notify(session, registered_messengers(container), notice, now=now())
    assert standin.sent == []
    assert (message.status, message.error) == ("skipped", "the customer opted out of telegram")


async def test_a_merge_with_no_opt_outs_leaves_the_survivor_reachable(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other_shop, other_owner = await shop_with_owner(container, client)
    now = container.clock.now
    async with unit_of_work(container.sessions) as session:
        older = await identity.find_or_create_customer(
            session, shop_id=shop.id, kind="email", value="bob@example.com", now=now()
        )
        newer = await identity.find_or_create_customer(
            session, shop_id=shop.id, kind="telegram", value="777", now=now()
        )
        stranger = await identity.find_or_create_customer(
            session, shop_id=other_shop.id, kind="telegram", value="777", now=now()
        )
    await _opt_out(client, other_owner, other_shop, stranger.id, "telegram")

    async with unit_of_work(container.sessions) as session:
        await identity.link_identity(
            session, shop_id=shop.id, customer_id=older.id, kind="telegram", value="777",
            now=now(),
        )  # fmt: skip
    await bus.drain(container)

    channels = await _channels(client, owner, shop, older.id)
    assert not any(p["opted_out"] for p in channels.values())
    assert newer.id != older.id
    # Another shop's customer with the same Telegram id keeps their own choice.
    assert await _rows(container, other_shop) == [(stranger.id, "telegram", "staff")]
