"""Broadcasts as staff handle them: drafts, audience size, send now or later, test, pause,
resume, cancel, progress. Every change is audited; the engine (`delivery`) does the sending."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.kit.pagination import Page
from shopkeeper.notifications.broadcasts import audiences, saved
from shopkeeper.notifications.broadcasts.errors import (
    BotNotChosen,
    BroadcastInvalid,
    BroadcastNotEditable,
    BroadcastNotFound,
)
from shopkeeper.notifications.broadcasts.models import Broadcast
from shopkeeper.notifications.broadcasts.ports import BroadcastChannel
from shopkeeper.notifications.broadcasts.repository import (
    BroadcastRepository,
    RecipientRepository,
)
from shopkeeper.notifications.broadcasts.schemas import (
    CAPTION_MAX,
    Audience,
    AudienceQuery,
    AudienceSize,
    BroadcastCreate,
    BroadcastRead,
    BroadcastUpdate,
    Progress,
)

INSERT_CHUNK = 500
_AUDIENCE: TypeAdapter[Any] = TypeAdapter(Audience)
OPEN = ("sending", "paused", "scheduled")


def read(broadcast: Broadcast, now: datetime) -> BroadcastRead:
    result = BroadcastRead.model_validate(broadcast)
    result.progress = progress(broadcast, now)
    return result


def progress(b: Broadcast, now: datetime) -> Progress:
    done = b.sent + b.failed + b.unreachable
    remaining = max(b.total - done, 0) if b.status in OPEN else 0
    end = b.finished_at or now
    elapsed = (end - b.started_at).total_seconds() if b.started_at else 0.0
    rate = done / elapsed if elapsed > 0 else 0.0
    eta = remaining / rate if rate > 0 else (0.0 if remaining == 0 else None)
    return Progress(
        total=b.total, sent=b.sent, failed=b.failed, unreachable=b.unreachable,
        remaining=remaining, rate=round(rate, 2),
        eta_seconds=None if eta is None else round(eta, 1),
    )  # fmt: skip


def _snapshot(b: Broadcast) -> dict[str, Any]:
    return {
        "status": b.status, "text": b.text, "image_url": b.image_url, "buttons": b.buttons,
        "audience": b.audience, "bot_id": str(b.bot_id) if b.bot_id else None, "paid": b.paid,
        "scheduled_at": b.scheduled_at.isoformat() if b.scheduled_at else None,
    }  # fmt: skip


async def _audit(
    session: AsyncSession, actor: audit.Actor, b: Broadcast, action: str,
    before: dict[str, Any] | None, now: datetime,
) -> None:  # fmt: skip
    await audit.record(
        session, actor=actor, shop_id=b.shop_id, action=f"notifications.broadcast_{action}",
        target_type="broadcast", target_id=b.id, before=before, after=_snapshot(b), now=now,
    )  # fmt: skip


async def get_row(
    session: AsyncSession, shop_id: uuid.UUID, broadcast_id: uuid.UUID, *, lock: bool = False
) -> Broadcast:
    found = await BroadcastRepository(session).get(shop_id, broadcast_id, lock=lock)
    if found is None:
        raise BroadcastNotFound()
    return found


def _check_caption(text: str, image_url: str | None) -> None:
    if image_url and len(text) > CAPTION_MAX:
        raise BroadcastInvalid(
            f"With an image the text is a caption: at most {CAPTION_MAX} characters"
        )


async def create_broadcast(
    session: AsyncSession, *, shop_id: uuid.UUID, data: BroadcastCreate, actor: audit.Actor,
    now: datetime,
) -> BroadcastRead:  # fmt: skip
    """A draft; nothing is sent until `send_broadcast`."""
    image = str(data.image_url) if data.image_url else None
    _check_caption(data.text, image)
    await saved.check_reference(session, shop_id=shop_id, audience=data.audience)
    row = BroadcastRepository(session).add(
        Broadcast(
            shop_id=shop_id, bot_id=data.bot_id, channel="telegram", text=data.text,
            image_url=image, buttons=[{"text": b.text, "url": str(b.url)} for b in data.buttons],
            audience=data.audience.model_dump(mode="json"), status="draft", paid=data.paid,
            total=0, sent=0, failed=0, unreachable=0, error="", created_by=actor.id,
            created_at=now, updated_at=now,
        )
    )  # fmt: skip
    await session.flush()
    await _audit(session, actor, row, "created", None, now)
    return read(row, now)


async def update_broadcast(
    session: AsyncSession, *, shop_id: uuid.UUID, broadcast_id: uuid.UUID,
    data: BroadcastUpdate, actor: audit.Actor, now: datetime,
) -> BroadcastRead:  # fmt: skip
    row = await get_row(session, shop_id, broadcast_id, lock=True)
    if row.status != "draft":
        raise BroadcastNotEditable(row.status)
    before = _snapshot(row)
    given = data.model_fields_set
    if "text" in given and data.text is not None:
        row.text = data.text
    if "image_url" in given:
        row.image_url = str(data.image_url) if data.image_url else None
    if "buttons" in given:
        row.buttons = [{"text": b.text, "url": str(b.url)} for b in data.buttons or []]
    if "audience" in given and data.audience is not None:
        await saved.check_reference(session, shop_id=shop_id, audience=data.audience)
        row.audience = data.audience.model_dump(mode="json")
    if "bot_id" in given:
        row.bot_id = data.bot_id
    if "paid" in given and data.paid is not None:
        row.paid = data.paid
    _check_caption(row.text, row.image_url)
    row.updated_at = now
    await session.flush()
    await _audit(session, actor, row, "updated", before, now)
    return read(row, now)


async def list_broadcasts(
    session: AsyncSession, *, shop_id: uuid.UUID, status: str | None, limit: int, offset: int,
    now: datetime,
) -> Page[BroadcastRead]:  # fmt: skip
    rows, total = await BroadcastRepository(session).page(
        shop_id, status=status, limit=limit, offset=offset
    )
    return Page(items=[read(r, now) for r in rows], total=total, limit=limit, offset=offset)


async def get_broadcast(
    session: AsyncSession, *, shop_id: uuid.UUID, broadcast_id: uuid.UUID, now: datetime
) -> BroadcastRead:
    return read(await get_row(session, shop_id, broadcast_id), now)


async def choose_bot(
    session: AsyncSession, channel: BroadcastChannel, shop_id: uuid.UUID, bot_id: uuid.UUID | None
) -> uuid.UUID:
    """The given bot if it is a live bot of the shop, else the shop's only live bot."""
    bots = await channel.bots(session, shop_id)
    if bot_id is not None:
        if bot_id not in bots:
            raise BotNotChosen("bot_id is not a connected bot of this shop")
        return bot_id
    if not bots:
        raise BotNotChosen("The shop has no connected Telegram bot: connect one first")
    if len(bots) > 1:
        raise BotNotChosen(f"The shop has {len(bots)} bots: say which one with bot_id")
    return bots[0]


async def audience_size(
    session: AsyncSession, channel: BroadcastChannel, *, shop_id: uuid.UUID,
    query: AudienceQuery, now: datetime,
) -> AudienceSize:  # fmt: skip
    bot_id = await choose_bot(session, channel, shop_id, query.bot_id)
    n = await audiences.size(
        session, channel, query.audience, shop_id=shop_id, bot_id=bot_id, now=now
    )
    return AudienceSize(bot_id=bot_id, size=n)


async def start_sending(
    session: AsyncSession, channel: BroadcastChannel, row: Broadcast, now: datetime
) -> None:
    """Snapshot the audience into recipients and mark the broadcast sending (once)."""
    assert row.bot_id is not None
    audience = _AUDIENCE.validate_python(row.audience)
    recipients = RecipientRepository(session)
    total, batch = 0, []
    async for chunk in audiences.members(
        session, channel, audience, shop_id=row.shop_id, bot_id=row.bot_id, now=now
    ):
        for chat in chunk:
            batch.append({
                "broadcast_id": row.id, "customer_id": chat.customer_id, "chat_id": chat.chat_id,
                "status": "pending", "attempts": 0, "error": "",
            })  # fmt: skip
            if len(batch) >= INSERT_CHUNK:
                await recipients.insert(batch)
                total, batch = total + len(batch), []
    await recipients.insert(batch)
    total += len(batch)
    row.status, row.started_at, row.total, row.updated_at = "sending", now, total, now
    if total == 0:
        row.status, row.finished_at = "completed", now
    await session.flush()
