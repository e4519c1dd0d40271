"""The unsubscribe link's two steps: what it is about (GET), and opting out (POST)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity, shops
from shopkeeper.notifications.preferences.schemas import UnsubscribeTarget
from shopkeeper.notifications.preferences.service import opt_out, opted_out
from shopkeeper.notifications.preferences.tokens import read_unsubscribe_token


async def unsubscribe_target(
    session: AsyncSession, *, secret: str, token: str
) -> UnsubscribeTarget:
    """The shop, customer and channel of a valid link (400 for a forged one, 404 if gone)."""
    shop_id, customer_id, channel = read_unsubscribe_token(secret, token)
    shop = await shops.get_shop_by_id(session, shop_id=shop_id)
    customer = await identity.get_customer(session, shop_id=shop_id, customer_id=customer_id)
    out = await opted_out(session, shop_id, customer.id, channel)
    return UnsubscribeTarget(
        shop_name=shop.name, customer_id=customer.id, channel=channel, opted_out=out
    )


async def unsubscribe(
    session: AsyncSession, *, secret: str, token: str, now: datetime
) -> UnsubscribeTarget:
    """Opt the link's customer out of its channel (again is fine: nothing changes)."""
    target = await unsubscribe_target(session, secret=secret, token=token)
    shop_id = read_unsubscribe_token(secret, token)[0]
    await opt_out(session, shop_id=shop_id, customer_id=target.customer_id,
                  channel=target.channel, source="email_link", now=now)  # fmt: skip
    return target.model_copy(update={"opted_out": True})
