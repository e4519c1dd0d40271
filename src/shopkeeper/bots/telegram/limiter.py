"""Telegram's sending limits, in process: at most N messages a second per bot and per chat.

Each send reserves a slot: the chat's next free second, then the first moment from there at
which no other send of the bot is closer than 1/30 s (a message waiting for its chat does not
hold the bot's other chats back). Reading and writing the schedule has no await between, so
concurrent senders of one event loop never share a slot. Several processes sending for one
bot each keep their own schedule.
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_left, insort
from collections.abc import Callable, Hashable

PER_BOT_PER_SECOND = 30.0
PER_CHAT_PER_SECOND = 1.0
PRUNE_EVERY = 1024  # reservations between sweeps of chats whose schedule is in the past


class SendLimiter:
    def __init__(
        self,
        *,
        per_bot: float = PER_BOT_PER_SECOND,
        per_chat: float = PER_CHAT_PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot_gap = 1.0 / per_bot
        self.chat_gap = 1.0 / per_chat
        self._clock = clock
        self._bots: dict[Hashable, list[float]] = {}  # each bot's reserved slots, sorted
        self._chats: dict[tuple[Hashable, int], float] = {}
        self._reservations = 0

    def reserve(self, bot: Hashable, chat_id: int) -> float:
        """Seconds to wait before sending to `chat_id` through `bot` (the slot is now taken)."""
        now = self._clock()
        chat_key = (bot, chat_id)
        at = self._bot_slot(bot, max(now, self._chats.get(chat_key, 0.0)), now)
        self._chats[chat_key] = at + self.chat_gap
        self._reservations += 1
        if self._reservations % PRUNE_EVERY == 0:
            self._prune(now)
        return at - now

    def _bot_slot(self, bot: Hashable, earliest: float, now: float) -> float:
        slots = self._bots.setdefault(bot, [])
        del slots[: bisect_left(slots, now - self.bot_gap)]  # past slots constrain nothing
        at = earliest
        for slot in slots[bisect_left(slots, at - self.bot_gap) :]:
            if slot >= at + self.bot_gap:
                break  # the gap before this slot is wide enough
            at = slot + self.bot_gap
        insort(slots, at)
        return at

    async def wait(self, bot: Hashable, chat_id: int) -> None:
        delay = self.reserve(bot, chat_id)
        if delay > 0:
            await asyncio.sleep(delay)

    def _prune(self, now: float) -> None:
        self._chats = {key: at for key, at in self._chats.items() if at > now}
        self._bots = {bot: slots for bot, slots in self._bots.items() if slots and slots[-1] > now}
