"""Bodies and views of stored cart promotions (the engine's shapes are in types.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from pydantic import AwareDatetime, BaseModel, Field, field_validator, model_validator

from shopkeeper.promotions.rules.params import PositiveMoney, PromotionKind
from shopkeeper.promotions.rules.types import PromotionRule, RuleFields, Targets


class _Window(BaseModel):
    @field_validator("starts_at", "ends_at", check_fields=False)
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else value.astimezone(UTC)


class PromotionCreate(RuleFields, _Window):
    """A promotion: `kind` says which `params` it takes (see PromotionKind's models)."""

    description: str = Field(default="", max_length=500)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    active: bool = True

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.starts_at and self.ends_at and self.starts_at >= self.ends_at:
            raise ValueError("starts_at must be before ends_at")
        return self


class PromotionUpdate(_Window):
    """PATCH: absent fields stay; `params` and `targets` given replace the stored ones whole.
    New `params` are checked against the stored kind; a new `kind` needs its `params`; the
    result is checked whole, like a new promotion."""

    _not_null: ClassVar[tuple[str, ...]] = (
        "name", "description", "kind", "params", "targets", "priority", "exclusive",
        "stackable", "max_discount", "active",
    )  # fmt: skip

    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=500)
    kind: PromotionKind | None = None
    params: dict[str, Any] | None = None
    targets: Targets | None = None
    priority: int | None = Field(default=None, ge=-1000, le=1000)
    exclusive: bool | None = None
    stackable: bool | None = None
    max_discount: PositiveMoney | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    active: bool | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        nulls = [
            f for f in self._not_null if f in self.model_fields_set and getattr(self, f) is None
        ]
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null")
        if "kind" in self.model_fields_set and "params" not in self.model_fields_set:
            raise ValueError("a new kind needs its params")
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class PromotionRead(PromotionRule):
    shop_id: uuid.UUID
    description: str
    starts_at: datetime | None
    ends_at: datetime | None
    active: bool
    created_at: datetime
    updated_at: datetime
