"""Tables of the promotions context: promo codes and their redemptions (one per order)."""

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
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime
from shopkeeper.kit.ids import new_id


class PromoCode(Base):
    """A code a customer types; `used_count` moves only by conditional UPDATEs (see repository)."""

    __tablename__ = "promotions_promo_code"
    __table_args__ = (
        UniqueConstraint("shop_id", "code"),
        Index("ix_promotions_promo_code_shop_batch", "shop_id", "batch_id"),
        # The database, too, refuses a count beyond the limit.
        CheckConstraint(
            "used_count >= 0 AND (max_uses IS NULL OR used_count <= max_uses)",
            name="used_count_range",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))  # upper case: codes are case-insensitive
    description: Mapped[str] = mapped_column(String(200), default="")
    percent_off_bp: Mapped[int | None] = mapped_column(Integer, nullable=True)
    amount_off: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)  # currency → minor
    minimum_amount: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)
    product_ids: Mapped[list[str]] = mapped_column(JSONType, default=list)  # empty: every product
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    max_uses: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_uses_per_customer: Mapped[int | None] = mapped_column(Integer, nullable=True)
    first_purchase_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Only this customer may use the code (a win-back offer); None: anyone. A column: identity
    # owns customers.
    customer_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    used_count: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    batch_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def kind(self) -> str:
        return "percent" if self.percent_off_bp is not None else "fixed"


class PromoRedemption(Base):
    """One use of a code by one order; `released_at` is set when the order is cancelled."""

    __tablename__ = "promotions_redemption"
    __table_args__ = (
        Index("ix_promotions_redemption_code_customer", "promo_code_id", "customer_id"),
        Index("ix_promotions_redemption_shop_customer", "shop_id", "customer_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    promo_code_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("promotions_promo_code.id", ondelete="CASCADE")
    )
    order_id: Mapped[uuid.UUID] = mapped_column(unique=True)  # a column: orders is another context
    customer_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # the discount given
    currency: Mapped[str] = mapped_column(String(3))
    redeemed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
