"""The engine's input and output: cart lines, promotion rules, applied codes, the evaluation."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shopkeeper.promotions.rules.params import Percent, PositiveMoney, PromotionKind, RuleParams
from shopkeeper.promotions.schemas import PromoCodeRead

MAX_QUANTITY = 1000
MAX_UNITS = 10_000  # per cart: the engine works unit by unit


class LineType(StrEnum):
    OFFER = "offer"
    ACCESSORY = "accessory"
    WARRANTY = "warranty"
    SERVICE = "service"


DEFAULT_LINE_TYPES = (LineType.OFFER, LineType.ACCESSORY)


class CartLine(BaseModel):
    """One cart line as promotions see it. Gift lines the engine reported are not lines."""

    model_config = ConfigDict(frozen=True)

    line_id: str = Field(min_length=1, max_length=64)
    variant_id: uuid.UUID
    product_id: uuid.UUID
    category_ids: frozenset[uuid.UUID] = Field(
        default=frozenset(), description="the product's categories and all their ancestors"
    )
    unit_amount: int = Field(ge=0, le=10**12, description="minor units of the cart currency")
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    type: LineType = LineType.OFFER

    @field_validator("line_id", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return str(value) if isinstance(value, uuid.UUID) else value

    @property
    def amount(self) -> int:
        return self.unit_amount * self.quantity


class Targets(BaseModel):
    """Which lines a promotion looks at: their type, and then their product or category."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    product_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    category_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    line_types: list[LineType] = Field(
        default_factory=lambda: list(DEFAULT_LINE_TYPES), min_length=1, max_length=4
    )

    @field_validator("product_ids", "category_ids", "line_types")
    @classmethod
    def _unique(cls, value: list[Any]) -> list[Any]:
        return list(dict.fromkeys(value))

    def matcher(self) -> _Matcher:
        return _Matcher(self)


class _Matcher:
    """`Targets` as sets, built once per evaluation."""

    def __init__(self, targets: Targets) -> None:
        self.types = frozenset(targets.line_types)
        self.products = frozenset(targets.product_ids)
        self.categories = frozenset(targets.category_ids)

    def __call__(self, line: CartLine) -> bool:
        if line.type not in self.types:
            return False
        if not self.products and not self.categories:
            return True
        return line.product_id in self.products or not self.categories.isdisjoint(line.category_ids)


def params_carry_kind(data: Any) -> Any:
    """`kind` sits beside `params` in bodies and rows; the params models need it inside."""
    if isinstance(data, dict) and isinstance(data.get("params"), dict) and "kind" in data:
        params = data["params"]
        if "kind" not in params:
            data = {**data, "params": {**params, "kind": data["kind"]}}
    return data


class RuleFields(BaseModel):
    """What defines a promotion's effect; `params` are checked against `kind`."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(min_length=1, max_length=120)
    kind: PromotionKind
    params: RuleParams
    targets: Targets = Field(default_factory=Targets)
    priority: int = Field(default=0, ge=-1000, le=1000, description="higher applies first")
    exclusive: bool = Field(default=False, description="applies alone, or not at all")
    stackable: bool = Field(
        default=False, description="may share a line with a non-stackable promotion"
    )
    max_discount: PositiveMoney = Field(default_factory=dict, description="cap per currency")

    @model_validator(mode="before")
    @classmethod
    def _kind_inside(cls, data: Any) -> Any:
        return params_carry_kind(data)

    @model_validator(mode="after")
    def _same_kind(self) -> Self:
        if self.params.kind != self.kind:
            raise ValueError(f"params are for {self.params.kind}, not {self.kind}")
        return self


class PromotionRule(RuleFields):
    """A promotion as the engine applies it (what is stored, less the bookkeeping)."""

    id: uuid.UUID


class AppliedCode(BaseModel):
    """A promo code the caller has validated for this cart (`quote_promo_code`), as terms."""

    model_config = ConfigDict(frozen=True)

    promo_code_id: uuid.UUID
    code: str
    percent_bp: Percent | None = None
    amount_off: int | None = Field(default=None, ge=1, description="in the cart's currency")
    product_ids: frozenset[uuid.UUID] = frozenset()

    @model_validator(mode="after")
    def _one_discount(self) -> Self:
        if (self.percent_bp is None) == (self.amount_off is None):
            raise ValueError("a code gives either percent_bp or amount_off")
        return self

    @classmethod
    def of(cls, code: PromoCodeRead, currency: str) -> AppliedCode | None:
        """A code's terms in `currency` (None: it gives nothing there). Check the code first
        with `quote_promo_code`: it knows the customer, the limits and the minimums."""
        amount = None if code.percent_off_bp is not None else code.amount_off.get(currency.upper())
        if code.percent_off_bp is None and amount is None:
            return None
        return cls(
            promo_code_id=code.id, code=code.code, percent_bp=code.percent_off_bp,
            amount_off=amount, product_ids=frozenset(code.product_ids),
        )  # fmt: skip


class Source(StrEnum):
    PROMOTION = "promotion"
    CODE = "code"


class LossReason(StrEnum):
    EXCLUSIVE_APPLIED = "exclusive_applied"  # an exclusive promotion gives more, alone
    BETTER_OPTION = "better_option"  # this exclusive one gives less than the winning option
    NOT_STACKABLE = "not_stackable"  # its lines went to a non-stackable one of higher priority
    NOTHING_LEFT = "nothing_left"  # earlier discounts left nothing (or too little) for it
    NOT_APPLICABLE = "not_applicable"  # a code: nothing in the cart for it


class LineDiscount(BaseModel):
    line_id: str
    amount: int


class GiftLine(BaseModel):
    """A line for the cart to add at a price of 0."""

    promotion_id: uuid.UUID
    product_id: uuid.UUID
    variant_id: uuid.UUID
    quantity: int


class AppliedPromotion(BaseModel):
    source: Source
    id: uuid.UUID  # the promotion's, or the promo code's
    name: str  # the code itself for a code
    kind: str  # a PromotionKind, or "code"
    discount: int
    lines: list[LineDiscount]  # the lines it discounted, in line id order
    gift: GiftLine | None = None


class LostPromotion(BaseModel):
    source: Source
    id: uuid.UUID
    name: str
    kind: str
    reason: LossReason
    by: list[uuid.UUID]  # what it lost to
    alone: int  # the discount it would give on its own


class AvailablePromotion(BaseModel):
    """A promotion the cart qualifies for (`eligible`), or one it is short of."""

    promotion_id: uuid.UUID
    name: str
    kind: PromotionKind
    eligible: bool
    applied: bool
    missing_items: int | None = None  # add this many targeted items...
    missing_amount: int | None = None  # ...or this much targeted value (minor units)


class Evaluation(BaseModel):
    currency: str
    subtotal: int
    discount: int
    total: int
    exclusive_id: uuid.UUID | None  # the exclusive promotion that won, if one did
    lines: list[LineDiscount]  # every line, in line id order
    applied: list[AppliedPromotion]
    lost: list[LostPromotion]
    gifts: list[GiftLine]
    available: list[AvailablePromotion]
