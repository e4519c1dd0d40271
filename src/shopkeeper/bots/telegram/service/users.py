"""Telegram users of a bot: first contact links a customer; later updates refresh the row."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from aiogram.types import User
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import identity
from shopkeeper.bots.telegram.deeplinks import StartPayload
from shopkeeper.bots.telegram.models import TelegramUser
from shopkeeper.bots.telegram.repository import UserRepository
from shopkeeper.bots.telegram.schemas import Recipient, TelegramUserRead
from shopkeeper.bots.telegram.texts import LANGUAGES, pick_language
from shopkeeper.identity import IdentityKind
from shopkeeper.kit.ids import new_id

SEEN_EVERY = timedelta(minutes=1)  # last_seen_at is refreshed at most this often (fewer writes)


async def resolve(
    session: AsyncSession,
    *,
    shop_id: uuid.UUID,
    bot_id: uuid.UUID,
    user: User,
    interacting: bool,
    now: datetime,
) -> TelegramUser:
    """The bot's row for this person, created with the shop's customer on first contact.

    `interacting` (a message or a button press) proves the user has not blocked the bot.
    """
    row = await UserRepository(session).get(bot_id, user.id)
    if row is None:
        return await _first_contact(session, shop_id=shop_id, bot_id=bot_id, user=user, now=now)
    _refresh(row, user, interacting=interacting, now=now)
    return row


async def _first_contact(
    session: AsyncSession, *, shop_id: uuid.UUID, bot_id: uuid.UUID, user: User, now: datetime
) -> TelegramUser:
    language = _telegram_language(user)
    customer = await identity.find_or_create_customer(
        session, shop_id=shop_id, kind=IdentityKind.TELEGRAM, value=str(user.id),
        display_name=user.full_name,
        language=language if language in LANGUAGES else None, now=now,
    )  # fmt: skip
    row = TelegramUser(
        id=new_id(), shop_id=shop_id, bot_id=bot_id, telegram_user_id=user.id,
        customer_id=customer.id, first_name=user.first_name[:128],
        last_name=(user.last_name or None) and user.last_name[:128],
        username=user.username, telegram_language=user.language_code, created_at=now,
        last_seen_at=now,
    )  # fmt: skip
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:  # the same person's other update got here first
        existing = await UserRepository(session).get(bot_id, user.id)
        if existing is None:
            raise
        return existing
    return row


def _telegram_language(user: User) -> str | None:
    code = (user.language_code or "").split("-", 1)[0].lower()
    return code or None


def _refresh(row: TelegramUser, user: User, *, interacting: bool, now: datetime) -> None:
    """Copy what changed on Telegram's side; assign only real changes (no needless UPDATE)."""
    fresh = {
        "first_name": user.first_name[:128],
        "last_name": (user.last_name or None) and user.last_name[:128],
        "username": user.username,
    }
    if user.language_code:
        fresh["telegram_language"] = user.language_code
    for name, value in fresh.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    if now - row.last_seen_at >= SEEN_EVERY:
        row.last_seen_at = now
    if interacting and row.blocked_at is not None:
        row.blocked_at = None


def record_start(row: TelegramUser, payload: StartPayload, *, now: datetime) -> None:
    """A /start: the first one is remembered, as is where the user first came from."""
    if row.started_at is None:  # assigned only when it changes: no flush for a returning user
        row.started_at = now
    if payload.ref and not row.referral_source:
        row.referral_source = payload.ref  # first touch wins
    if payload.promo and row.pending_promo_code != payload.promo:
        row.pending_promo_code = payload.promo
    if payload.plan and row.pending_plan != payload.plan:
        row.pending_plan = payload.plan


def choose_language(row: TelegramUser, language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    row.language = language


def set_reachable(row: TelegramUser, reachable: bool, *, now: datetime) -> None:
    """The user blocked (kicked) or unblocked the bot in their private chat."""
    row.blocked_at = None if reachable else (row.blocked_at or now)


def language_of(row: TelegramUser, shop_default: str) -> str:
    return pick_language(row.language, row.telegram_language, shop_default)


async def get_telegram_user(
    session: AsyncSession, *, shop_id: uuid.UUID, bot_id: uuid.UUID, telegram_user_id: int
) -> TelegramUserRead | None:
    row = await UserRepository(session).get(bot_id, telegram_user_id)
    if row is None or row.shop_id != shop_id:
        return None
    return TelegramUserRead.model_validate(row)


async def recipient_for_customer(
    session: AsyncSession, *, shop_id: uuid.UUID, customer_id: uuid.UUID, shop_default: str
) -> Recipient | None:
    """Where the customer can be reached now: their latest chat with a live shop bot."""
    row = await UserRepository(session).reachable_for_customer(shop_id, customer_id)
    if row is None:
        return None
    return Recipient(
        bot_id=row.bot_id,
        chat_id=row.telegram_user_id,
        language=language_of(row, shop_default),
    )


async def repoint_customer(
    session: AsyncSession, *, shop_id: uuid.UUID, from_id: uuid.UUID, into_id: uuid.UUID
) -> None:
    await UserRepository(session).repoint_customer(shop_id, from_id, into_id)
