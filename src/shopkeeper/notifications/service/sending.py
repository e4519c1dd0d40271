"""Send one system message to a customer over the first channel that reaches them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity
from shopkeeper.notifications.models import NotificationMessage
from shopkeeper.notifications.ports import CHANNEL_IDENTITY, Button, Messenger, OutboundMessage
from shopkeeper.notifications.preferences.service import opted_out_channels
from shopkeeper.notifications.repository import MessageRepository, TemplateRepository
from shopkeeper.notifications.schemas import MessageRead
from shopkeeper.notifications.templates import default_body, pick_language, render

_MESSENGERS = "notifications.messengers"


def register_messenger(container: Any, messenger: Messenger) -> None:
    """Make `messenger` a way to reach customers; earlier registrations are preferred."""
    container.extras.setdefault(_MESSENGERS, {})[messenger.channel] = messenger


def registered_messengers(container: Any) -> Sequence[Messenger]:
    return tuple(container.extras.get(_MESSENGERS, {}).values())


@dataclass(frozen=True)
class Notice:
    """What to say: a purpose, its variables, optional buttons; `dedupe_key` makes it once.

    `channels` keeps delivery to those channels (a payment confirmation goes by "email"
    only); empty: the first registered channel that reaches the customer. A channel the
    customer opted out of is passed over unless `required` (a payment confirmation, a receipt).
    """

    shop_id: uuid.UUID
    customer_id: uuid.UUID
    purpose: str
    variables: Mapping[str, object]
    dedupe_key: str
    buttons: tuple[Button, ...] = ()
    channels: tuple[str, ...] = ()
    required: bool = False


async def notify(
    session: AsyncSession, messengers: Sequence[Messenger], notice: Notice, *, now: datetime
) -> MessageRead:
    """Render and deliver `notice` once (a repeated dedupe_key returns the first message)."""
    messages = MessageRepository(session)
    if (done := await messages.by_dedupe_key(notice.shop_id, notice.dedupe_key)) is not None:
        return MessageRead.model_validate(done)
    customer = await identity.get_customer(
        session, shop_id=notice.shop_id, customer_id=notice.customer_id
    )
    language = pick_language(customer.language)
    body = await _body(session, notice, language, channel="none")
    row = NotificationMessage(
        shop_id=notice.shop_id,
        customer_id=customer.id,
        channel="none",
        purpose=notice.purpose,
        language=language,
        body=body,
        status="skipped",
        error=_unreachable(notice, messengers),
        dedupe_key=notice.dedupe_key,
        created_at=now,
    )
    addresses = {str(i.kind): i.value for i in customer.identities}
    refused = (
        set() if notice.required else await opted_out_channels(session, notice.shop_id, customer.id)
    )
    passed_over: list[str] = []
    for messenger in messengers:
        if notice.channels and messenger.channel not in notice.channels:
            continue
        address = addresses.get(CHANNEL_IDENTITY.get(messenger.channel, messenger.channel))
        if address is not None and messenger.channel in refused:
            passed_over.append(messenger.channel)
            row.error = f"the customer opted out of {' and '.join(passed_over)}"
        elif address is not None:
            row.body = await _body(session, notice, language, channel=messenger.channel)
            await _deliver(session, messenger, row, address, notice, now)
            break
    messages.add(row)
    await session.flush()
    return MessageRead.model_validate(row)


def _unreachable(notice: Notice, messengers: Sequence[Messenger]) -> str:
    """Why nothing was sent, when nothing is: no such channel set up, or no address on it."""
    if not notice.channels:
        return "no channel reaches this customer"
    wanted = " or ".join(notice.channels)
    if not any(m.channel in notice.channels for m in messengers):
        return f"no {wanted} channel is set up"
    return f"the customer has no {wanted} address"


async def _body(session: AsyncSession, notice: Notice, language: str, *, channel: str) -> str:
    """The text for one channel (a template may word a hint differently per channel)."""
    return await render_text(
        session, shop_id=notice.shop_id, purpose=notice.purpose, language=language,
        variables={**notice.variables, "channel": channel},
    )  # fmt: skip


async def render_text(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    purpose: str,
    language: str,
    variables: Mapping[str, object],
) -> str:
    """The purpose's text in `language`: the shop's override, else the default."""
    override = await TemplateRepository(session).get(shop_id, purpose, language)
    body = override.body if override else default_body(purpose, language)
    return render(body, dict(variables))


async def _deliver(
    session: AsyncSession,
    messenger: Messenger,
    row: NotificationMessage,
    address: str,
    notice: Notice,
    now: datetime,
) -> None:
    outbound = OutboundMessage(
        shop_id=notice.shop_id,
        customer_id=row.customer_id or notice.customer_id,
        address=address,
        text=row.body,
        buttons=notice.buttons,
        required=notice.required,
    )
    delivery = await messenger.send(session, outbound)
    row.channel = messenger.channel
    row.status = delivery.status
    row.error = delivery.error[:500]
    row.sent_at = now if delivery.status == "sent" else None
