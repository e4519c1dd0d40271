"""The table of cart promotions: one row per promotion a shop defines (promo codes are apart)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime
from shopkeeper.kit.ids import new_id
from shopkeeper.promotions.rules.params import PromotionKind

KINDS = tuple(kind.value for kind in PromotionKind)


class Promotion(Base):
    """`params` is the JSON of the kind's params model (validated before it is written)."""

    __tablename__ = "promotions_promotion"
    __table_args__ = (
        Index("ix_promotions_promotion_shop_active", "shop_id", "active"),
        CheckConstraint(f"kind IN {KINDS!r}", name="kind_known"),
        CheckConstraint(
            "starts_at IS NULL OR ends_at IS NULL OR starts_at < ends_at", name="window"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(JSONType)
    # Plain id lists: catalog owns products and categories.
    product_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    category_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)
    line_types: Mapped[list[str]] = mapped_column(JSONType)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    exclusive: Mapped[bool] = mapped_column(Boolean, default=False)
    stackable: Mapped[bool] = mapped_column(Boolean, default=False)
    max_discount: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)  # per currency
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
