"""Alerts to a shop's staff — its owners and admins — by email, kept in the delivery log.

The text is the purpose's template in the shop's default language (a shop override wins); its
first line is the subject. Each recipient gets one message per `dedupe_key` (a redelivered
event sends nothing twice); a row with `user_id` (no customer) records how it went: sent, or
failed with the transport's reason ("email not sent: SMTP not configured" when it is unset).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity, shops
from shopkeeper.notifications.email import InvalidEmailMessage, send_email
from shopkeeper.notifications.models import NotificationMessage
from shopkeeper.notifications.repository import MessageRepository
from shopkeeper.notifications.schemas import MessageRead
from shopkeeper.notifications.service.sending import render_text
from shopkeeper.notifications.templates import pick_language
from shopkeeper.settings import Settings

ALERTED_ROLES = (shops.Role.OWNER, shops.Role.ADMIN)
MAX_SUBJECT = 120


@dataclass(frozen=True)
class StaffAlert:
    shop_id: uuid.UUID
    purpose: str
    variables: Mapping[str, object]
    dedupe_key: str


async def alert_staff(
    session: AsyncSession,
    settings: Settings,
    alert: StaffAlert,
    *,
    now: datetime,
    roles: Sequence[shops.Role] = ALERTED_ROLES,
) -> list[MessageRead]:
    """Email the alert to every active staff user of the shop with one of `roles`."""
    shop = await shops.get_shop_by_id(session, shop_id=alert.shop_id)
    members = await shops.list_members(session, access=shops.ShopAccess.system(shop))
    chosen = [m for m in members if m.role in roles]
    users = await identity.get_users(session, user_ids=[m.user_id for m in chosen])
    language = pick_language(shop.default_language)
    variables = {**alert.variables, "channel": "email"}  # staff alerts go by email
    text = await render_text(session, shop_id=shop.id, purpose=alert.purpose,
                             language=language, variables=variables)  # fmt: skip
    subject = _subject(shop.name, text)
    repo, sent = MessageRepository(session), []
    for user in (users[m.user_id] for m in chosen if m.user_id in users):
        if not user.is_active:
            continue
        key = f"{alert.dedupe_key}:{user.id}"
        row = await repo.by_dedupe_key(shop.id, key)
        if row is None:
            row = repo.add(NotificationMessage(
                shop_id=shop.id, customer_id=None, user_id=user.id, channel="email",
                purpose=alert.purpose, language=language, body=text, dedupe_key=key,
                created_at=now, **await _send(settings, user.email, subject, text, now),
            ))  # fmt: skip
            await session.flush()
        sent.append(MessageRead.model_validate(row))
    return sent


async def _send(
    settings: Settings, to: str, subject: str, text: str, now: datetime
) -> dict[str, object]:
    try:
        outcome = await send_email(settings, to, subject, text)
    except InvalidEmailMessage as exc:
        return {"status": "failed", "error": exc.detail[:500], "sent_at": None}
    if outcome.sent:
        return {"status": "sent", "error": "", "sent_at": now}
    return {"status": "failed", "error": outcome.error[:500], "sent_at": None}


def _subject(shop_name: str, text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    subject = f"{shop_name}: {first}" if first else shop_name
    return subject if len(subject) <= MAX_SUBJECT else subject[: MAX_SUBJECT - 1] + "…"
