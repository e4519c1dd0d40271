"""Tables of checkout customer data and consents.

Customer data is one row per cart (its id is the cart's). A consent is a shop's checkbox
(`code` unique per shop); each text the shop ever gave it is a version, written once and
never changed, so an acceptance (one per cart and consent) always names the exact text the
shopper saw.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopkeeper.db import Base, JSONType, UTCDateTime
from shopkeeper.kit.ids import new_id


class CustomerData(Base):
    """Who buys: email, phone, name and, for an invoice, the company with its tax id."""

    __tablename__ = "checkout_customer_data"

    cart_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("checkout_cart.id", ondelete="CASCADE"), primary_key=True
    )
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    invoice: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    version: Mapped[int] = mapped_column(Integer)  # +1 on every change
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Consent(Base):
    """A consent the shop asks for at checkout; its texts are in `ConsentVersion`."""

    __tablename__ = "checkout_consent"
    __table_args__ = (UniqueConstraint("shop_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    required: Mapped[bool] = mapped_column(Boolean)
    active: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConsentVersion(Base):
    """One text of a consent ({language: text}); the highest `number` is the current one."""

    __tablename__ = "checkout_consent_version"
    __table_args__ = (UniqueConstraint("consent_id", "number"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    consent_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("checkout_consent.id", ondelete="CASCADE")
    )
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    texts: Mapped[dict[str, str]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConsentAcceptance(Base):
    """The shopper's latest answer to a consent for a cart: which text, yes or no, when."""

    __tablename__ = "checkout_consent_acceptance"

    cart_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("checkout_cart.id", ondelete="CASCADE"), primary_key=True
    )
    consent_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("checkout_consent.id", ondelete="CASCADE"), primary_key=True
    )
    shop_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("shop.id", ondelete="CASCADE"))
    version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("checkout_consent_version.id", ondelete="CASCADE")
    )
    accepted: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(8))  # the text's language the shopper read
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    customer_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
