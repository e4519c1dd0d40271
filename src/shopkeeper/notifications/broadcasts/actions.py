"""What staff do with a broadcast once written: send (now or at a time), test, pause, resume,
cancel. Each is a conditional change of status, audited."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit, identity
from shopkeeper.kit.ids import new_id
from shopkeeper.notifications.broadcasts.errors import (
    BroadcastInvalid,
    BroadcastStateConflict,
    NoTestChat,
    UnknownTestCustomer,
)
from shopkeeper.notifications.broadcasts.ports import BroadcastChannel, Post
from shopkeeper.notifications.broadcasts.repository import RecipientRepository, log_messages
from shopkeeper.notifications.broadcasts.schemas import BroadcastRead, TestSent
from shopkeeper.notifications.broadcasts.service import (
    _audit,
    _snapshot,
    choose_bot,
    get_row,
    read,
    start_sending,
)


def post_of(row_text: str, image_url: str | None, buttons: list[dict[str, str]],
            bot_id: uuid.UUID, paid: bool) -> Post:  # fmt: skip
    pairs = tuple((b["text"], b["url"]) for b in buttons)
    return Post(bot_id=bot_id, text=row_text, image_url=image_url, buttons=pairs, paid=paid)


async def send_broadcast(
    session: AsyncSession, channel: BroadcastChannel, *, shop_id: uuid.UUID,
    broadcast_id: uuid.UUID, scheduled_at: datetime | None, actor: audit.Actor, now: datetime,
) -> BroadcastRead:  # fmt: skip
    """Now: the audience is snapshotted and workers start; later: a worker starts it then."""
    row = await get_row(session, shop_id, broadcast_id, lock=True)
    if row.status not in ("draft", "scheduled"):
        raise BroadcastStateConflict("send", row.status)
    before = _snapshot(row)
    row.bot_id = await choose_bot(session, channel, shop_id, row.bot_id)
    if scheduled_at is not None and scheduled_at.tzinfo is None:
        raise BroadcastInvalid("scheduled_at needs a time zone (e.g. 2026-12-24T18:00:00Z)")
    if scheduled_at is not None and scheduled_at > now:
        row.status, row.scheduled_at, row.updated_at = "scheduled", scheduled_at, now
        await session.flush()
        await _audit(session, actor, row, "scheduled", before, now)
    else:
        row.scheduled_at = now
        await start_sending(session, channel, row, now)
        await _audit(session, actor, row, "sent", before, now)
    return read(row, now)


async def _move(
    session: AsyncSession, *, shop_id: uuid.UUID, broadcast_id: uuid.UUID, action: str,
    allowed: tuple[str, ...], to: str, actor: audit.Actor, now: datetime,
) -> BroadcastRead:  # fmt: skip
    row = await get_row(session, shop_id, broadcast_id, lock=True)
    if row.status not in allowed:
        raise BroadcastStateConflict(action, row.status)
    before = _snapshot(row)
    row.status, row.updated_at = to, now
    if to == "cancelled":
        row.finished_at = now
        await RecipientRepository(session).release_all(row.id, status="skipped")
    await session.flush()
    await _audit(session, actor, row, f"{action}d" if action.endswith("e") else f"{action}ed",
                 before, now)  # fmt: skip
    return read(row, now)


async def pause_broadcast(
    session: AsyncSession, *, shop_id: uuid.UUID, broadcast_id: uuid.UUID,
    actor: audit.Actor, now: datetime,
) -> BroadcastRead:  # fmt: skip
    """Workers stop claiming at their next batch; what they hold is still sent."""
    return await _move(session, shop_id=shop_id, broadcast_id=broadcast_id, action="pause",
                       allowed=("sending",), to="paused", actor=actor, now=now)  # fmt: skip


async def resume_broadcast(
    session: AsyncSession, *, shop_id: uuid.UUID, broadcast_id: uuid.UUID,
    actor: audit.Actor, now: datetime,
) -> BroadcastRead:  # fmt: skip
    return await _move(session, shop_id=shop_id, broadcast_id=broadcast_id, action="resume",
                       allowed=("paused",), to="sending", actor=actor, now=now)  # fmt: skip


async def cancel_broadcast(
    session: AsyncSession, *, shop_id: uuid.UUID, broadcast_id: uuid.UUID,
    actor: audit.Actor, now: datetime,
) -> BroadcastRead:  # fmt: skip
    """Nobody else gets it: open recipients become `skipped`."""
    allowed = ("draft", "scheduled", "sending", "paused")
    return await _move(session, shop_id=shop_id, broadcast_id=broadcast_id, action="cancel",
                       allowed=allowed, to="cancelled", actor=actor, now=now)  # fmt: skip


async def _test_target(
    session: AsyncSession, *, shop_id: uuid.UUID, user_id: uuid.UUID | None,
    telegram_user_id: int | None,
) -> tuple[uuid.UUID, int]:  # fmt: skip
    """(customer, chat): the caller's own (their staff email's customer), else the one given."""
    if user_id is not None:
        user = await identity.get_user(session, user_id=user_id)
        own = await identity.find_customer(session, shop_id=shop_id, kind="email", value=user.email)
        chat = _telegram_of(own) if own else None
        if own is not None and chat is not None:
            return own.id, chat
    if telegram_user_id is None:
        raise NoTestChat()
    given = await identity.find_customer(
        session, shop_id=shop_id, kind="telegram", value=str(telegram_user_id)
    )
    if given is None:
        raise UnknownTestCustomer()
    return given.id, telegram_user_id


def _telegram_of(customer: identity.CustomerRead) -> int | None:
    for found in customer.identities:
        if str(found.kind) == "telegram":
            return int(found.value)
    return None


async def send_test(
    session: AsyncSession, channel: BroadcastChannel, *, shop_id: uuid.UUID,
    broadcast_id: uuid.UUID, user_id: uuid.UUID | None, telegram_user_id: int | None,
    actor: audit.Actor, now: datetime,
) -> TestSent:  # fmt: skip
    """The broadcast as its recipients will see it, to one chat, now (not rate-gated)."""
    row = await get_row(session, shop_id, broadcast_id)
    bot_id = await choose_bot(session, channel, shop_id, row.bot_id)
    customer_id, chat_id = await _test_target(
        session, shop_id=shop_id, user_id=user_id, telegram_user_id=telegram_user_id
    )
    result = await channel.send(
        post_of(row.text, row.image_url, row.buttons, bot_id, False), chat_id
    )
    status = {"sent": "sent", "unreachable": "blocked"}.get(result.outcome, "failed")
    await log_messages(session, [{
        "id": new_id(), "shop_id": shop_id, "customer_id": customer_id, "user_id": None,
        "channel": "telegram", "purpose": "broadcast.test", "language": "", "body": row.text,
        "status": status, "error": result.error[:500], "dedupe_key": f"broadcast.test:{new_id()}",
        "created_at": now, "sent_at": now if status == "sent" else None,
    }])  # fmt: skip
    await audit.record(
        session, actor=actor, shop_id=shop_id, action="notifications.broadcast_tested",
        target_type="broadcast", target_id=row.id, after={"chat_id": chat_id,
        "outcome": result.outcome}, now=now,
    )  # fmt: skip
    return TestSent(chat_id=chat_id, outcome=result.outcome, message_id=result.message_id,
                    error=result.error)  # fmt: skip
