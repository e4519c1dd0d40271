"""The checkout_order table: which orders a cart became, and what the shopper agreed to."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime


class CheckoutOrder(Base):
    """A finalised checkout: one per order. A cart has one per time it was finalised (again
    after a failed payment reopened it); (cart_id, cart_version) is unique, so two
    finalisations of one state of a cart make one order.

    `snapshot` keeps what the order alone does not say: the shipping method, add-ons,
    address and date, the customer data and consents (with their text versions), the
    promotions and codes, and the totals the shopper confirmed.
    """

    __tablename__ = "checkout_order"
    __table_args__ = (UniqueConstraint("cart_id", "cart_version"),)

    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders_order.id", ondelete="CASCADE"), primary_key=True
    )
    cart_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("checkout_cart.id", ondelete="CASCADE"), index=True
    )
    cart_version: Mapped[int] = mapped_column(Integer)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    payment_method: Mapped[str] = mapped_column(String(32))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
