"""Tables of the identity context: staff, their tokens and sessions, API keys, customers,
their tags and staff's notes on them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime
from shopkeeper.kit.ids import new_id


class StaffUser(Base):
    __tablename__ = "identity_staff_user"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RefreshToken(Base):
    """One issued refresh token; tokens rotated from one login share a family."""

    __tablename__ = "identity_refresh_token"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("identity_staff_user.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WebSession(Base):
    """An admin browser session: the cookie holds a random token, we keep its hash."""

    __tablename__ = "identity_web_session"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("identity_staff_user.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ApiKey(Base):
    __tablename__ = "identity_api_key"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    permissions: Mapped[list[str]] = mapped_column(JSONType)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Customer(Base):
    """A person buying from one shop; merged records point at the survivor."""

    __tablename__ = "identity_customer"
    __table_args__ = (Index("ix_identity_customer_shop_created", "shop_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("identity_customer.id"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustomerIdentity(Base):
    """A way to recognise a customer: Telegram or Discord user id, email, phone."""

    __tablename__ = "identity_customer_identity"
    __table_args__ = (
        UniqueConstraint("shop_id", "kind", "value"),
        Index("ix_identity_customer_identity_customer", "customer_id"),
        # The admin's search by an identity's start (`value LIKE 'ola@%'`): PostgreSQL reads
        # LIKE prefixes from a btree only with pattern ops whatever the collation. (SQLite
        # searches by a range on the unique index and keeps this one unused.)
        Index(
            "ix_identity_customer_identity_prefix",
            "shop_id",
            "kind",
            "value",
            postgresql_ops={"value": "varchar_pattern_ops"},
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("identity_customer.id"))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustomerTag(Base):
    """A shop's label on a customer (`vip`, `wholesale`); it follows the customer's merges."""

    __tablename__ = "identity_customer_tag"
    __table_args__ = (
        UniqueConstraint("shop_id", "customer_id", "tag"),
        Index("ix_identity_customer_tag_shop_tag", "shop_id", "tag"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("identity_customer.id", ondelete="CASCADE")
    )
    tag: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustomerNote(Base):
    """What staff wrote down about a customer; it follows the customer's merges."""

    __tablename__ = "identity_customer_note"
    __table_args__ = (
        Index("ix_identity_customer_note_customer", "shop_id", "customer_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("identity_customer.id", ondelete="CASCADE")
    )
    author_label: Mapped[str] = mapped_column(String(320))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
