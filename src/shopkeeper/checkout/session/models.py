"""The checkout session table: one row per cart (its id is the cart's), the shopper's choices.

Amounts are never stored here: prices, discounts and totals are computed from the cart, the
catalog, shipping and promotions whenever they are asked for.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime


class CheckoutSession(Base):
    """What the shopper chose for a cart: shipping, address, date, promotions, codes."""

    __tablename__ = "checkout_session"

    cart_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("checkout_cart.id", ondelete="CASCADE"), primary_key=True
    )
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    shipping_method_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    addons: Mapped[list[str]] = mapped_column(JSONType)
    address: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    delivery_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    payment_method_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    chosen_promotion_ids: Mapped[list[str]] = mapped_column(JSONType)
    removed_promotion_ids: Mapped[list[str]] = mapped_column(JSONType)
    promo_codes: Mapped[list[dict[str, str]]] = mapped_column(JSONType)  # {promo_code_id, code}
    notice: Mapped[str | None] = mapped_column(String(500), nullable=True)
    version: Mapped[int] = mapped_column(Integer)  # +1 on every change
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
