"""Bodies and answers of the checkout's payment endpoints (money: minor units)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

MethodCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=32)
]
ReturnUrl = Annotated[str, Field(max_length=2000, pattern=r"^https?://\S+$")]


class AttemptStatus(StrEnum):
    PENDING = "pending"  # waiting for the shopper at the gateway, or for the courier (cod)
    SUCCESS = "success"
    FAILED = "failed"
    REFUND = "refund"  # money went back (part or all)


class MethodKind(StrEnum):
    ONLINE = "online"
    COD = "cod"


class PaymentMethodOption(BaseModel):
    """A way to pay this checkout; an unavailable one says why."""

    code: str
    name: str
    kind: MethodKind
    available: bool
    reason: str | None = None


class PaymentMethods(BaseModel):
    cart_id: uuid.UUID
    currency: str
    selected: str | None = Field(description="The method chosen for this checkout, if any")
    methods: list[PaymentMethodOption]


class PaymentSelect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: MethodCode


class PaymentInitialize(BaseModel):
    """Pay (again) the order a finalised cart became."""

    model_config = ConfigDict(extra="forbid")

    cart_id: uuid.UUID | None = Field(
        default=None, description="The finalised cart; absent: the caller's open cart"
    )
    method: MethodCode | None = Field(
        default=None, description="Another method to pay with; absent: the one chosen"
    )
    return_url: ReturnUrl | None = Field(
        default=None, description="Where the gateway sends the shopper back after paying"
    )


class CheckoutPaymentRead(BaseModel):
    """A payment attempt: `transaction_id` to ask its status; open `redirect_url` to pay."""

    transaction_id: uuid.UUID
    order_id: uuid.UUID
    method: str
    status: AttemptStatus
    redirect_url: str | None
    error: str | None = None
    created_at: datetime
    updated_at: datetime
