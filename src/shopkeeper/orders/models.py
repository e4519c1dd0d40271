"""Tables of the orders context: orders with line snapshots, numbering, idempotency, refunds."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shopkeeper.db import Base, UTCDateTime
from shopkeeper.kit.ids import new_id


class Order(Base):
    """Money columns are minor units of `currency`; totals are computed once, at placement."""

    __tablename__ = "orders_order"
    __table_args__ = (
        UniqueConstraint("shop_id", "number"),
        # Each list order of the admin's, ending with id: a page's ids come from the index.
        Index("ix_orders_order_shop_created", "shop_id", "created_at", "id"),
        Index("ix_orders_order_shop_state_created", "shop_id", "state", "created_at", "id"),
        Index("ix_orders_order_shop_total", "shop_id", "total_amount", "id"),
        Index("ix_orders_order_shop_paid", "shop_id", "paid_at"),
        Index("ix_orders_order_shop_customer", "shop_id", "customer_id", "created_at", "id"),
        Index("ix_orders_order_state_expires", "state", "expires_at"),
        CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= paid_amount", name="refund_range"
        ),
        CheckConstraint("total_amount >= 0", name="total_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    state: Mapped[str] = mapped_column(String(24))
    source: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    subtotal_amount: Mapped[int] = mapped_column(BigInteger)
    discount_amount: Mapped[int] = mapped_column(BigInteger)
    tax_amount: Mapped[int] = mapped_column(BigInteger)
    shipping_amount: Mapped[int] = mapped_column(BigInteger)
    total_amount: Mapped[int] = mapped_column(BigInteger)
    paid_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0)
    promo_code_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    promo_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    lines: Mapped[list[OrderLine]] = relationship(
        lazy="raise", order_by="OrderLine.position", cascade="all, delete-orphan"
    )


class OrderLine(Base):
    """A snapshot of what was bought at what price and tax: later catalog edits do not touch it."""

    __tablename__ = "orders_order_line"
    __table_args__ = (UniqueConstraint("order_id", "position"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), index=True
    )
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders_order.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[uuid.UUID]
    variant_id: Mapped[uuid.UUID]
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    tracks_stock: Mapped[bool] = mapped_column(Boolean)
    unit_amount: Mapped[int] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)  # unit_amount × quantity
    tax_rate_bp: Mapped[int] = mapped_column(Integer)
    tax_included: Mapped[bool] = mapped_column(Boolean)
    discount_amount: Mapped[int] = mapped_column(BigInteger)
    tax_amount: Mapped[int] = mapped_column(BigInteger)
    total_amount: Mapped[int] = mapped_column(BigInteger)


class OrderSequence(Base):
    """The last order number used per shop; bumped by one `UPDATE … RETURNING`."""

    __tablename__ = "orders_sequence"

    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), primary_key=True
    )
    prefix: Mapped[str] = mapped_column(String(8))
    value: Mapped[int] = mapped_column(BigInteger)


class IdempotencyKey(Base):
    """An `Idempotency-Key` a client sent with POST /orders and the hash of that body."""

    __tablename__ = "orders_idempotency_key"
    __table_args__ = (UniqueConstraint("shop_id", "key"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("orders_order.id", ondelete="CASCADE"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrderRefund(Base):
    """A refund recorded against an order; `refund_id` (from payments) makes it idempotent."""

    __tablename__ = "orders_refund"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), index=True
    )
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders_order.id", ondelete="CASCADE"), index=True
    )
    refund_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SalesBucket(Base):
    """What orders paid in one 15-minute UTC bucket brought, kept as they are paid and refunded.

    One row per (bucket, currency) for the orders (`product_id` = ORDER_TOTALS: count, paid,
    refunded) and one per product (its lines' units and totals, while the order is not
    wholly refunded). Every zone's midnight falls on a 15-minute mark, so a window of the
    shop's calendar days is a range of buckets; `slot` spreads one bucket's writes over a
    few rows so concurrent payments do not queue on one row lock.
    """

    __tablename__ = "orders_sales_bucket"

    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), primary_key=True
    )
    bucket_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    units: Mapped[int] = mapped_column(BigInteger, default=0)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(300), default="")
