"""One aiogram Dispatcher for every bot of every shop, with the process's caches.

`telegram_runtime(container)` is built on first use and closed with the container. It keeps
aiogram `Bot`s per bot id (sharing one HTTP session per Bot API base URL), bot records and
text overrides for a few seconds (the webhook's hot path reads no table to authenticate),
and the send limiter. `feed(entry, update)` runs an update through the dispatcher; a method
a handler returns (`return message.answer(...)`) is sent after its transaction committed.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import structlog
from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.methods import Response, TelegramMethod
from aiogram.types import Update
from pydantic import ValidationError

from shopkeeper.bots.telegram.deferred import AfterCommit
from shopkeeper.bots.telegram.errors import BotNotFound, UpdateMalformed, WebhookSecretMismatch
from shopkeeper.bots.telegram.limiter import SendLimiter
from shopkeeper.bots.telegram.repository import BotRepository, TextRepository
from shopkeeper.bots.telegram.session import JsonSession
from shopkeeper.bots.telegram.texts import Overrides
from shopkeeper.container import Container
from shopkeeper.db import unit_of_work
from shopkeeper.kit.crypto import constant_time_equal, sha256_hex
from shopkeeper.shops import ShopRead, get_shop_by_id

log = structlog.get_logger(__name__)

RUNTIME_EXTRA = "telegram.runtime"
CACHE_SECONDS = 10.0  # how long a bot record or a shop's texts are trusted without a query
CACHE_MAX = 20_000  # entries per cache: forged webhook URLs must not grow it without end
ALLOWED_UPDATES = [
    "message",
    "callback_query",
    "chat_member",
    "my_chat_member",
    "chat_join_request",
    "pre_checkout_query",
]
K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class BotEntry:
    """What the runtime knows of a live bot: enough to authenticate and to answer."""

    id: uuid.UUID
    shop: ShopRead
    telegram_bot_id: int
    username: str
    secret_hash: str
    mode: str
    api_base: str | None
    token: str

    @property
    def shop_id(self) -> uuid.UUID:
        return self.shop.id

    def secret_matches(self, given: str | None) -> bool:
        return bool(given) and constant_time_equal(sha256_hex(given or ""), self.secret_hash)


class _TTLCache(Generic[K, V]):
    """Values for a few seconds; concurrent misses of one key share one load; bounded."""

    def __init__(self, seconds: float, max_size: int = CACHE_MAX) -> None:
        self.seconds = seconds
        self.max_size = max_size
        self._values: dict[K, tuple[float, V]] = {}
        self._loading: dict[K, asyncio.Future[V]] = {}
        self._forgotten = 0  # a load that began before a forget() does not store its value

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        hit = self._values.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        if (pending := self._loading.get(key)) is not None:
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # this caller was cancelled, not the load it waited for
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        forgotten = self._forgotten
        try:
            value = await load()
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody waits
            raise
        except BaseException:
            future.cancel()  # those waiting load for themselves
            raise
        finally:
            self._loading.pop(key, None)
        if forgotten == self._forgotten:
            self._store(key, value)
        future.set_result(value)
        return value

    def _store(self, key: K, value: V) -> None:
        now = time.monotonic()
        if len(self._values) >= self.max_size:
            self._values = {k: hit for k, hit in self._values.items() if hit[0] > now}
            while len(self._values) >= self.max_size:  # oldest first
                del self._values[next(iter(self._values))]
        self._values[key] = (now + self.seconds, value)

    def forget(self, key: K) -> None:
        self._values.pop(key, None)
        self._forgotten += 1


class TelegramRuntime:
    def __init__(self, container: Container) -> None:
        from shopkeeper.bots.telegram.dispatcher import build_dispatcher

        self.container = container
        # aiogram logs a line per update at INFO: the request log says as much, for less.
        logging.getLogger("aiogram.event").setLevel(logging.WARNING)
        self.dispatcher: Dispatcher = build_dispatcher(self)
        self.limiter = SendLimiter()
        self.changed = asyncio.Event()  # a bot was connected or removed: pollers look again
        self._entries: _TTLCache[uuid.UUID, BotEntry | None] = _TTLCache(CACHE_SECONDS)
        self._texts: _TTLCache[uuid.UUID, Overrides] = _TTLCache(CACHE_SECONDS)
        self._bots: dict[uuid.UUID, tuple[Bot, str, str]] = {}  # id → (bot, token, base)
        self._sessions: dict[str, BaseSession] = {}

    # -- Bot API clients ---------------------------------------------------------------------
    def api_base(self, override: str | None = None) -> str:
        return (override or self.container.settings.telegram_api_url).rstrip("/")

    def _session(self, base: str) -> BaseSession:
        session = self._sessions.get(base)
        if session is None:
            from shopkeeper.bots.telegram.playground import session as playground

            if playground.is_playground_base(base):  # the stand-in, served in this process
                session = self._sessions[base] = playground.PlaygroundSession(self.container, base)
            else:
                api = TelegramAPIServer.from_base(base)
                session = self._sessions[base] = JsonSession(api=api)
            session.middleware(_keep_response_type)
        return session

    def bot_for_token(self, token: str, api_base: str | None = None) -> Bot:
        """A client for any token (TokenValidationError when it is not shaped like one)."""
        return Bot(token, session=self._session(self.api_base(api_base)))

    def bot(self, entry: BotEntry) -> Bot:
        """The cached client of a connected bot (rebuilt when its token or API base moved)."""
        base = self.api_base(entry.api_base)
        cached = self._bots.get(entry.id)
        if cached is not None and cached[1] == entry.token and cached[2] == base:
            return cached[0]
        bot = Bot(entry.token, session=self._session(base))
        self._bots[entry.id] = (bot, entry.token, base)
        return bot

    # -- cached records ----------------------------------------------------------------------
    async def entry(self, bot_id: uuid.UUID) -> BotEntry | None:
        """The live bot with this id (None when unknown or disconnected), cached briefly."""
        return await self._entries.get(bot_id, lambda: self._load_entry(bot_id))

    async def _load_entry(self, bot_id: uuid.UUID) -> BotEntry | None:
        async with self.container.readers() as session:
            row = await BotRepository(session).get_active(bot_id)
            if row is None:
                return None
            shop = await get_shop_by_id(session, shop_id=row.shop_id)
        return BotEntry(
            id=row.id, shop=shop, telegram_bot_id=row.telegram_bot_id, username=row.username,
            secret_hash=row.webhook_secret_hash, mode=row.mode, api_base=row.api_base,
            token=self.container.secrets.decrypt(row.token_encrypted),
        )  # fmt: skip

    async def overrides(self, session: Any, shop_id: uuid.UUID) -> Overrides:
        """The shop's text overrides, read in the caller's session when not cached."""
        return await self._texts.get(shop_id, lambda: TextRepository(session).overrides(shop_id))

    def forget(self, bot_id: uuid.UUID) -> None:
        """A bot changed here: drop what is cached of it and wake the pollers."""
        self._entries.forget(bot_id)
        self._bots.pop(bot_id, None)
        self.changed.set()

    def forget_texts(self, shop_id: uuid.UUID) -> None:
        self._texts.forget(shop_id)

    # -- updates -----------------------------------------------------------------------------
    async def handle_webhook(self, bot_id: str, secret: str | None, body: bytes) -> None:
        """Authenticate a webhook call, parse it, process it (errors say why not)."""
        try:
            parsed = uuid.UUID(bot_id)
        except ValueError:
            raise BotNotFound() from None
        entry = await self.entry(parsed)
        if entry is None:
            raise BotNotFound()
        if not entry.secret_matches(secret):
            raise WebhookSecretMismatch()
        bot = self.bot(entry)
        try:
            update = Update.model_validate_json(body, context={"bot": bot})
        except ValidationError:
            raise UpdateMalformed() from None
        await self.feed(entry, update)

    async def feed(self, entry: BotEntry, update: Update) -> None:
        """Run one update through the dispatcher, then send the method a handler returned."""
        bot = self.bot(entry)
        response = await self.dispatcher.feed_update(bot, update, bot_entry=entry)
        if isinstance(response, AfterCommit):  # the handler's slow part, outside its transaction
            response = await response.run()
        if isinstance(response, TelegramMethod):
            await self.call_after_commit(entry, bot, response)

    async def call_after_commit(
        self, entry: BotEntry, bot: Bot, method: TelegramMethod[Any]
    ) -> None:
        try:
            await bot(method)
        except TelegramForbiddenError:
            chat_id = getattr(method, "chat_id", None)
            if isinstance(chat_id, int) and chat_id > 0:  # a private chat: the user blocked us
                await self.mark_blocked(entry, chat_id)
        except TelegramAPIError as exc:
            log.warning("telegram.answer_failed", bot_id=str(entry.id), error=str(exc))

    async def mark_blocked(self, entry: BotEntry, telegram_user_id: int) -> None:
        from shopkeeper.bots.telegram.repository import UserRepository

        async with unit_of_work(self.container.sessions) as session:
            await UserRepository(session).mark_blocked(
                entry.id, telegram_user_id, self.container.clock.now()
            )

    async def close(self) -> None:
        sessions, self._sessions = list(self._sessions.values()), {}
        self._bots.clear()
        for session in sessions:
            await session.close()


# pydantic keeps a parametrized generic only while something references it, so once the
# garbage collector has run, aiogram rebuilds `Response[Message]` (about a millisecond) for the
# next call. Holding each answer type the bots have used keeps them built.
_RESPONSE_TYPES: dict[Any, Any] = {}


async def _keep_response_type(
    make_request: Callable[..., Awaitable[Any]], bot: Bot, method: TelegramMethod[Any]
) -> Any:
    returning = method.__returning__
    if returning not in _RESPONSE_TYPES:
        _RESPONSE_TYPES[returning] = Response[returning]  # type: ignore[valid-type]
    return await make_request(bot, method)


def telegram_runtime(container: Container) -> TelegramRuntime:
    """The container's runtime, built on first use and closed when the container closes."""
    runtime = container.extras.get(RUNTIME_EXTRA)
    if runtime is None:
        runtime = container.extras[RUNTIME_EXTRA] = TelegramRuntime(container)
        container.closers.append(runtime.close)
    assert isinstance(runtime, TelegramRuntime)
    return runtime
