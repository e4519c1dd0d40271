"""Filters as coroutines: aiogram runs a plain (sync) callable, magic filters included, in a
worker thread (`asyncio.to_thread`), a round trip per check and per router on every update.
These do the same checks on the event loop."""

from __future__ import annotations

from aiogram.enums import ChatType
from aiogram.types import ChatMemberUpdated, Message


async def private_chat(event: Message) -> bool:
    """A message in a one-to-one chat with the bot."""
    return event.chat.type == ChatType.PRIVATE


async def group_chat(event: ChatMemberUpdated) -> bool:
    """A membership change in a group or channel (not in a private chat)."""
    return event.chat.type != ChatType.PRIVATE


async def private_membership(event: ChatMemberUpdated) -> bool:
    """The bot's own standing changed in a private chat (blocked or unblocked)."""
    return event.chat.type == ChatType.PRIVATE


async def has_text(message: Message) -> bool:
    return bool(message.text)


async def successful_payment(message: Message) -> bool:
    return message.successful_payment is not None
