"""Tables of shipping: the shop's shipping methods."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime
from shopkeeper.kit.ids import new_id

KINDS = ("courier", "parcel_locker", "pickup", "post")


class ShippingMethod(Base):
    """One way a shop delivers; money fields are JSON maps currency → minor units."""

    __tablename__ = "shipping_method"
    __table_args__ = (
        UniqueConstraint("shop_id", "code"),
        CheckConstraint(f"kind IN {KINDS!r}", name="kind"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    prices: Mapped[dict[str, int]] = mapped_column(JSONType)
    free_above: Mapped[dict[str, int]] = mapped_column(JSONType)
    max_weight_grams: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Longest side first; an item fits when its sorted sides fit side by side.
    max_item_dimensions_mm: Mapped[list[int] | None] = mapped_column(JSONType, nullable=True)
    allowed_category_ids: Mapped[list[str]] = mapped_column(JSONType)
    excluded_category_ids: Mapped[list[str]] = mapped_column(JSONType)
    min_cart_value: Mapped[dict[str, int]] = mapped_column(JSONType)
    max_cart_value: Mapped[dict[str, int]] = mapped_column(JSONType)
    requires_delivery_date: Mapped[bool] = mapped_column(Boolean)
    calendar_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cash_on_delivery: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[int] = mapped_column(Integer)
    addons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
