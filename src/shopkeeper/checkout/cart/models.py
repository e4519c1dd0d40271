"""Tables of the cart: carts, their items, and the stored (materialised) view of each cart.

Rows name the customer, variant and product by id (identity's and catalog's: columns, not
relationships). An anonymous cart's token is stored as its SHA-256 only.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime
from shopkeeper.kit.ids import new_id

STATES = ("active", "merged", "converted")
TYPES = ("offer", "warranty", "accessory", "service")
_ACTIVE_CUSTOMER = "state = 'active' AND customer_id IS NOT NULL"


class Cart(Base):
    """One shopper's cart in one shop: a customer's, or anonymous behind a token."""

    __tablename__ = "checkout_cart"
    __table_args__ = (
        CheckConstraint(f"state IN {STATES!r}", name="state"),
        # At most one open cart per customer and shop: concurrent first adds share it.
        Index(
            "ix_checkout_cart_active_customer",
            "shop_id",
            "customer_id",
            unique=True,
            sqlite_where=text(_ACTIVE_CUSTOMER),
            postgresql_where=text(_ACTIVE_CUSTOMER),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID | None]
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    state: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)  # +1 on every change of the cart
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CartItem(Base):
    """A line: a variant, how many, and for a service or warranty the line it belongs to.

    `line_key` (type, variant, parent) is unique per cart, so two concurrent adds of the same
    thing can only ever make one line.
    """

    __tablename__ = "checkout_cart_item"
    __table_args__ = (
        UniqueConstraint("cart_id", "line_key"),
        CheckConstraint(f"type IN {TYPES!r}", name="type"),
        CheckConstraint("quantity BETWEEN 1 AND 99", name="quantity"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    cart_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checkout_cart.id", ondelete="CASCADE"))
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(16))
    variant_id: Mapped[uuid.UUID]
    product_id: Mapped[uuid.UUID]
    quantity: Mapped[int] = mapped_column(Integer)
    parent_item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("checkout_cart_item.id", ondelete="CASCADE"), index=True, nullable=True
    )
    line_key: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CartViewRow(Base):
    """The cart as GET /cart shows it, built at `version` (when Redis is not configured)."""

    __tablename__ = "checkout_cart_view"

    cart_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("checkout_cart.id", ondelete="CASCADE"), primary_key=True
    )
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    item_count: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSONType)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime)
