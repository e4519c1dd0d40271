"""The Bot API methods the stand-in serves; importing this package registers them all."""

from shopkeeper.bots.telegram.playground.methods import bot, chats, messages, payments

__all__ = ["bot", "chats", "messages", "payments"]
