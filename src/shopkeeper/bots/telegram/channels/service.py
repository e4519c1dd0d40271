"""Registering a shop's channels and groups, checking the bot's rights there, and the rest.

Like the bots service, a flow that asks Telegram does it outside any database transaction:
it reads, calls the Bot API, then writes in a short unit of work of its own. A channel is an
access target (platform "telegram_chat") plus a `telegram_chat` row; products grant it
through the access context's links.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import access, audit
from shopkeeper.access import Platform, TargetCreate, TargetUpdate
from shopkeeper.audit import Actor
from shopkeeper.bots.telegram.channels.errors import (
    BotRightsMissing,
    ChannelAlreadyRegistered,
    ChannelNotFound,
)
from shopkeeper.bots.telegram.channels.inspect import ChatInfo, inspect_chat, rights_problems
from shopkeeper.bots.telegram.channels.repository import ChatRepository
from shopkeeper.bots.telegram.channels.schemas import ChannelCreate, ChannelRead, ChannelUpdate
from shopkeeper.bots.telegram.chat_models import TelegramChat
from shopkeeper.bots.telegram.errors import BotNotFound
from shopkeeper.bots.telegram.runtime import BotEntry, telegram_runtime
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.ids import new_id
from shopkeeper.kit.pagination import Page


async def register_channel(
    container: Container, *, shop_id: uuid.UUID, data: ChannelCreate, actor: Actor
) -> ChannelRead:
    """Check the chat and the bot's rights with Telegram (422 saying what is missing), then
    create its access target and link the given products."""
    entry = await _bot_entry(container, shop_id, data.bot_id)
    runtime = telegram_runtime(container)
    info = await inspect_chat(runtime.bot(entry), entry, data.chat_id)
    if info.problems:
        raise BotRightsMissing(info.problems)
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        chat = await _store(session, shop_id=shop_id, data=data, info=info, actor=actor, now=now)
        for product_id in dict.fromkeys(data.product_ids):
            await access.link_product(
                session, shop_id=shop_id, target_id=chat.target_id, product_id=product_id,
                actor=actor, now=now,
            )  # fmt: skip
        read = await _read(session, chat)
        await _audit(session, actor, chat, "telegram_chat.registered", None, _facts(read), now)
    return read


async def _store(
    session: AsyncSession, *, shop_id: uuid.UUID, data: ChannelCreate, info: ChatInfo,
    actor: Actor, now: datetime,
) -> TelegramChat:  # fmt: skip
    """A new target and row, or a deactivated registration of the same chat revived."""
    repo = ChatRepository(session)
    title = data.title or info.title
    settings = _settings(data.bot_id, data.mode, data.invite_ttl_seconds)
    chat = await repo.by_chat(shop_id, info.chat_id)
    if chat is not None and chat.active:
        raise ChannelAlreadyRegistered(chat.title)
    if chat is None:
        target = await access.create_target(
            session, shop_id=shop_id, actor=actor, now=now,
            data=TargetCreate(platform=Platform.TELEGRAM_CHAT, external_id=str(info.chat_id),
                              title=title, settings=settings),
        )  # fmt: skip
        chat = repo.add(TelegramChat(id=new_id(), shop_id=shop_id, chat_id=info.chat_id,
                                     target_id=target.id, created_at=now))  # fmt: skip
    else:
        await access.update_target(
            session, shop_id=shop_id, target_id=chat.target_id, actor=actor, now=now,
            data=TargetUpdate(title=title, settings=settings, active=True),
        )  # fmt: skip
    chat.bot_id, chat.title, chat.type, chat.username = data.bot_id, title, info.type, info.username
    chat.mode, chat.invite_ttl_seconds, chat.active = data.mode, data.invite_ttl_seconds, True
    _set_rights(chat, info.problems, now)
    await session.flush()
    return chat


async def list_channels(
    session: AsyncSession, *, shop_id: uuid.UUID, active: bool | None = None,
    limit: int = 50, offset: int = 0,
) -> Page[ChannelRead]:  # fmt: skip
    """Newest first, each with the state of the bot's rights as last checked."""
    rows, total = await ChatRepository(session).page(
        shop_id, active=active, limit=limit, offset=offset
    )
    targets = await access.get_targets(
        session, shop_id=shop_id, target_ids=[row.target_id for row in rows]
    )  # one query for the page, not one per chat
    items = [
        ChannelRead.model_validate(row).model_copy(
            update={"product_ids": targets[row.target_id].product_ids}
        )
        for row in rows
    ]
    return Page[ChannelRead](items=items, total=total, limit=limit, offset=offset)


async def get_channel(
    session: AsyncSession, *, shop_id: uuid.UUID, channel_id: uuid.UUID
) -> ChannelRead:
    return await _read(session, await _channel(session, shop_id, channel_id))


async def check_channel(
    container: Container, *, shop_id: uuid.UUID, channel_id: uuid.UUID, actor: Actor
) -> ChannelRead:
    """Ask Telegram again what the bot may do; when all is well, retry the waiting grants."""
    async with container.readers() as session:
        known = await _channel(session, shop_id, channel_id)
        bot_id, chat_id = known.bot_id, known.chat_id
    entry = await _bot_entry(container, shop_id, bot_id)
    problems = await rights_problems(telegram_runtime(container).bot(entry), entry, chat_id)
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        chat = await _channel(session, shop_id, channel_id)
        before = _rights(chat)
        _set_rights(chat, problems, now)
        if before != (after := _rights(chat)):
            await _audit(session, actor, chat, "telegram_chat.rights_checked", before, after, now)
        if chat.rights_ok and chat.active:
            await access.resume_for_platform(
                session, container, shop_id=shop_id, platform=Platform.TELEGRAM_CHAT, now=now
            )
        return await _read(session, chat)


async def update_channel(
    session: AsyncSession, *, shop_id: uuid.UUID, channel_id: uuid.UUID, data: ChannelUpdate,
    actor: Actor, now: datetime,
) -> ChannelRead:  # fmt: skip
    """Mode, title or link lifetime; links already given stay as they were made."""
    chat = await _channel(session, shop_id, channel_id)
    changes = data.model_dump(exclude_none=True)
    before = {k: getattr(chat, k) for k in changes if getattr(chat, k) != changes[k]}
    if before:
        for key in before:
            setattr(chat, key, changes[key])
        chat.updated_at = now
        await access.update_target(
            session, shop_id=shop_id, target_id=chat.target_id, actor=actor, now=now,
            data=TargetUpdate(title=chat.title, settings=_settings(
                chat.bot_id, chat.mode, chat.invite_ttl_seconds)),
        )  # fmt: skip
        after = {k: changes[k] for k in before}
        await _audit(session, actor, chat, "telegram_chat.updated", before, after, now)
    return await _read(session, chat)


async def deactivate_channel(
    session: AsyncSession, *, shop_id: uuid.UUID, channel_id: uuid.UUID, actor: Actor,
    now: datetime,
) -> ChannelRead:  # fmt: skip
    """Purchases grant the chat no more (its target is deactivated); members stay."""
    chat = await _channel(session, shop_id, channel_id)
    if chat.active:
        chat.active, chat.updated_at = False, now
        await access.deactivate_target(
            session, shop_id=shop_id, target_id=chat.target_id, actor=actor, now=now
        )
        await _audit(
            session, actor, chat, "telegram_chat.deactivated", {"active": True},
            {"active": False}, now,
        )  # fmt: skip
    return await _read(session, chat)


def record_rights(chat: TelegramChat, problems: list[str], now: datetime) -> None:
    """What Telegram just told of the bot's rights in the chat (a my_chat_member update)."""
    _set_rights(chat, problems, now)


def _set_rights(chat: TelegramChat, problems: list[str], now: datetime) -> None:
    chat.rights_ok, chat.problems, chat.rights_checked_at = not problems, list(problems), now
    chat.updated_at = now


def _rights(chat: TelegramChat) -> dict[str, Any]:
    return {"rights_ok": chat.rights_ok, "problems": list(chat.problems)}


def _settings(bot_id: uuid.UUID, mode: str, ttl: int) -> dict[str, Any]:
    return {"bot_id": str(bot_id), "mode": mode, "invite_ttl_seconds": ttl}


async def _bot_entry(container: Container, shop_id: uuid.UUID, bot_id: uuid.UUID) -> BotEntry:
    entry = await telegram_runtime(container).entry(bot_id)
    if entry is None or entry.shop_id != shop_id:
        raise BotNotFound()
    return entry


async def _channel(
    session: AsyncSession, shop_id: uuid.UUID, channel_id: uuid.UUID
) -> TelegramChat:
    chat = await ChatRepository(session).get(shop_id, channel_id)
    if chat is None:
        raise ChannelNotFound()
    return chat


async def _read(session: AsyncSession, chat: TelegramChat) -> ChannelRead:
    target = await access.get_target(session, shop_id=chat.shop_id, target_id=chat.target_id)
    return ChannelRead.model_validate(chat).model_copy(update={"product_ids": target.product_ids})


def _facts(read: ChannelRead) -> dict[str, Any]:
    return read.model_dump(mode="json", exclude={"created_at", "updated_at"})


async def _audit(
    session: AsyncSession, actor: Actor, chat: TelegramChat, action: str,
    before: dict[str, Any] | None, after: dict[str, Any] | None, now: datetime,
) -> None:  # fmt: skip
    await audit.record(
        session, actor=actor, shop_id=chat.shop_id, action=action, target_type="telegram_chat",
        target_id=chat.id, before=before, after=after, now=now,
    )  # fmt: skip
