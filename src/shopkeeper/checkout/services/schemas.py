"""Shapes of the services-rules API: the rules as stored (or the default) and a new text."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from shopkeeper.checkout.services.rules import MAX_TEXT, ServiceRule


class ServicesRulesRead(BaseModel):
    """The shop's rules: its own (`source` shop) or the shipped default (version 0)."""

    source: Literal["default", "shop"]
    version: int
    yaml: str
    updated_by: str | None
    updated_at: datetime | None
    services: list[ServiceRule] = Field(description="The rules as parsed")
    problems: list[str] = Field(
        description="What this shop's catalog keeps out of the offer now (line, rule, why)"
    )


class ServicesRulesUpdate(BaseModel):
    yaml: str = Field(max_length=MAX_TEXT, description="The whole services_rules.yaml")
    version: int | None = Field(
        default=None,
        ge=0,
        description="The version the edit started from (0: the default); 409 if it moved",
    )
