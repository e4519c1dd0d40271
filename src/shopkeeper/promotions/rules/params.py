"""What each kind of cart promotion takes: one pydantic model per kind, told apart by `kind`.

Percentages are basis points (5000 = 50 %); money is minor units per ISO currency, so one
promotion can run in every currency the shop sells in (a kind that needs an amount does not
apply in a currency it has none for).
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from shopkeeper.promotions.schemas import _money_map

Percent = Annotated[int, Field(ge=1, le=10_000, description="basis points: 5000 = 50 %")]


def _positive(value: dict[str, int]) -> dict[str, int]:
    return _money_map(value, positive=True)


def _not_negative(value: dict[str, int]) -> dict[str, int]:
    return _money_map(value, positive=False)


PositiveMoney = Annotated[
    dict[str, int],
    Field(max_length=200, description="per currency, minor units: {'PLN': 10000}"),
    AfterValidator(_positive),
]
MoneyMap = Annotated[
    dict[str, int],
    Field(max_length=200, description="per currency, minor units"),
    AfterValidator(_not_negative),
]


class PromotionKind(StrEnum):
    PERCENT_OFF = "percent_off"
    AMOUNT_OFF = "amount_off"
    SECOND_ITEM = "second_item"
    BUY_N_GET_M = "buy_n_get_m"
    CART_THRESHOLD = "cart_threshold"
    GIFT = "gift"


class Within(StrEnum):
    """Which units may form a pair or a group together."""

    ANY = "any"  # any units the promotion targets ("3+1 across the range")
    PRODUCT = "product"  # units of one product (its variants: sizes, colours)
    SKU = "sku"  # units of one variant only


class _Params(BaseModel):
    # `kind` tells the models apart; it is stored in its own column, not in the params JSON.
    model_config = ConfigDict(extra="forbid", frozen=True)


class PercentOff(_Params):
    kind: Literal["percent_off"] = Field(default="percent_off", exclude=True)
    percent_bp: Percent


class AmountOff(_Params):
    kind: Literal["amount_off"] = Field(default="amount_off", exclude=True)
    amount_off: PositiveMoney
    per_item: bool = Field(
        default=False, description="off each targeted unit, not off the targeted lines together"
    )


class SecondItem(_Params):
    kind: Literal["second_item"] = Field(default="second_item", exclude=True)
    percent_bp: Percent = 5000
    within: Within = Within.ANY


class BuyNGetM(_Params):
    kind: Literal["buy_n_get_m"] = Field(default="buy_n_get_m", exclude=True)
    buy: int = Field(ge=1, le=100)
    get: int = Field(ge=1, le=100)
    percent_bp: Percent = Field(default=10_000, description="off the M units; 10000 = free")
    within: Within = Within.ANY


class CartThreshold(_Params):
    kind: Literal["cart_threshold"] = Field(default="cart_threshold", exclude=True)
    minimum: PositiveMoney
    percent_bp: Percent | None = None
    amount_off: PositiveMoney | None = None

    @model_validator(mode="after")
    def _one_discount(self) -> Self:
        if (self.percent_bp is None) == (self.amount_off is None):
            raise ValueError("give either percent_bp or amount_off, not both")
        return self


class Gift(_Params):
    kind: Literal["gift"] = Field(default="gift", exclude=True)
    product_id: uuid.UUID
    variant_id: uuid.UUID
    quantity: int = Field(default=1, ge=1, le=100)
    min_items: int = Field(default=1, ge=1, le=1000, description="targeted units needed")
    minimum: MoneyMap = Field(default_factory=dict, description="targeted value needed")
    value: MoneyMap = Field(
        default_factory=dict,
        description="what one gift unit is worth, only to compare it with other offers",
    )


RuleParams = Annotated[
    PercentOff | AmountOff | SecondItem | BuyNGetM | CartThreshold | Gift,
    Field(discriminator="kind"),
]
