"""The Bot API stand-in: `call(token, method, params)` → (HTTP status, Bot API JSON body).

Only tokens of playground bots are known to it (401 Unauthorized otherwise, as Telegram
answers a revoked token), so it never answers for a real bot, and each playground bot sees
only its own chats. `deliver(bot, update)` hands an update to the shop's bot the way
Telegram would: through the runtime's one Dispatcher. `standin(container)` is the process's
instance (built on first use, its queued writes flushed when the container closes).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import structlog
from aiogram.types import Update

from shopkeeper.bots.telegram.playground import methods  # noqa: F401 (registers the methods)
from shopkeeper.bots.telegram.playground.calls import METHODS, BotRef, Call
from shopkeeper.bots.telegram.playground.repository import PlaygroundRepository
from shopkeeper.bots.telegram.playground.wire import ApiError, Params
from shopkeeper.bots.telegram.playground.writer import Writer
from shopkeeper.bots.telegram.runtime import _TTLCache, telegram_runtime
from shopkeeper.container import Container
from shopkeeper.kit.crypto import sha256_hex

log = structlog.get_logger(__name__)

EXTRA = "telegram.playground"
BOT_CACHE_SECONDS = 5.0


class StandIn:
    def __init__(self, container: Container) -> None:
        self.container = container
        self.writer = Writer(container)
        self._bots: _TTLCache[str, BotRef | None] = _TTLCache(BOT_CACHE_SECONDS)

    async def call(
        self, token: str, name: str, params: Mapping[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """Serve one Bot API call; refusals come back as Telegram words them."""
        try:
            bot = await self.bot_for_token(token)
            if bot is None:
                raise ApiError(401, "Unauthorized")
            function = METHODS.get(name.lower())
            if function is None:
                raise ApiError(404, "Not Found")
            async with self.container.readers() as session:
                call = Call(
                    self,
                    bot,
                    Params(params),
                    PlaygroundRepository(session),
                    self.container.clock.now(),
                )
                result = await function(call)
        except ApiError as error:
            return error.code, error.body()
        return 200, {"ok": True, "result": result}

    async def bot_for_token(self, token: str) -> BotRef | None:
        digest = sha256_hex(token)
        return await self._bots.get(digest, lambda: self._load(digest))

    async def _load(self, digest: str) -> BotRef | None:
        async with self.container.readers() as session:
            row = await PlaygroundRepository(session).bot_by_token_hash(digest)
        if row is None:
            return None
        return BotRef(
            id=row.id,
            shop_id=row.shop_id,
            bot_id=row.bot_id,
            telegram_bot_id=row.telegram_bot_id,
            username=row.username,
            first_name=row.first_name,
        )

    def forget(self, token_hash: str) -> None:
        self._bots.forget(token_hash)

    async def deliver(self, bot: BotRef | uuid.UUID, update: dict[str, Any]) -> bool:
        """Feed `update` to the shop's bot (False when it is not connected or opted out)."""
        bot_id = bot.bot_id if isinstance(bot, BotRef) else bot
        if bot_id is None:
            return False
        if not await self._wanted(bot_id, update):
            return False
        runtime = telegram_runtime(self.container)
        entry = await runtime.entry(bot_id)
        if entry is None:
            log.info("telegram.playground_bot_disconnected", bot_id=str(bot_id))
            return False
        parsed = Update.model_validate(update, context={"bot": runtime.bot(entry)})
        await runtime.feed(entry, parsed)
        return True

    async def _wanted(self, bot_id: uuid.UUID, update: dict[str, Any]) -> bool:
        """chat_member updates only when allowed_updates (if ever set) asks for them."""
        if "chat_member" not in update:
            return True
        async with self.container.readers() as session:
            row = await PlaygroundRepository(session).bot_by_telegram_bot(bot_id)
        wanted = row.allowed_updates if row is not None else None
        return not isinstance(wanted, list) or "chat_member" in wanted


def standin(container: Container) -> StandIn:
    """The container's stand-in, built on first use; its writes are flushed on close."""
    found = container.extras.get(EXTRA)
    if found is None:
        telegram_runtime(container)  # built first, so closed after the writer's last flush
        found = container.extras[EXTRA] = StandIn(container)
        container.closers.append(found.writer.close)
    assert isinstance(found, StandIn)
    return found
