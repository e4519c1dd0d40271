"""Connecting a shop's bot, reading it, disconnecting it.

Bot API calls never run inside a database transaction: each flow reads, calls Telegram and
writes in short units of work of its own (like payments.flows). A connection claims the bot
in the database first (so of two concurrent attempts only one talks to Telegram), then sets
the webhook; if Telegram refuses, the claim is undone. A shop without a Telegram Stars
account gets one that takes Stars through the bot just connected.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import structlog
from aiogram.types import User
from sqlalchemy.exc import IntegrityError

from shopkeeper import audit, payments
from shopkeeper.audit import Actor
from shopkeeper.bots.telegram import api
from shopkeeper.bots.telegram.errors import (
    BotAlreadyConnected,
    BotNotFound,
    BotTokenInvalid,
    TelegramUnavailable,
    WebhookNotUsed,
)
from shopkeeper.bots.telegram.models import TelegramBot
from shopkeeper.bots.telegram.repository import BotRepository, TextRepository
from shopkeeper.bots.telegram.runtime import telegram_runtime
from shopkeeper.bots.telegram.schemas import BotDetail, BotRead, WebhookState
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.errors import AppError
from shopkeeper.kit.crypto import random_token, sha256_hex
from shopkeeper.kit.ids import new_id
from shopkeeper.shops import get_shop_by_id

log = structlog.get_logger(__name__)
STARS_GATEWAY = "telegram_stars"


def mask_token(token: str) -> str:
    """`123456:AAE…xyz`: enough to recognise a token, never enough to use it."""
    head, _, secret = token.partition(":")
    return f"{head}:{secret[:2]}…{secret[-3:]}" if len(secret) > 8 else f"{head}:…"


def webhook_url(container: Container, bot_id: uuid.UUID) -> str:
    return f"{(container.settings.public_url or '').rstrip('/')}/telegram/{bot_id}"


@dataclass(frozen=True)
class _Plan:
    """What a connection will store, decided before Telegram is told anything."""

    bot_id: uuid.UUID
    reuse: bool  # a disconnected row of this shop comes back (its users with it)
    mode: str
    secret: str


async def connect_bot(
    container: Container, *, shop_id: uuid.UUID, token: str, actor: Actor,
    api_base: str | None = None,
) -> BotRead:  # fmt: skip
    """Check the token with getMe, point the webhook here (or clear it for polling), store."""
    runtime = telegram_runtime(container)
    bot = api.client(runtime, token.strip(), api_base)
    me = await api.get_me(bot)
    plan = await _plan(container, shop_id, me)
    read = await _store(container, shop_id, me, bot.token, plan, api_base, actor)
    try:
        if plan.mode == "webhook":
            await api.set_webhook(bot, url=webhook_url(container, read.id), secret=plan.secret)
        else:
            await api.delete_webhook(bot)  # getUpdates is refused while a webhook is set
    except Exception as exc:
        await _undo(container, shop_id, plan, actor, reason=str(exc))
        raise
    runtime.forget(read.id)
    async with container.readers() as session:
        overrides = await TextRepository(session).overrides(shop_id)
    await api.set_commands(bot, overrides)
    await _take_stars_through(container, shop_id, token=bot.token, api_base=api_base, actor=actor)
    return read


async def _take_stars_through(
    container: Container, shop_id: uuid.UUID, *, token: str, api_base: str | None, actor: Actor
) -> None:
    """A shop without a Telegram Stars account takes Stars through this bot (audited by
    payments); one that has an account keeps it. Never fails the connection."""
    try:
        async with unit_of_work(container.sessions) as session:
            shop = await get_shop_by_id(session, shop_id=shop_id)
            configured = await payments.configure_gateway_if_absent(
                session, shop=shop, provider=STARS_GATEWAY, config=_stars_config(token, api_base),
                actor=actor, secrets=container.secrets, settings=container.settings,
                now=container.clock.now(),
            )  # fmt: skip
    except AppError as exc:
        log.warning("telegram.stars_not_configured", shop_id=str(shop_id), error=exc.detail)
        return
    if configured is not None:
        log.info("telegram.stars_configured", shop_id=str(shop_id))


def _stars_config(token: str, api_base: str | None) -> dict[str, str]:
    """The bot's token, and its own Bot API server when it has one. Not the playground's:
    the runtime reaches that in process, the payments adapter only over HTTP."""
    from shopkeeper.bots.telegram.playground.session import is_playground_base  # (a cycle)

    if api_base and api_base.startswith(("http://", "https://")):
        if not is_playground_base(api_base):
            return {"bot_token": token, "api_base": api_base}
    return {"bot_token": token}


async def _plan(container: Container, shop_id: uuid.UUID, me: User) -> _Plan:
    async with container.readers() as session:
        repo = BotRepository(session)
        if await repo.active_anywhere(me.id) is not None:
            raise BotAlreadyConnected(me.username or str(me.id))
        previous = await repo.in_shop(shop_id, me.id)
    mode = "webhook" if container.settings.public_url else "polling"
    bot_id = previous.id if previous is not None else new_id()
    return _Plan(bot_id=bot_id, reuse=previous is not None, mode=mode, secret=random_token(32))


async def _store(
    container: Container, shop_id: uuid.UUID, me: User, token: str, plan: _Plan,
    api_base: str | None, actor: Actor,
) -> BotRead:  # fmt: skip
    now = container.clock.now()
    fields = {
        "username": me.username or "", "first_name": me.first_name[:128],
        "token_encrypted": container.secrets.encrypt(token), "token_mask": mask_token(token),
        "webhook_secret_hash": sha256_hex(plan.secret), "mode": plan.mode,
        "api_base": api_base, "active": True, "poll_owner": None, "poll_lease_until": None,
        "updated_at": now, "disconnected_at": None,
    }  # fmt: skip
    try:
        async with unit_of_work(container.sessions) as session:
            repo = BotRepository(session)
            row = await repo.get(shop_id, plan.bot_id, lock=True) if plan.reuse else None
            if row is not None and row.active:  # a concurrent attempt reconnected it first
                raise BotAlreadyConnected(me.username or str(me.id))
            if row is None:
                row = repo.add(TelegramBot(id=plan.bot_id, shop_id=shop_id,
                                           telegram_bot_id=me.id, created_at=now))  # fmt: skip
            for name, value in fields.items():
                setattr(row, name, value)
            await session.flush()
            read = BotRead.model_validate(row)
            await audit.record(
                session, actor=actor, shop_id=shop_id, action="telegram_bot.connected",
                target_type="telegram_bot", target_id=row.id, after=read.model_dump(mode="json"),
                now=now,
            )  # fmt: skip
    except IntegrityError:  # a concurrent connection of the same bot won
        raise BotAlreadyConnected(me.username or str(me.id)) from None
    return read


async def _undo(
    container: Container, shop_id: uuid.UUID, plan: _Plan, actor: Actor, *, reason: str
) -> None:
    """Telegram refused the webhook: give the bot up again (a new row goes, an old one sleeps)."""
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        row = await BotRepository(session).get(shop_id, plan.bot_id, lock=True)
        if row is None:
            return
        if plan.reuse:
            row.active, row.token_encrypted, row.disconnected_at = False, "", now
            row.updated_at, row.poll_owner, row.poll_lease_until = now, None, None
        else:
            await session.delete(row)
        await audit.record(
            session, actor=actor, shop_id=shop_id, action="telegram_bot.connect_failed",
            target_type="telegram_bot", target_id=plan.bot_id, after={"reason": reason[:500]},
            now=now,
        )  # fmt: skip
    telegram_runtime(container).forget(plan.bot_id)


async def list_bots(
    container: Container, *, shop_id: uuid.UUID, include_inactive: bool = False
) -> list[BotRead]:
    async with container.readers() as session:
        rows = await BotRepository(session).for_shop(shop_id, include_inactive=include_inactive)
        return [BotRead.model_validate(row) for row in rows]


async def get_bot(container: Container, *, shop_id: uuid.UUID, bot_id: uuid.UUID) -> BotDetail:
    """The bot, and in webhook mode what Telegram says of its webhook (getWebhookInfo)."""
    async with container.readers() as session:
        row = await BotRepository(session).get(shop_id, bot_id)
    if row is None:
        raise BotNotFound()
    detail = BotDetail.model_validate(row)
    if not row.active or row.mode != "webhook":
        return detail
    bot = api.client(telegram_runtime(container), _token(container, row), row.api_base)
    try:
        info = await api.webhook_info(bot)
    except (TelegramUnavailable, BotTokenInvalid) as exc:
        return detail.model_copy(update={"webhook_error": exc.detail})
    state = WebhookState(
        url=info.url, expected_url=webhook_url(container, row.id),
        pending_update_count=info.pending_update_count, last_error_at=info.last_error_date,
        last_error_message=info.last_error_message,
    )  # fmt: skip
    return detail.model_copy(update={"webhook": state})


async def reset_webhook(
    container: Container, *, shop_id: uuid.UUID, bot_id: uuid.UUID, actor: Actor
) -> BotDetail:
    """Point the webhook here again with a new secret (after it was changed or lost)."""
    async with container.readers() as session:
        row = await BotRepository(session).get(shop_id, bot_id)
    if row is None or not row.active:
        raise BotNotFound()
    if row.mode != "webhook":
        raise WebhookNotUsed()
    runtime = telegram_runtime(container)
    secret = random_token(32)
    bot = api.client(runtime, _token(container, row), row.api_base)
    await api.set_webhook(bot, url=webhook_url(container, bot_id), secret=secret)
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        locked = await BotRepository(session).get(shop_id, bot_id, lock=True)
        if locked is None or not locked.active:
            raise BotNotFound()
        locked.webhook_secret_hash, locked.updated_at = sha256_hex(secret), now
        await audit.record(
            session, actor=actor, shop_id=shop_id, action="telegram_bot.webhook_reset",
            target_type="telegram_bot", target_id=bot_id,
            after={"url": webhook_url(container, bot_id)}, now=now,
        )  # fmt: skip
    runtime.forget(bot_id)
    return await get_bot(container, shop_id=shop_id, bot_id=bot_id)


async def disconnect_bot(
    container: Container, *, shop_id: uuid.UUID, bot_id: uuid.UUID, actor: Actor
) -> None:
    """Clear the webhook, then forget the token; the bot's users stay for a reconnection."""
    async with container.readers() as session:
        row = await BotRepository(session).get(shop_id, bot_id)
    if row is None or not row.active:
        raise BotNotFound()
    runtime = telegram_runtime(container)
    try:
        await api.delete_webhook(api.client(runtime, _token(container, row), row.api_base))
    except (TelegramUnavailable, BotTokenInvalid) as exc:  # a revoked token: still let go
        log.warning("telegram.delete_webhook_failed", bot_id=str(bot_id), error=exc.detail)
    await _deactivate(container, shop_id, bot_id, actor)
    runtime.forget(bot_id)


async def _deactivate(
    container: Container, shop_id: uuid.UUID, bot_id: uuid.UUID, actor: Actor
) -> None:
    now = container.clock.now()
    async with unit_of_work(container.sessions) as session:
        row = await BotRepository(session).get(shop_id, bot_id, lock=True)
        if row is None or not row.active:
            raise BotNotFound()
        before = BotRead.model_validate(row).model_dump(mode="json")
        row.active, row.token_encrypted, row.disconnected_at, row.updated_at = False, "", now, now
        row.poll_owner, row.poll_lease_until = None, None
        await session.flush()
        await audit.record(
            session, actor=actor, shop_id=shop_id, action="telegram_bot.disconnected",
            target_type="telegram_bot", target_id=bot_id, before=before,
            after={"active": False}, now=now,
        )  # fmt: skip


def _token(container: Container, row: TelegramBot) -> str:
    return container.secrets.decrypt(row.token_encrypted)
