"""Tables of warranty: which warranty (a catalog variant) a shop offers for which product."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, UTCDateTime
from shopkeeper.kit.ids import new_id


class WarrantyOffer(Base):
    """`variant_id` (of a product of kind warranty) may be bought for `product_id`."""

    __tablename__ = "checkout_warranty_offer"
    __table_args__ = (
        UniqueConstraint("product_id", "variant_id"),
        CheckConstraint("months >= 1 AND months <= 240", name="months_range"),
        Index("ix_checkout_warranty_offer_shop_product", "shop_id", "product_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    # Catalog rows: the covered product and the warranty's variant (columns, no relationship).
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("catalog_product.id", ondelete="CASCADE")
    )
    variant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("catalog_variant.id", ondelete="CASCADE"), index=True
    )
    months: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
