"""Tables of the storefront: customer browser sessions, email sign-in codes, OAuth states.

Rows name the customer by id (identity's customer: a column, not a relationship). Secrets are
never stored as given: session tokens and OAuth states as SHA-256, codes as an HMAC keyed
with the secret key, the PKCE verifier encrypted.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, UTCDateTime
from shopkeeper.kit.ids import new_id


class StoreSession(Base):
    """A customer signed in to one shop's storefront in one browser."""

    __tablename__ = "store_session"
    __table_args__ = (Index("ix_store_session_customer", "shop_id", "customer_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID]
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))  # how they signed in: "email" | "discord"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class StoreLoginCode(Base):
    """A one-time code sent to an email address: 10 minutes, a few attempts, used once."""

    __tablename__ = "store_login_code"
    __table_args__ = (
        Index("ix_store_login_code_email", "shop_id", "email", "created_at"),
        Index("ix_store_login_code_ip", "shop_id", "ip_hash", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    code_hash: Mapped[str] = mapped_column(String(64))
    ip_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivery: Mapped[str] = mapped_column(String(16), default="pending")  # EmailOutcome.status
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class StoreOAuthState(Base):
    """A Discord sign-in on its way: the `state` sent, the PKCE verifier, where to return."""

    __tablename__ = "store_oauth_state"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    verifier_encrypted: Mapped[str] = mapped_column(Text)
    customer_id: Mapped[uuid.UUID | None]  # signed in already: link Discord to this customer
    next_path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
