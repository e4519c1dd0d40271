"""Tables of services: a shop's own services_rules.yaml (absent: the shipped default)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, UTCDateTime


class StoredServicesRules(Base):
    """The shop's rules file as staff saved it; `version` counts saves (optimistic locking)."""

    __tablename__ = "checkout_services_rules"

    shop_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("shop.id", ondelete="CASCADE"), primary_key=True
    )
    yaml: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(320))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
