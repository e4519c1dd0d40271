"""The notifications context's Messenger on Telegram: a customer's message through a shop bot.

The address is the customer's Telegram user id. Of the shop's live bots the person talks to,
one they have started is preferred, then the most recently seen; a person who blocked every
such bot is not sent to again ("blocked" at once). `TelegramSender` keeps Telegram's limits,
waits out a 429's retry_after and marks a user who blocks the bot (403) unreachable.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from shopkeeper.bots.telegram.channels.repository import PeopleRepository
from shopkeeper.bots.telegram.sender import Button, SendResult, TelegramSender
from shopkeeper.container import Container
from shopkeeper.notifications import Button as NoticeButton
from shopkeeper.notifications import Delivery, OutboundMessage

_STATUS: dict[str, Literal["sent", "blocked", "failed"]] = {
    "delivered": "sent", "blocked": "blocked", "failed": "failed",
}  # fmt: skip


class TelegramMessenger:
    channel = "telegram"

    def __init__(self, container: Container) -> None:
        self.container = container
        self._sender: TelegramSender | None = None

    @property
    def sender(self) -> TelegramSender:
        """Built on first send: the bot runtime is only started by processes that send."""
        if self._sender is None:
            self._sender = TelegramSender(self.container)
        return self._sender

    async def send(self, session: AsyncSession, message: OutboundMessage) -> Delivery:
        """Send through the person's preferred live bot of the shop; never raises for them."""
        try:
            telegram_user_id = int(message.address)
        except ValueError:
            return Delivery("failed", f"not a Telegram user id: {message.address!r}")
        chats = await PeopleRepository(session).reachable(message.shop_id, telegram_user_id)
        if not chats:
            return Delivery("failed", "the customer has not opened any bot of the shop")
        open_chats = [c for c in chats if c.blocked_at is None]
        if not open_chats:
            return Delivery("blocked", "the user blocked the shop's bot")
        result = await self.sender.send_text(
            bot_id=open_chats[0].bot_id, chat_id=telegram_user_id, text=message.text,
            buttons=_keyboard(message.buttons), session=session,
        )  # fmt: skip
        return _delivery(result)


def _keyboard(buttons: tuple[NoticeButton, ...]) -> list[list[Button]]:
    """One button a row: a link, or a callback for the bot's own handlers."""
    return [
        [Button(text=b.label, url=b.url, data=b.callback)] for b in buttons if b.url or b.callback
    ]


def _delivery(result: SendResult) -> Delivery:
    error = result.error or ""
    if result.retry_after is not None:
        error = f"{error} (retry after {result.retry_after} s)".strip()
    return Delivery(_STATUS[result.status], error)
