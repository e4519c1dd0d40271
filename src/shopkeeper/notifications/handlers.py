"""What notifications says when subscriptions and access change (each message once)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import catalog
from shopkeeper.access.events import AccessActionRequired, AccessGranted, AccessRevoked
from shopkeeper.bus.registry import HandlerTable
from shopkeeper.container import Container
from shopkeeper.kit.clock import Clock
from shopkeeper.notifications.ports import Button
from shopkeeper.notifications.service.sending import Notice, notify, registered_messengers
from shopkeeper.subscriptions.events import SubscriptionReminderDue

_JOIN = {"en": "Join", "ru": "Войти", "pl": "Dołącz"}


async def on_reminder_due(
    event: SubscriptionReminderDue,
    session: AsyncSession,
    container: Container,
    clock: Clock,
    event_id: uuid.UUID,
) -> None:
    """Before the end: "ends in N days"; at the end: "has ended"."""
    plan = await catalog.get_product(session, shop_id=event.shop_id, product_id=event.product_id)
    purpose = "subscription.expired" if event.kind == "expired" else "subscription.reminder"
    variables = {
        "plan": plan.name,
        "days_left": event.days_left,
        "period_end": event.period_end.date().isoformat(),
    }
    await _send(session, container, clock, event, purpose, variables, event_id)


async def on_access_granted(
    event: AccessGranted,
    session: AsyncSession,
    container: Container,
    clock: Clock,
    event_id: uuid.UUID,
) -> None:
    variables = {"title": event.title, "join_url": event.join_url or ""}
    buttons = (Button(label=_JOIN["en"], url=event.join_url),) if event.join_url else ()
    await _send(session, container, clock, event, "access.granted", variables, event_id, buttons)


async def on_access_revoked(
    event: AccessRevoked,
    session: AsyncSession,
    container: Container,
    clock: Clock,
    event_id: uuid.UUID,
) -> None:
    await _send(
        session, container, clock, event, "access.revoked", {"title": event.title}, event_id
    )


async def on_access_action_required(
    event: AccessActionRequired,
    session: AsyncSession,
    container: Container,
    clock: Clock,
    event_id: uuid.UUID,
) -> None:
    variables = {"title": event.title, "reason": event.reason}
    await _send(session, container, clock, event, "access.action_required", variables, event_id)


async def _send(
    session: AsyncSession,
    container: Container,
    clock: Clock,
    event: SubscriptionReminderDue | AccessGranted | AccessRevoked | AccessActionRequired,
    purpose: str,
    variables: Mapping[str, object],
    event_id: uuid.UUID,
    buttons: tuple[Button, ...] = (),
) -> None:
    notice = Notice(
        shop_id=event.shop_id,
        customer_id=event.customer_id,
        purpose=purpose,
        variables=variables,
        dedupe_key=f"{purpose}:{event_id}",
        buttons=buttons,
    )
    await notify(session, registered_messengers(container), notice, now=clock.now())


HANDLERS: HandlerTable = {
    SubscriptionReminderDue: [on_reminder_due],
    AccessGranted: [on_access_granted],
    AccessRevoked: [on_access_revoked],
    AccessActionRequired: [on_access_action_required],
}
