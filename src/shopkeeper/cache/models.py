"""The one table of the caches: key → value with an expiry (PostgreSQL without Redis)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, UTCDateTime


class CacheEntry(Base):
    __tablename__ = "cache_entry"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
