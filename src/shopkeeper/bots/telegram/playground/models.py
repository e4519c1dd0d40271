"""Tables of the playground's Bot API stand-in: its bots, testers, chats, members, messages,
invite links, invoices and the answers the bot gave to queries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime
from shopkeeper.kit.ids import new_id

_SHOP = "shop.id"
_BOT = "telegram_playground_bot.id"


class PlaygroundBot(Base):
    """A shop's pretend bot: its fake token (hash to find it, encrypted to reconnect it)."""

    __tablename__ = "telegram_playground_bot"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_SHOP, ondelete="CASCADE"), unique=True)
    bot_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)  # its telegram_bot row
    telegram_bot_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    username: Mapped[str] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(128))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_encrypted: Mapped[str] = mapped_column(Text)
    webhook_url: Mapped[str] = mapped_column(String(512), default="")
    allowed_updates: Mapped[list[str] | None] = mapped_column(JSONType, nullable=True)
    commands: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlaygroundUser(Base):
    """The Telegram person a staff member plays: a fake user id and an app language."""

    __tablename__ = "telegram_playground_user"
    __table_args__ = (
        UniqueConstraint("playground_bot_id", "staff_user_id"),
        UniqueConstraint("playground_bot_id", "telegram_user_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_SHOP, ondelete="CASCADE"))
    playground_bot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_BOT, ondelete="CASCADE"))
    staff_user_id: Mapped[uuid.UUID]  # identity's staff user: a column, not a relationship
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    first_name: Mapped[str] = mapped_column(String(64))
    last_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    language: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlaygroundChat(Base):
    """A channel or group of the playground, with the bot's standing in it."""

    __tablename__ = "telegram_playground_chat"
    __table_args__ = (UniqueConstraint("playground_bot_id", "chat_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_SHOP, ondelete="CASCADE"))
    playground_bot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_BOT, ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(16))  # "channel" | "supergroup"
    title: Mapped[str] = mapped_column(String(128))
    bot_is_admin: Mapped[bool] = mapped_column(Boolean)
    can_invite_users: Mapped[bool] = mapped_column(Boolean)
    can_restrict_members: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlaygroundMember(Base):
    """Someone's status in a playground chat: member, left, kicked or requested (to join)."""

    __tablename__ = "telegram_playground_member"

    playground_bot_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(_BOT, ondelete="CASCADE"), primary_key=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_SHOP, ondelete="CASCADE"))
    first_name: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))
    invite_link: Mapped[str | None] = mapped_column(String(128), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlaygroundMessage(Base):
    """One message of a chat: from the bot, from the tester, or a note of the playground."""

    __tablename__ = "telegram_playground_message"
    __table_args__ = (UniqueConstraint("playground_bot_id", "chat_id", "message_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_SHOP, ondelete="CASCADE"))
    playground_bot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_BOT, ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    sender: Mapped[str] = mapped_column(String(8))  # "bot" | "user" | "note"
    text: Mapped[str] = mapped_column(Text, default="")
    parse_mode: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reply_markup: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PlaygroundInviteLink(Base):
    """An invite link the bot created, and how often it was used."""

    __tablename__ = "telegram_playground_invite_link"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_SHOP, ondelete="CASCADE"))
    playground_bot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_BOT, ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    link: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    expire_date: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    member_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    creates_join_request: Mapped[bool] = mapped_column(Boolean)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlaygroundInvoice(Base):
    """An invoice sent into a chat or made into a link, and its (pretend) Stars charge."""

    __tablename__ = "telegram_playground_invoice"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_SHOP, ondelete="CASCADE"))
    playground_bot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_BOT, ondelete="CASCADE"))
    slug: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)  # links
    chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # sendInvoice
    title: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(512))
    payload: Mapped[str] = mapped_column(String(256))
    currency: Mapped[str] = mapped_column(String(8))
    total_amount: Mapped[int] = mapped_column(BigInteger)
    subscription_period: Mapped[int | None] = mapped_column(Integer, nullable=True)
    charge_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    paid_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    refunded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlaygroundAnswer(Base):
    """How the bot answered a callback query or a pre-checkout query."""

    __tablename__ = "telegram_playground_answer"
    __table_args__ = (UniqueConstraint("playground_bot_id", "kind", "query_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_SHOP, ondelete="CASCADE"))
    playground_bot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(_BOT, ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # "callback" | "pre_checkout"
    query_id: Mapped[str] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    show_alert: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
