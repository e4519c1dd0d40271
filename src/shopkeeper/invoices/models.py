"""Tables of the invoices context: per-shop legal data, invoices with frozen snapshots, counters."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime
from shopkeeper.kit.ids import new_id


class InvoiceSettings(Base):
    """The seller's legal data printed on every invoice of the shop; one row per shop."""

    __tablename__ = "invoices_settings"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), unique=True
    )
    legal_name: Mapped[str] = mapped_column(String(200))
    address_lines: Mapped[list[str]] = mapped_column(JSONType)
    tax_id: Mapped[str] = mapped_column(String(32))
    number_prefix: Mapped[str] = mapped_column(String(12))
    footer: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Invoice(Base):
    """One per paid order; `snapshot` freezes everything printed, so a PDF never changes."""

    __tablename__ = "invoices_invoice"
    __table_args__ = (
        UniqueConstraint("shop_id", "number", name="uq_invoices_invoice_shop_id_number"),
        Index("ix_invoices_invoice_shop_issued", "shop_id", "issued_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    order_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    order_number: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    number: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    currency: Mapped[str] = mapped_column(String(3))
    amount: Mapped[int] = mapped_column(BigInteger)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType)


class InvoiceCounter(Base):
    """The last invoice number used per shop and year; bumped by one upsert … RETURNING."""

    __tablename__ = "invoices_counter"

    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
