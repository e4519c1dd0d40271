"""Tables of the Telegram adapter: bots, their users, processed updates, text overrides."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, UTCDateTime
from shopkeeper.kit.ids import new_id


class TelegramBot(Base):
    """A shop's bot: its token encrypted at rest, the webhook secret only as a hash."""

    __tablename__ = "telegram_bot"
    __table_args__ = (
        UniqueConstraint("shop_id", "telegram_bot_id"),
        # One live connection per Telegram bot across every shop (a bot has one webhook).
        Index(
            "uq_telegram_bot_active_telegram_bot_id",
            "telegram_bot_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), index=True
    )
    telegram_bot_id: Mapped[int] = mapped_column(BigInteger)
    username: Mapped[str] = mapped_column(String(64))
    first_name: Mapped[str] = mapped_column(String(128))
    token_encrypted: Mapped[str] = mapped_column(Text)  # "" once disconnected
    token_mask: Mapped[str] = mapped_column(String(32))
    webhook_secret_hash: Mapped[str] = mapped_column(String(64))  # sha256 hex of the secret
    mode: Mapped[str] = mapped_column(String(16))  # "webhook" | "polling"
    api_base: Mapped[str | None] = mapped_column(String(512), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Long polling: which worker polls this bot, until when (several workers, one poller).
    poll_owner: Mapped[str | None] = mapped_column(String(32), nullable=True)
    poll_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disconnected_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TelegramUser(Base):
    """A person as one bot knows them, linked to the shop's customer."""

    __tablename__ = "telegram_user"
    __table_args__ = (
        UniqueConstraint("bot_id", "telegram_user_id"),
        Index("ix_telegram_user_shop_customer", "shop_id", "customer_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    bot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("telegram_bot.id", ondelete="CASCADE"))
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    customer_id: Mapped[uuid.UUID]  # identity's customer: a column, not a relationship
    first_name: Mapped[str] = mapped_column(String(128))
    last_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    username: Mapped[str | None] = mapped_column(String(64), nullable=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)  # chosen in the bot
    telegram_language: Mapped[str | None] = mapped_column(String(16), nullable=True)
    referral_source: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pending_promo_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pending_plan: Mapped[str | None] = mapped_column(String(64), nullable=True)
    blocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TelegramUpdate(Base):
    """An update already processed: inserted in the transaction of its effects."""

    __tablename__ = "telegram_update"

    bot_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("telegram_bot.id", ondelete="CASCADE"), primary_key=True
    )
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    shop_id: Mapped[uuid.UUID]
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class TelegramText(Base):
    """A shop's own wording of one bot text in one language."""

    __tablename__ = "telegram_text"
    __table_args__ = (UniqueConstraint("shop_id", "key", "language"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TelegramConversation(Base):
    """Where a user is in the bot's buying flow (chosen plan, a promo code, awaited input).

    Kept in the database so that any replica answers the next update of the conversation.
    """

    __tablename__ = "telegram_conversation"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("telegram_user.id", ondelete="CASCADE"), primary_key=True
    )
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(16))  # "chosen" | "promo" (awaiting the code)
    variant_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    promo_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    order_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)  # the last order placed
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
