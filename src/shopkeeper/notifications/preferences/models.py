"""A customer's opt-outs: one row per shop, customer and channel they asked not to be sent to."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, UTCDateTime
from shopkeeper.kit.ids import new_id


class NotificationOptOut(Base):
    """No message that is not legally required goes to `customer_id` on `channel`."""

    __tablename__ = "notifications_opt_out"
    __table_args__ = (UniqueConstraint("shop_id", "customer_id", "channel"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    customer_id: Mapped[uuid.UUID] = mapped_column()
    channel: Mapped[str] = mapped_column(String(16))  # telegram | discord | email | sms
    source: Mapped[str] = mapped_column(String(16))  # bot | email_link | staff | api
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
