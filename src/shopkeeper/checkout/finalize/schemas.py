"""Bodies and answers of finalisation (money: minor units of the cart's currency)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.checkout.payment import CheckoutPaymentRead
from shopkeeper.orders import OrderRead


class FinalizeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cart_id: uuid.UUID = Field(description="The cart of the summary the shopper confirms")
    expected_total: int | None = Field(
        default=None, ge=0,
        description="The summary's total the shopper saw; 409 when it is no longer the total",
    )  # fmt: skip
    return_url: str | None = Field(
        default=None, max_length=2000, pattern=r"^https?://\S+$",
        description="Where the gateway sends the shopper back after paying",
    )  # fmt: skip


class CheckoutOrderRead(BaseModel):
    """A finalised checkout: its cart, its order, how it is paid, what was agreed."""

    model_config = ConfigDict(from_attributes=True)

    cart_id: uuid.UUID
    shop_id: uuid.UUID
    order_id: uuid.UUID
    customer_id: uuid.UUID | None
    payment_method: str
    snapshot: dict[str, Any]
    created_at: datetime


class FinalizeResult(BaseModel):
    created: bool = Field(description="False: this cart had been finalised before (a repeat)")
    order: OrderRead
    checkout: CheckoutOrderRead
    payment: CheckoutPaymentRead | None = Field(
        description="None when the payment could not be started (retry with /payment/initialize)"
    )
    payment_error: str | None = None
