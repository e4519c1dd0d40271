"""System messages reach customers once, in their language, over a channel that reaches them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import bus, identity
from shopkeeper.access.events import AccessGranted, AccessRevoked
from shopkeeper.bootstrap import Container
from shopkeeper.bus import Event
from shopkeeper.db import unit_of_work
from shopkeeper.notifications import (
    Delivery,
    Notice,
    OutboundMessage,
    list_messages,
    notify,
    register_messenger,
)
from shopkeeper.notifications.models import NotificationMessage
from shopkeeper.shops import ShopRead
from shopkeeper.subscriptions.events import SubscriptionReminderDue
from tests.builders import create_shop
from tests.builders.catalog import create_product


@dataclass
class RecordingMessenger:
    """A Messenger that keeps what it was asked to send and answers with `status`."""

    channel: str = "telegram"
    status: str = "sent"
    sent: list[OutboundMessage] = field(default_factory=list)

    async def send(self, session: AsyncSession, message: OutboundMessage) -> Delivery:
        self.sent.append(message)
        error = "Forbidden: bot was blocked by the user" if self.status == "blocked" else ""
        return Delivery(status=self.status, error=error)  # type: ignore[arg-type]


async def _customer(
    container: Container, shop: ShopRead, *, kind: str = "telegram", language: str = "en"
) -> identity.CustomerRead:
    async with unit_of_work(container.sessions) as session:
        return await identity.find_or_create_customer(
            session,
            shop_id=shop.id,
            kind=kind,
            value=str(uuid.uuid4().int % 10**9) if kind == "telegram" else "a@example.com",
            language=language,
            now=container.clock.now(),
        )


async def _publish(container: Container, event: Event) -> None:
    async with unit_of_work(container.sessions) as session:
        bus.publish(session, event)
    await bus.drain(container)


def _granted(shop: ShopRead, customer_id: uuid.UUID, join_url: str | None) -> AccessGranted:
    return AccessGranted(
        grant_id=uuid.uuid4(),
        shop_id=shop.id,
        customer_id=customer_id,
        target_id=uuid.uuid4(),
        platform="telegram_chat",
        title="VIP room",
        join_url=join_url,
    )


async def _log(container: Container, shop: ShopRead) -> list[NotificationMessage]:
    async with container.sessions() as session:
        stmt = select(NotificationMessage).where(NotificationMessage.shop_id == shop.id)
        return list(await session.scalars(stmt))


async def test_access_granted_reaches_the_customer_in_their_language_once(
    container: Container,
) -> None:
    messenger = RecordingMessenger()
    register_messenger(container, messenger)
    shop = await create_shop(container)
    customer = await _customer(container, shop, language="ru-RU")
    event = _granted(shop, customer.id, "https://t.me/+invite")

    await _publish(container, event)
    [logged] = await _log(container, shop)
    again = Notice(  # what a redelivered event asks for: the same dedupe key
        shop_id=shop.id,
        customer_id=customer.id,
        purpose="access.granted",
        variables={"title": "VIP room", "join_url": ""},
        dedupe_key=logged.dedupe_key,
    )
    async with unit_of_work(container.sessions) as session:
        repeated = await notify(session, [messenger], again, now=container.clock.now())
    assert repeated.id == logged.id

    [message] = messenger.sent
    assert message.address == customer.identities[0].value
    assert message.text == "Доступ к «VIP room» открыт. Вход: https://t.me/+invite"
    assert [b.url for b in message.buttons] == ["https://t.me/+invite"]
    [logged] = await _log(container, shop)
    assert (logged.status, logged.channel, logged.language) == ("sent", "telegram", "ru")
    assert logged.sent_at == container.clock.now()


async def test_a_customer_no_channel_reaches_gets_a_skipped_entry(container: Container) -> None:
    messenger = RecordingMessenger()
    register_messenger(container, messenger)
    shop = await create_shop(container)
    customer = await _customer(container, shop, kind="email")

    await _publish(container, _granted(shop, customer.id, None))

    assert messenger.sent == []
    [logged] = await _log(container, shop)
    assert (logged.status, logged.channel) == ("skipped", "none")
    assert logged.body == "Access to VIP room is yours."


async def test_a_blocked_customer_is_recorded_not_retried(container: Container) -> None:
    messenger = RecordingMessenger(status="blocked")
    register_messenger(container, messenger)
    shop = await create_shop(container)
    customer = await _customer(container, shop)
    revoked = AccessRevoked(
        grant_id=uuid.uuid4(),
        shop_id=shop.id,
        customer_id=customer.id,
        target_id=uuid.uuid4(),
        platform="telegram_chat",
        title="VIP room",
        reason="subscription expired",
    )

    await _publish(container, revoked)
    await bus.drain(container)

    assert len(messenger.sent) == 1
    [logged] = await _log(container, shop)
    assert (logged.status, logged.error) == ("blocked", "Forbidden: bot was blocked by the user")
    assert logged.sent_at is None
    async with container.sessions() as session:
        page = await list_messages(session, shop_id=shop.id, customer_id=customer.id)
    assert [m.status for m in page.items] == ["blocked"] and page.total == 1


async def test_reminders_name_the_plan_and_the_last_one_says_it_ended(
    container: Container,
) -> None:
    messenger = RecordingMessenger()
    register_messenger(container, messenger)
    shop = await create_shop(container)
    plan = await create_product(container, shop=shop, kind="plan", name="Gold")
    customer = await _customer(container, shop, language="pl")
    end = container.clock.now() + timedelta(days=3)

    for kind, days_left in (("before_3d", 3), ("expired", 0)):
        await _publish(
            container,
            SubscriptionReminderDue(
                subscription_id=uuid.uuid4(),
                shop_id=shop.id,
                customer_id=customer.id,
                product_id=plan.id,
                period_end=end,
                kind=kind,
                days_left=days_left,
            ),
        )

    texts = [m.text for m in messenger.sent]
    assert texts == [
        f"Twoja subskrypcja Gold kończy się za 3 dni ({end.date().isoformat()}). "
        "Odnów ją komendą /buy, aby zachować dostęp.",
        "Twoja subskrypcja Gold wygasła. Wróć w każdej chwili: /buy.",
    ]
