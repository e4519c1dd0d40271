"""A shop's playground: create (or reconnect) its bot and channel, read it, its testers.

The bot is a normal telegram_bot connected with `connect_bot(..., api_base=<base>/playground-
api)` and a generated token; the playground also gets a private channel in which the bot is
an administrator that may invite and remove people. Bot API calls never run inside one of
our transactions (the stand-in writes after it answers, see writer.py).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper import audit
from shopkeeper.audit import Actor
from shopkeeper.bots.telegram.playground.errors import PlaygroundExists, PlaygroundNotFound
from shopkeeper.bots.telegram.playground.models import PlaygroundBot, PlaygroundChat, PlaygroundUser
from shopkeeper.bots.telegram.playground.repository import PlaygroundRepository
from shopkeeper.bots.telegram.playground.schemas import PlaygroundRead, TesterRead
from shopkeeper.bots.telegram.playground.session import PLAYGROUND_PATH
from shopkeeper.bots.telegram.playground.standin import standin
from shopkeeper.bots.telegram.repository import BotRepository
from shopkeeper.bots.telegram.service.bots import connect_bot
from shopkeeper.bots.telegram.texts import LANGUAGES
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.crypto import sha256_hex
from shopkeeper.kit.ids import new_id
from shopkeeper.shops import ShopRead, get_shop_by_id

BOT_IDS = (9_000_000_000, 9_999_999_999)  # beyond today's real bot ids
USER_IDS = (5_000_000_000, 5_999_999_999)
CHANNEL_IDS = (-1_009_999_999_999, -1_009_000_000_000)


def bot_username(shop: ShopRead) -> str:
    """`<slug>_playground_bot`, within Telegram's 32 characters of a-z, 0-9 and _."""
    stem = "".join(c if c.isalnum() else "_" for c in shop.slug.lower())[:17].strip("_")
    return f"{stem or 'shop'}_playground_bot"


def api_base(base_url: str) -> str:
    return base_url.rstrip("/") + PLAYGROUND_PATH


async def create_playground_bot(
    container: Container, *, shop_id: uuid.UUID, actor: Actor, base_url: str
) -> PlaygroundRead:
    """Make the shop's pretend bot and channel, then connect the bot like any other."""
    now = container.clock.now()
    token = ""
    try:
        async with unit_of_work(container.sessions) as session:
            repo = PlaygroundRepository(session)
            if await repo.bot_for_shop(shop_id) is not None:
                raise PlaygroundExists()
            shop = await get_shop_by_id(session, shop_id=shop_id)
            row, token = _new_bot(container, shop, now)
            repo.add(row)
            await session.flush()
            repo.add(_channel(row, shop, now))
            await audit.record(
                session,
                actor=actor,
                shop_id=shop_id,
                action="telegram_playground.created",
                target_type="telegram_playground_bot",
                target_id=row.id,
                after={"username": row.username, "telegram_bot_id": row.telegram_bot_id},
                now=now,
            )
    except IntegrityError:  # a concurrent creation won
        raise PlaygroundExists() from None
    try:
        await _connect(container, row.id, token, actor, base_url)
    except Exception:
        async with unit_of_work(container.sessions) as session:
            found = await PlaygroundRepository(session).bot(row.id)
            if found is not None:
                await session.delete(found)
        raise
    return await read_playground(container, shop_id=shop_id)


def _new_bot(container: Container, shop: ShopRead, now: datetime) -> tuple[PlaygroundBot, str]:
    telegram_bot_id = secrets.randbelow(BOT_IDS[1] - BOT_IDS[0]) + BOT_IDS[0]
    token = f"{telegram_bot_id}:PG{secrets.token_urlsafe(26)}"
    row = PlaygroundBot(
        id=new_id(),
        shop_id=shop.id,
        telegram_bot_id=telegram_bot_id,
        username=bot_username(shop),
        first_name=shop.name[:64],
        token_hash=sha256_hex(token),
        token_encrypted=container.secrets.encrypt(token),
        webhook_url="",
        allowed_updates=None,
        commands={},
        created_at=now,
    )
    return row, token


def _channel(bot: PlaygroundBot, shop: ShopRead, now: datetime) -> PlaygroundChat:
    chat_id = secrets.randbelow(CHANNEL_IDS[1] - CHANNEL_IDS[0]) + CHANNEL_IDS[0]
    return PlaygroundChat(
        shop_id=shop.id,
        playground_bot_id=bot.id,
        chat_id=chat_id,
        type="channel",
        title=f"{shop.name} VIP"[:128],
        bot_is_admin=True,
        can_invite_users=True,
        can_restrict_members=True,
        created_at=now,
    )


async def reconnect_playground_bot(
    container: Container, *, shop_id: uuid.UUID, actor: Actor, base_url: str
) -> PlaygroundRead:
    """Connect the shop's playground bot again (after someone disconnected it)."""
    async with container.readers() as session:
        row = await PlaygroundRepository(session).bot_for_shop(shop_id)
    if row is None:
        raise PlaygroundNotFound()
    token = container.secrets.decrypt(row.token_encrypted)
    await _connect(container, row.id, token, actor, base_url)
    return await read_playground(container, shop_id=shop_id)


async def _connect(
    container: Container, playground_bot_id: uuid.UUID, token: str, actor: Actor, base_url: str
) -> None:
    async with container.readers() as session:
        row = await PlaygroundRepository(session).bot(playground_bot_id)
    assert row is not None
    read = await connect_bot(
        container, shop_id=row.shop_id, token=token, actor=actor, api_base=api_base(base_url)
    )
    async with unit_of_work(container.sessions) as session:
        await PlaygroundRepository(session).update_bot(playground_bot_id, bot_id=read.id)
    standin(container).forget(row.token_hash)


async def read_playground(container: Container, *, shop_id: uuid.UUID) -> PlaygroundRead:
    async with container.readers() as session:
        found = await get_playground(session, shop_id=shop_id)
    if found is None:
        raise PlaygroundNotFound()
    return found


async def get_playground(session: AsyncSession, *, shop_id: uuid.UUID) -> PlaygroundRead | None:
    """The shop's playground bot and channels (None when it has none)."""
    repo = PlaygroundRepository(session)
    row = await repo.bot_for_shop(shop_id)
    if row is None:
        return None
    connected = None
    if row.bot_id is not None:
        connected = await BotRepository(session).get(shop_id, row.bot_id)
    chats = await repo.chats(row.id)
    return PlaygroundRead(
        id=row.id,
        shop_id=shop_id,
        bot_id=row.bot_id,
        username=row.username,
        first_name=row.first_name,
        telegram_bot_id=row.telegram_bot_id,
        connected=bool(connected and connected.active),
        channel_ids=[chat.chat_id for chat in chats],
    )


def tester_id(playground_bot_id: uuid.UUID, staff_user_id: uuid.UUID) -> int:
    """A staff member's fake Telegram id, the same every time (so reading needs no write)."""
    digest = hashlib.sha256(f"{playground_bot_id}:{staff_user_id}".encode()).digest()
    return USER_IDS[0] + int.from_bytes(digest[:8], "big") % (USER_IDS[1] - USER_IDS[0])


def default_tester(
    playground_bot_id: uuid.UUID, staff_user_id: uuid.UUID, name: str, language: str
) -> TesterRead:
    """Who a staff member will be before their first message."""
    first = (name.split() or ["Tester"])[0][:64]
    return TesterRead(
        telegram_user_id=tester_id(playground_bot_id, staff_user_id),
        first_name=first,
        language=language if language in LANGUAGES else "en",
        started=False,
    )


async def ensure_tester(
    session: AsyncSession,
    bot: PlaygroundBot,
    default: TesterRead,
    *,
    staff_user_id: uuid.UUID,
    now: datetime,
) -> PlaygroundUser:
    """The staff member's tester row, made on their first action."""
    repo = PlaygroundRepository(session)
    row = await repo.tester_for_staff(bot.id, staff_user_id)
    if row is None:
        row = PlaygroundUser(
            shop_id=bot.shop_id,
            playground_bot_id=bot.id,
            staff_user_id=staff_user_id,
            telegram_user_id=default.telegram_user_id,
            first_name=default.first_name,
            last_name=None,
            language=default.language,
            created_at=now,
        )
        try:
            async with session.begin_nested():
                repo.add(row)
                await session.flush()
        except IntegrityError:  # the same person's other action made it first
            found = await repo.tester_for_staff(bot.id, staff_user_id)
            if found is None:
                raise
            return found
    return row
