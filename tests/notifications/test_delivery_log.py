"""The delivery log API: every outbound message of a shop, newest first, searchable per customer,
channel and status (alone or together); bad filters are a 422; another shop sees none of it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity
from shopkeeper.bootstrap import Container
from shopkeeper.db import unit_of_work
from shopkeeper.notifications import (
    Delivery,
    Notice,
    OutboundMessage,
    notify,
    register_messenger,
    registered_messengers,
)
from shopkeeper.notifications.preferences import opt_out
from shopkeeper.shops import ShopRead
from tests.builders import Staff, shop_with_owner


@dataclass
class StandIn:
    """A channel that answers every send with `status`."""

    channel: str
    status: str = "sent"
    sent: list[OutboundMessage] = field(default_factory=list)

    async def send(self, session: AsyncSession, message: OutboundMessage) -> Delivery:
        self.sent.append(message)
        return Delivery(status=self.status, error="" if self.status == "sent" else "refused")  # type: ignore[arg-type]


async def _customer(container: Container, shop: ShopRead, *ids: tuple[str, str]) -> uuid.UUID:
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        kind, value = ids[0]
        customer = await identity.find_or_create_customer(
            session, shop_id=shop.id, kind=kind, value=value, now=now
        )
        for kind, value in ids[1:]:
            await identity.link_identity(
                session, shop_id=shop.id, customer_id=customer.id, kind=kind, value=value, now=now
            )
        return customer.id


async def _send(container: Container, shop: ShopRead, customer_id: uuid.UUID, key: str,
                *, opted_out: str | None = None) -> None:  # fmt: skip
    async with unit_of_work(container.sessions) as session:
        if opted_out:
            await opt_out(session, shop_id=shop.id, customer_id=customer_id, channel=opted_out,
                          source="staff", now=container.clock.now())  # fmt: skip
        notice = Notice(shop_id=shop.id, customer_id=customer_id, purpose="subscription.expired",
                        variables={"plan": "Premium"}, dedupe_key=key)  # fmt: skip
        await notify(session, registered_messengers(container), notice, now=container.clock.now())
    container.clock.advance(seconds=1)  # type: ignore[attr-defined]  # newest first is telling


async def _search(client: AsyncClient, shop: ShopRead, staff: Staff, **params: Any) -> Any:
    response = await client.get(f"/api/v1/shops/{shop.slug}/notifications/messages",
                                params=params, headers=staff.headers)  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()


def _seen(page: Any) -> list[tuple[str, str, str]]:
    return [(m["customer_id"], m["channel"], m["status"]) for m in page["items"]]


async def test_the_log_is_searched_by_customer_channel_and_status(
    client: AsyncClient, container: Container
) -> None:
    shop, owner = await shop_with_owner(container, client)
    other_shop, other_owner = await shop_with_owner(container, client)
    for messenger in (StandIn("telegram"), StandIn("email"), StandIn("sms", status="failed")):
        register_messenger(container, messenger)
    ann = await _customer(container, shop, ("telegram", "1001"), ("email", "ann@example.com"))
    bob = await _customer(container, shop, ("phone", "+48600100200"))
    dee = await _customer(container, shop, ("email", "dee@example.com"))
    await _send(container, shop, ann, "one")  # telegram, sent
    await _send(container, shop, ann, "two", opted_out="telegram")  # email, sent
    await _send(container, shop, bob, "three")  # sms, failed
    await _send(container, shop, dee, "four", opted_out="email")  # none, skipped
    a, b, d = str(ann), str(bob), str(dee)

    everything = await _search(client, shop, owner)
    assert _seen(everything) == [(d, "none", "skipped"), (b, "sms", "failed"),
                                 (a, "email", "sent"), (a, "telegram", "sent")]  # fmt: skip
    assert _seen(await _search(client, shop, owner, customer_id=a)) == [
        (a, "email", "sent"), (a, "telegram", "sent")
    ]  # fmt: skip
    by_channel = await _search(client, shop, owner, customer_id=a, channel="email")
    assert _seen(by_channel) == [(a, "email", "sent")] and by_channel["total"] == 1
    assert _seen(await _search(client, shop, owner, channel="telegram")) == [
        (a, "telegram", "sent")
    ]  # fmt: skip
    assert _seen(await _search(client, shop, owner, channel="sms", status="failed")) == [
        (b, "sms", "failed")
    ]  # fmt: skip
    assert _seen(await _search(client, shop, owner, channel="none")) == [(d, "none", "skipped")]
    assert _seen(await _search(client, shop, owner, channel="sms", status="sent")) == []
    sent = await _search(client, shop, owner, status="sent", limit=1)
    assert sent["total"] == 2 and _seen(sent) == [(a, "email", "sent")]
    assert (await _search(client, other_shop, other_owner, customer_id=a))["items"] == []
    for bad in ({"channel": "fax"}, {"status": "lost"}, {"customer_id": "nobody"}):
        response = await client.get(f"/api/v1/shops/{shop.slug}/notifications/messages",
                                    params=bad, headers=owner.headers)  # fmt: skip
        assert response.status_code == 422, (bad, response.text)
