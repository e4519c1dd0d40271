"""Opting customers out of channels and back in; the questions every sender asks first."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, identity
from shopkeeper.audit import Actor, ActorType
from shopkeeper.notifications.preferences.models import NotificationOptOut
from shopkeeper.notifications.preferences.repository import OptOutRepository
from shopkeeper.notifications.preferences.schemas import (
    CHANNELS,
    ChannelPreference,
    OptOutSource,
    PreferencesRead,
    PreferencesWrite,
)


async def opted_out(
    session: AsyncSession, shop_id: uuid.UUID, customer_id: uuid.UUID, channel: str
) -> bool:
    """Whether the customer asked not to get (non-required) messages on `channel`."""
    return bool(await OptOutRepository(session).customers_out(shop_id, channel, [customer_id]))


async def opted_out_customers(
    session: AsyncSession, shop_id: uuid.UUID, channel: str, customer_ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    """Those of `customer_ids` who opted out of `channel` (for a broadcast's audience)."""
    return await OptOutRepository(session).customers_out(shop_id, channel, customer_ids)


async def opted_out_channels(
    session: AsyncSession, shop_id: uuid.UUID, customer_id: uuid.UUID
) -> set[str]:
    return {
        row.channel for row in await OptOutRepository(session).for_customer(shop_id, customer_id)
    }


async def opt_out(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID, channel: str,
    source: OptOutSource, now: datetime,
) -> bool:  # fmt: skip
    """Record the opt-out; False when it was already there (its first time and source stay)."""
    row = NotificationOptOut(
        shop_id=shop_id, customer_id=customer_id, channel=channel, source=source, created_at=now
    )
    return await OptOutRepository(session).add(row)


async def opt_in(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID, channel: str
) -> bool:
    """Take the opt-out back; False when there was none."""
    return bool(await OptOutRepository(session).remove(shop_id, customer_id, channel))


async def merge_opt_outs(
    session: AsyncSession, *, shop_id: uuid.UUID, from_id: uuid.UUID, into_id: uuid.UUID
) -> int:
    """Two customer records merged: the survivor stays opted out of every channel either one
    left (the safer choice); how many opt-outs it gained. Running it again changes nothing."""
    repo = OptOutRepository(session)
    kept = {row.channel for row in await repo.for_customer(shop_id, into_id)}
    merged = {row.channel for row in await repo.for_customer(shop_id, from_id)}
    moved = await repo.move(shop_id, from_id, into_id, sorted(merged - kept))
    await repo.remove_all(shop_id, from_id)  # the rest the survivor already has
    return moved


async def get_preferences(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID
) -> PreferencesRead:
    """Every channel with whether, when and how the customer opted out (404: no such customer)."""
    customer = await identity.get_customer(session, shop_id=shop_id, customer_id=customer_id)
    rows = {
        r.channel: r for r in await OptOutRepository(session).for_customer(shop_id, customer.id)
    }
    channels = [
        ChannelPreference(channel=c, opted_out=True, opted_out_at=rows[c].created_at,
                          source=rows[c].source)
        if c in rows else ChannelPreference(channel=c, opted_out=False)
        for c in CHANNELS
    ]  # fmt: skip
    return PreferencesRead(customer_id=customer.id, channels=channels)


async def set_preferences(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID,
    data: PreferencesWrite, actor: Actor, now: datetime,
) -> PreferencesRead:  # fmt: skip
    """Staff or an API key opt the customer out of (or back into) channels; audited."""
    before = await get_preferences(session, shop_id=shop_id, customer_id=customer_id)
    source: OptOutSource = "api" if actor.type == ActorType.API_KEY else "staff"
    for channel, out in data.opted_out.items():
        if out:
            await opt_out(session, shop_id=shop_id, customer_id=before.customer_id,
                          channel=channel, source=source, now=now)  # fmt: skip
        else:
            await opt_in(session, shop_id=shop_id, customer_id=before.customer_id, channel=channel)
    after = await get_preferences(session, shop_id=shop_id, customer_id=before.customer_id)
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="customer.notification_preferences_changed",
        target_type="customer", target_id=before.customer_id,
        before=before.model_dump(mode="json"), after=after.model_dump(mode="json"), now=now,
    )  # fmt: skip
    return after
