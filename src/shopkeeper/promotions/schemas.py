"""Shapes of the promotions context: promo codes, bulk batches, redemptions and quotes."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Self

from babel.numbers import list_currencies
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

MAX_BULK = 10_000
# The validation error type of a window whose start is not before its end.
WINDOW_ORDER = "promo_window_order"
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,62}[A-Za-z0-9]$")
_PREFIX = re.compile(r"^[A-Za-z0-9]{1,20}$")


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies()) | {"XTR"}


def canonical_code(code: str) -> str:
    """Codes are case-insensitive: stored and compared in upper case."""
    return code.strip().upper()


def _money_map(value: dict[str, int], *, positive: bool) -> dict[str, int]:
    result = {}
    for currency, amount in value.items():
        code = currency.upper()
        if code not in _currencies():
            raise ValueError(f"{currency!r} is not an ISO 4217 currency code")
        if amount < (1 if positive else 0):
            raise ValueError(f"{code}: amount must be {'positive' if positive else '≥ 0'}")
        result[code] = amount
    return result


class DiscountKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


class PromoTerms(BaseModel):
    """What a code gives and when: shared by single codes and bulk batches."""

    description: str = Field(default="", max_length=200)
    percent_off_bp: int | None = Field(
        default=None, ge=1, le=10_000, description="basis points: 1500 = 15 %"
    )
    amount_off: dict[str, int] = Field(
        default_factory=dict, description="fixed discount per currency, minor units"
    )
    minimum_amount: dict[str, int] = Field(
        default_factory=dict, description="minimum order subtotal per currency, minor units"
    )
    product_ids: list[uuid.UUID] = Field(default_factory=list, max_length=1000)
    valid_from: AwareDatetime | None = None
    valid_until: AwareDatetime | None = None
    first_purchase_only: bool = False

    @field_validator("valid_from", "valid_until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(UTC)

    @field_validator("amount_off")
    @classmethod
    def _amount_off(cls, value: dict[str, int]) -> dict[str, int]:
        return _money_map(value, positive=True)

    @field_validator("minimum_amount")
    @classmethod
    def _minimum(cls, value: dict[str, int]) -> dict[str, int]:
        return _money_map(value, positive=False)

    @model_validator(mode="after")
    def _one_kind_and_window(self) -> Self:
        if (self.percent_off_bp is None) == (not self.amount_off):
            raise ValueError("give either percent_off_bp or amount_off (per currency), not both")
        if self.valid_from and self.valid_until and self.valid_from >= self.valid_until:
            raise PydanticCustomError(WINDOW_ORDER, "valid_from must be before valid_until")
        self.product_ids = list(dict.fromkeys(self.product_ids))
        return self


class PromoCodeCreate(PromoTerms):
    code: str = Field(min_length=3, max_length=64, examples=["SUMMER25"])
    max_uses: int | None = Field(default=None, ge=1)
    max_uses_per_customer: int | None = Field(default=None, ge=1)
    customer_id: uuid.UUID | None = Field(
        default=None, description="only this customer may use the code; empty: anyone"
    )

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        value = value.strip()
        if not _CODE.match(value):
            raise ValueError("3–64 letters, digits, '-' or '_', starting and ending alphanumeric")
        return canonical_code(value)


class PromoBulkCreate(PromoTerms):
    """N single-use codes `<PREFIX>-<random>` sharing the same terms."""

    prefix: str = Field(min_length=1, max_length=20, examples=["XMAS"])
    count: int = Field(ge=1, le=MAX_BULK)

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not _PREFIX.match(value):
            raise ValueError("1–20 letters or digits")
        return value.upper()


class PromoCodeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    shop_id: uuid.UUID
    code: str
    description: str
    kind: DiscountKind
    percent_off_bp: int | None
    amount_off: dict[str, int]
    minimum_amount: dict[str, int]
    product_ids: list[uuid.UUID]
    valid_from: datetime | None
    valid_until: datetime | None
    max_uses: int | None
    max_uses_per_customer: int | None
    first_purchase_only: bool
    customer_id: uuid.UUID | None = None
    used_count: int
    active: bool
    batch_id: uuid.UUID | None
    created_at: datetime
    deactivated_at: datetime | None


class PromoBulkCreated(BaseModel):
    batch_id: uuid.UUID
    count: int
    codes: list[str]


class RedemptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    promo_code_id: uuid.UUID
    order_id: uuid.UUID
    customer_id: uuid.UUID | None
    amount: int
    currency: str
    redeemed_at: datetime
    released_at: datetime | None


class PromoLine(BaseModel):
    """One order line as a code sees it: which product, for how much (minor units)."""

    product_id: uuid.UUID
    amount: Annotated[int, Field(ge=0)]


class PromoQuote(BaseModel):
    """What a code takes off an order: `line_discounts[i]` belongs to `lines[i]`, summing up."""

    promo_code_id: uuid.UUID
    code: str
    discount: int
    line_discounts: list[int]
