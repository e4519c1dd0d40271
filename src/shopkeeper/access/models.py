"""Tables of the access context: targets, which products grant them, grants, sources, log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopkeeper.db import Base, JSONType, UTCDateTime
from shopkeeper.kit.ids import new_id


class AccessTarget(Base):
    """Something a product grants: a Telegram chat, a Discord role, a course, a webhook grant."""

    __tablename__ = "access_target"
    __table_args__ = (UniqueConstraint("shop_id", "platform", "external_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProductTarget(Base):
    """Buying `product_id` grants `target_id` (a product id is a column: catalog is elsewhere)."""

    __tablename__ = "access_product_target"
    __table_args__ = (
        UniqueConstraint("product_id", "target_id"),
        Index("ix_access_product_target_shop_product", "shop_id", "product_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    product_id: Mapped[uuid.UUID]
    target_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("access_target.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Grant(Base):
    """One customer's standing on one target; `state` is revoked iff no source is active."""

    __tablename__ = "access_grant"
    __table_args__ = (
        UniqueConstraint("shop_id", "customer_id", "target_id"),
        Index("ix_access_grant_shop_target_state", "shop_id", "target_id", "state"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID]
    target_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("access_target.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(24))
    join_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    reason: Mapped[str] = mapped_column(String(300), default="")
    granted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    sources: Mapped[list[GrantSource]] = relationship(
        lazy="raise", order_by="GrantSource.created_at", viewonly=True
    )


class GrantSource(Base):
    """Why a grant holds: an order, a subscription or staff; inactive once it no longer does."""

    __tablename__ = "access_grant_source"
    __table_args__ = (
        UniqueConstraint("grant_id", "source_type", "source_id"),
        Index("ix_access_grant_source_shop_source", "shop_id", "source_type", "source_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    grant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("access_grant.id", ondelete="CASCADE"))
    source_type: Mapped[str] = mapped_column(String(16))  # order | subscription | manual
    source_id: Mapped[uuid.UUID]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccessLogEntry(Base):
    """Append-only: every grant, revoke, join and removal on a target."""

    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_shop_at", "shop_id", "at"),
        Index("ix_access_log_shop_target", "shop_id", "target_id"),
        Index("ix_access_log_shop_customer", "shop_id", "customer_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    target_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("access_target.id", ondelete="CASCADE"))
    grant_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    action: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(String(500), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime)
