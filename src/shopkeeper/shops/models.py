"""Tables of the shops context: tenants, memberships and the role → permission table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime
from shopkeeper.kit.ids import new_id


class Shop(Base):
    __tablename__ = "shop"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(64))
    languages: Mapped[list[str]] = mapped_column(JSONType)
    default_language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Membership(Base):
    __tablename__ = "shop_membership"
    __table_args__ = (UniqueConstraint("shop_id", "user_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    # A column, not a relationship: staff users belong to the identity context.
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("identity_staff_user.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RolePermission(Base):
    __tablename__ = "shop_role_permission"

    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    permission: Mapped[str] = mapped_column(String(64), primary_key=True)
