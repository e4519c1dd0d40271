"""Who an audience is: the bot's people who have not blocked it, filtered by what other
contexts know (subscriptions, orders, identity's customer tags), one chat per customer.

A saved audience is read as it is defined at that moment (sending snapshots the recipients
then). Left out always: people who blocked the bot, and customers who opted out of Telegram
(`notifications.preferences`).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity, orders, subscriptions
from shopkeeper.notifications import preferences
from shopkeeper.notifications.broadcasts import saved
from shopkeeper.notifications.broadcasts.ports import BroadcastChannel, Chat
from shopkeeper.notifications.broadcasts.schemas import (
    Definition,
    ExpiredWithin,
    NeverPaid,
    PlanSubscribers,
    SavedAudienceRef,
    TaggedCustomers,
)

AudienceModel = Definition | SavedAudienceRef


async def _filter(
    session: AsyncSession, audience: AudienceModel, shop_id: uuid.UUID, now: datetime
) -> tuple[set[uuid.UUID] | None, set[uuid.UUID]]:
    """(only these customers, or None for anyone; never these customers)."""
    match audience:
        case PlanSubscribers(product_id=product_id):
            only = await subscriptions.live_subscriber_ids(
                session, shop_id=shop_id, product_id=product_id
            )
            return only, set()
        case ExpiredWithin(days=days, product_id=product_id):
            only = await subscriptions.lapsed_subscriber_ids(
                session, shop_id=shop_id, days=days, now=now, product_id=product_id
            )
            return only, set()
        case NeverPaid():
            return None, await orders.paying_customer_ids(session, shop_id=shop_id)
        case TaggedCustomers(tags=tags, match=match):
            only = await identity.customers_tagged(session, shop_id=shop_id, tags=tags, match=match)
            return only, set()
        case SavedAudienceRef(audience_id=audience_id):
            found = await saved.definition(session, shop_id=shop_id, audience_id=audience_id)
            return await _filter(session, found, shop_id, now)
    return None, set()


async def members(
    session: AsyncSession,
    channel: BroadcastChannel,
    audience: AudienceModel,
    *,
    shop_id: uuid.UUID,
    bot_id: uuid.UUID,
    now: datetime,
) -> AsyncIterator[list[Chat]]:
    """The audience in chunks; each customer once (their first chat with the bot)."""
    only, never = await _filter(session, audience, shop_id, now)
    seen: set[uuid.UUID] = set()
    async for chunk in channel.chats(session, shop_id=shop_id, bot_id=bot_id):
        picked = []
        for chat in chunk:
            if chat.customer_id in seen or chat.customer_id in never:
                continue
            if only is not None and chat.customer_id not in only:
                continue
            seen.add(chat.customer_id)
            picked.append(chat)
        out = await preferences.opted_out_customers(
            session, shop_id, "telegram", [c.customer_id for c in picked]
        )
        picked = [c for c in picked if c.customer_id not in out]
        if picked:
            yield picked


async def size(
    session: AsyncSession,
    channel: BroadcastChannel,
    audience: AudienceModel,
    *,
    shop_id: uuid.UUID,
    bot_id: uuid.UUID,
    now: datetime,
) -> int:
    total = 0
    async for chunk in members(session, channel, audience, shop_id=shop_id, bot_id=bot_id, now=now):
        total += len(chunk)
    return total
